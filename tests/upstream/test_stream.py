from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.upstream.loopback import (
    FINAL_B64,
    PARTIAL_B64,
    LoopbackServer,
    Reply,
    image_item,
    images_events,
    response_object,
    responses_events,
    sse,
    sse_reply,
)
from upstream import events as ev
from upstream.client import InputFile, UpstreamClient
from upstream.errors import ResponseFailed, StreamClosed, StreamInterrupted
from upstream.stream import (
    Completed,
    FinalImage,
    ImageStream,
    PartialImage,
    completed_from_response,
)

BODY = {"model": "gpt-5", "input": "a red fox", "tools": [{"type": "image_generation"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.stop()


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[UpstreamClient]:
    server.replies.clear()
    server.received.clear()
    with UpstreamClient(server.url, "sk-test", sleep=lambda s: None) as upstream:
        yield upstream


def progress_of(client: UpstreamClient) -> list:
    with client.stream_response(BODY) as stream:
        return list(stream.progress())


def test_events_arrive_typed_and_in_order(server, client):
    server.add(sse_reply(responses_events(text="Here it is.")))
    with client.stream_response(BODY) as stream:
        events = list(stream)
    types = [type(event) for event in events]
    assert types[:6] == [
        ev.ResponseCreatedEvent,
        ev.ResponseInProgressEvent,
        ev.OutputItemAddedEvent,
        ev.ImageGenCallInProgressEvent,
        ev.ImageGenCallGeneratingEvent,
        ev.KeepaliveEvent,
    ]
    assert ev.ContentPartAddedEvent in types and ev.OutputTextDeltaEvent in types
    assert isinstance(events[-1], ev.ResponseCompletedEvent)
    assert [event.sequence_number for event in events] == list(range(len(events)))


def test_request_asks_for_an_event_stream(server, client):
    server.add(sse_reply(responses_events()))
    progress_of(client)
    received = server.received[0]
    assert received.path == "/v1/responses"
    assert received.headers["Accept"] == "text/event-stream"
    assert json.loads(received.body)["stream"] is True


def test_progress_yields_partials_then_final_then_completed(server, client):
    server.add(sse_reply(responses_events(text="Here it is.")))
    items = progress_of(client)
    assert items[:2] == [
        PartialImage(0, PARTIAL_B64[0], "ig_1", "png"),
        PartialImage(1, PARTIAL_B64[1], "ig_1", "png"),
    ]
    final = items[2]
    assert isinstance(final, FinalImage)
    assert final.b64 == FINAL_B64 and final.data == b"final-image"
    assert (final.item_id, final.revised_prompt, final.size) == (
        "ig_1",
        "a red fox in snow",
        "1024x1024",
    )
    completed = items[3]
    assert isinstance(completed, Completed)
    assert completed.response_id == "resp_1"
    assert completed.images == [final]
    assert completed.text == "Here it is."
    assert completed.usage["total_tokens"] == 30
    assert completed.usage["tool_usage"]["image_gen"]["output_tokens"] == 272


def test_done_item_still_generating_with_a_result_is_final(server, client):
    events = responses_events(done_item=image_item(status="generating"), with_call_completed=False)
    server.add(sse_reply(events))
    items = progress_of(client)
    finals = [item for item in items if isinstance(item, FinalImage)]
    assert [final.b64 for final in finals] == [FINAL_B64]


def test_last_partial_is_final_when_done_item_has_no_result(server, client):
    # Gateways put the final image in the partial event (final_image_in_partial_event).
    events = responses_events(partials=1, done_item=image_item(result=None))
    server.add(sse_reply(events))
    items = progress_of(client)
    completed = items[-1]
    assert isinstance(items[-2], FinalImage) and items[-2].b64 == PARTIAL_B64[0]
    assert [image.b64 for image in completed.images] == [PARTIAL_B64[0]]


def test_keepalive_and_unknown_events_are_ignored_by_progress(server, client):
    events = responses_events(partials=0)
    events.insert(3, {"type": "response.reasoning_summary_text.delta", "delta": "hm"})
    server.add(Reply(chunks=[b": comment\n\n", b"event: keepalive\n\n"] + [sse(e) for e in events]))
    with client.stream_response(BODY) as stream:
        seen = list(stream)
    assert any(isinstance(e, ev.UnknownEvent) and e.data["delta"] == "hm" for e in seen)
    server.add(sse_reply(events))
    items = progress_of(client)
    assert [type(item) for item in items] == [FinalImage, Completed]


def test_stream_without_terminal_event_is_interrupted(server, client):
    server.add(sse_reply(responses_events(terminal=False)))
    with pytest.raises(StreamInterrupted), client.stream_response(BODY) as stream:
        list(stream.progress())


def test_stream_cut_half_way_is_interrupted_and_not_retried(server, client):
    events = responses_events()[:7]
    server.add(sse_reply(events, cut=True), sse_reply(responses_events()))
    seen = []
    with pytest.raises(StreamInterrupted), client.stream_response(BODY) as stream:
        seen.extend(stream.progress())
    assert [type(item) for item in seen] == [PartialImage]
    assert len(server.received) == 1


def test_event_cut_in_the_middle_of_its_data_is_interrupted(server, client):
    head = b"".join(sse(e) for e in responses_events()[:3])
    server.add(Reply(chunks=[head, b'data: {"type": "response.output_item.do'], cut=True))
    with pytest.raises(StreamInterrupted), client.stream_response(BODY) as stream:
        list(stream)


def test_done_marker_after_completed_is_fine_and_before_it_is_not(server, client):
    server.add(Reply(chunks=[*[sse(e) for e in responses_events()], b"data: [DONE]\n\n"]))
    assert isinstance(progress_of(client)[-1], Completed)
    server.add(
        Reply(chunks=[*[sse(e) for e in responses_events(terminal=False)], b"data: [DONE]\n\n"])
    )
    with pytest.raises(StreamInterrupted):
        progress_of(client)


def test_response_failed_raises_with_code_and_message(server, client):
    failed = response_object(status="failed")
    failed["error"] = {"code": "server_error", "message": "The model crashed."}
    events = [*responses_events(terminal=False), {"type": "response.failed", "response": failed}]
    server.add(sse_reply(events))
    with pytest.raises(ResponseFailed) as caught:
        progress_of(client)
    assert caught.value.code == "server_error"
    assert caught.value.message == "The model crashed."
    assert caught.value.is_retryable


def test_failure_event_is_yielded_before_the_error(server, client):
    events = [{"type": "error", "code": "server_error", "message": "boom"}]
    server.add(sse_reply(events))
    seen = []
    with pytest.raises(ResponseFailed), client.stream_response(BODY) as stream:
        seen.extend(stream)
    assert isinstance(seen[0], ev.ErrorEvent)


@pytest.mark.parametrize(
    "event",
    [
        # The nested form the live API sends, with the flat form beside it (§2.4).
        {
            "type": "error",
            "sequence_number": 2,
            "code": "flat_code",
            "message": "flat message",
            "error": {
                "type": "image_generation_user_error",
                "code": "moderation_blocked",
                "message": "Your request was rejected by the safety system.",
                "param": None,
            },
        },
        {
            "type": "error",
            "code": "moderation_blocked",
            "message": "Your request was rejected by the safety system.",
            "param": None,
        },
    ],
    ids=["nested", "flat"],
)
def test_error_event_raises_response_failed(server, client, event):
    server.add(sse_reply([responses_events()[0], event]))
    with pytest.raises(ResponseFailed) as caught:
        progress_of(client)
    assert caught.value.code == "moderation_blocked"
    assert caught.value.message == "Your request was rejected by the safety system."
    assert caught.value.is_moderation_block


def test_incomplete_response_raises_with_its_reason(server, client):
    incomplete = response_object(status="incomplete")
    incomplete["incomplete_details"] = {"reason": "content_filter"}
    server.add(sse_reply([{"type": "response.incomplete", "response": incomplete}]))
    with pytest.raises(ResponseFailed) as caught:
        progress_of(client)
    assert caught.value.code == "content_filter"
    assert caught.value.is_moderation_block


def test_close_from_another_thread_aborts_a_silent_stream(server, client):
    first = sse(responses_events()[0])
    server.add(Reply(chunks=[first, 30.0, first]))
    stream = client.stream_response(BODY)
    seen = []
    with stream:
        threading.Timer(0.3, stream.close).start()
        started = time.monotonic()
        with pytest.raises(StreamClosed):
            seen.extend(stream)
    assert time.monotonic() - started < 1.5
    assert len(seen) == 1


def test_close_while_waiting_for_headers_returns_at_once(server, client):
    server.add(Reply(chunks=[sse(responses_events()[0])], delay=20.0))
    stream = client.stream_response(BODY)
    threading.Timer(0.3, stream.close).start()
    started = time.monotonic()
    with pytest.raises(StreamClosed), stream:
        pass
    assert time.monotonic() - started < 1.5


def test_close_before_the_request_is_sent(client):
    stream = client.stream_response(BODY)
    stream.close()
    with pytest.raises(StreamClosed), stream:
        pass


@pytest.mark.parametrize("prefix", ["image_generation", "image_edit"])
def test_images_api_stream_progress(server, client, prefix):
    server.add(sse_reply(images_events(prefix)))
    if prefix == "image_edit":
        image = InputFile("a.png", b"png", "image/png")
        stream = client.stream_edit_images({"model": "gpt-image-1", "prompt": "x"}, [image])
    else:
        stream = client.stream_generate_images({"model": "gpt-image-1", "prompt": "x"})
    with stream:
        items = list(stream.progress())
    assert [type(item) for item in items] == [PartialImage, PartialImage, FinalImage, Completed]
    assert items[2].b64 == FINAL_B64 and items[2].size == "1024x1024"
    assert items[3].response_id is None
    assert items[3].usage["output_tokens"] == 272
    assert items[3].images == [items[2]]


def test_images_stream_with_two_images_waits_for_both(server, client):
    events = images_events(partials=0) + images_events(partials=0)
    server.add(Reply(chunks=[sse(events[0]), 0.2, sse(events[1])]))
    with client.stream_generate_images({"model": "gpt-image-1", "prompt": "x", "n": 2}) as stream:
        items = list(stream.progress())
    assert len(items[-1].images) == 2
    # Each completed event reports its own image: input once, both images' output.
    usage = items[-1].usage
    assert (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]) == (50, 544, 594)


def test_images_stream_without_completed_is_interrupted(server, client):
    server.add(sse_reply(images_events()[:2]))
    stream = client.stream_generate_images({"model": "gpt-image-1", "prompt": "x"})
    with pytest.raises(StreamInterrupted), stream:
        list(stream.progress())


def test_eight_megabyte_event_arrives_whole(server, client):
    big = "A" * (8 * 1024 * 1024)
    events = responses_events(done_item=image_item(result=big))
    server.add(sse_reply(events))
    items = progress_of(client)
    assert items[-1].images[0].b64 == big


def _parse_cpu_seconds(size: int) -> float:
    """CPU time this thread spends reading one event of `size` bytes of base64 through
    ImageStream, in 64 KB chunks (the best of three).

    CPU time of the reading thread, not wall-clock time: other processes and the
    simulator's threads sharing the machine do not count.
    """
    payload = sse({"type": "image_generation.completed", "b64_json": "A" * size, "usage": {}})

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    def open_response(_: ImageStream) -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, content=chunks())

    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        events = list(ImageStream(open_response, expected_images=1))
        best = min(best, time.thread_time() - started)
        assert len(events[0].b64_json) == size
    return best


def test_large_event_parses_in_linear_time():
    one = _parse_cpu_seconds(1024 * 1024)
    eight = _parse_cpu_seconds(8 * 1024 * 1024)
    # Linear parsing costs about 8 times as much for 8 times the bytes; buffering that
    # copies what it has so far on every chunk costs about 64 times as much.
    assert eight < 24 * one


def test_completed_from_a_non_streamed_response():
    response = response_object(output=[image_item()])
    completed = completed_from_response(response)
    assert completed.response_id == "resp_1"
    assert [image.b64 for image in completed.images] == [FINAL_B64]
    failed = {**response, "status": "failed", "error": {"code": "server_error", "message": "x"}}
    with pytest.raises(ResponseFailed):
        completed_from_response(failed)


def test_a_failed_response_reports_its_usage_and_other_errors_none():
    from upstream.errors import APIStatusError, ResponseFailed
    from upstream.stream import failure_usage

    response = {"usage": {"input_tokens": 9}, "tool_usage": {"image_gen": {"output_tokens": 0}}}
    failed = ResponseFailed("no", body={"type": "response.failed", "response": response})
    assert failure_usage(failed) == {
        "input_tokens": 9,
        "tool_usage": {"image_gen": {"output_tokens": 0}},
    }
    refused = APIStatusError("no", status=400, body={"error": {"message": "no"}})
    assert failure_usage(refused) == {}


def test_an_error_event_quoting_the_key_is_redacted(server):
    key = "gw-live-7Q2xVb9LmN4pK8sT"
    event = {"type": "error", "code": "invalid_api_key", "message": f"Bad key: {key}."}
    server.add(sse_reply([event]))
    with (
        UpstreamClient(server.url, key, sleep=lambda s: None) as upstream,
        pytest.raises(ResponseFailed) as caught,
    ):
        progress_of(upstream)
    assert key not in str(caught.value)
    assert caught.value.message == "Bad key: [redacted]."
