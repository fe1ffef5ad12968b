"""Chat image calls end to end over a real loopback server: answer, links, downloads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.upstream.loopback import LoopbackServer, Reply
from tests.upstream.test_downloads import fake_dns, image_reply, png_bytes
from upstream import errors
from upstream import events as ev
from upstream.client import UpstreamClient
from upstream.downloads import DownloadFailed, LinkDownloader
from upstream.stream import Completed, FinalImage, PartialImage

FIXTURES = Path(__file__).parent / "fixtures" / "chat"
KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.stop()


def sse_reply(text: str) -> Reply:
    return Reply(chunks=[text.encode()])


def chat_sse(content: str, *, pieces: int = 3) -> Reply:
    size = max(1, len(content) // pieces)
    chunks = []
    for start in range(0, len(content), size):
        delta = {"content": content[start : start + size]}
        chunk = {"id": "chatcmpl-1", "choices": [{"index": 0, "delta": delta}]}
        chunks.append(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
    chunks.append(b"data: [DONE]\n\n")
    return Reply(chunks=chunks)


def run(client: UpstreamClient, *, stream: bool = True) -> list:
    with client.stream_chat_images({"model": "gpt-4o-image", "stream": stream}) as call:
        return list(call.progress())


def test_a_streamed_answer_becomes_progress_a_final_image_and_completed(server):
    sse = (FIXTURES / "stream_tuzi.sse").read_text(encoding="utf-8").replace("{base}", server.base)
    server.add(sse_reply(sse), image_reply(png_bytes((16, 24))))

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        items = run(client)

    progress = [(i.stage, i.percent) for i in items if isinstance(i, ev.ProgressEvent)]
    assert progress[0] == ("queued", None)
    assert progress[-1] == ("done", 100.0)
    finals = [i for i in items if isinstance(i, FinalImage)]
    assert [(f.size, f.output_format) for f in finals] == [("16x24", "png")]
    completed = items[-1]
    assert isinstance(completed, Completed)
    assert completed.response_id == "chatcmpl-stream1"
    assert "生成完成" in completed.text
    assert [r.path for r in server.received] == ["/v1/chat/completions", "/cdn/20250330/fox.png"]
    assert json.loads(server.received[0].body)["stream"] is True
    # The image link is fetched without the API key.
    assert "authorization" not in {k.lower() for k in server.received[1].headers}


def test_four_images_make_four_finals(server):
    links = "\n".join(f"![f{i}]({server.base}/cdn/{i}.png)" for i in range(4))
    server.add(chat_sse(f"> 生成完成 ✅\n\n{links}\n"), *[image_reply() for _ in range(4)])

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        items = run(client)

    assert len([i for i in items if isinstance(i, FinalImage)]) == 4
    assert len(items[-1].images) == 4


def test_a_json_answer_to_a_streamed_request_is_read_all_the_same(server):
    body = json.loads((FIXTURES / "unstreamed_completion.json").read_text(encoding="utf-8"))
    content = body["choices"][0]["message"]["content"]
    body["choices"][0]["message"]["content"] = content.replace(
        "https://filesystem.site", server.base
    )
    server.add(Reply.json(200, body), image_reply())

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        items = run(client)

    assert any(isinstance(i, FinalImage) for i in items)
    assert items[-1].usage["total_tokens"] == 278


def test_an_images_api_shaped_answer_is_accepted(server):
    server.add(Reply.json(200, {"created": 1, "data": [{"url": f"{server.base}/i.png"}]}))
    server.add(image_reply())

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        items = run(client, stream=False)

    assert len([i for i in items if isinstance(i, FinalImage)]) == 1


def test_an_apology_fails_the_call_with_the_gateways_words(server):
    server.add(chat_sse((FIXTURES / "apology_rate_limit.md").read_text(encoding="utf-8")))

    with (
        UpstreamClient(server.url, KEY, max_retries=0) as client,
        pytest.raises(errors.ResponseFailed) as failed,
    ):
        run(client)

    assert failed.value.code == "no_image"
    assert "当前请求过多" in failed.value.message


def test_an_error_chunk_inside_a_200_stream_is_an_error(server):
    error = {
        "error": {"message": "当前分组 default 下对于模型 gpt-4o-image 无可用渠道", "code": ""}
    }
    server.add(Reply(chunks=[f"data: {json.dumps(error, ensure_ascii=False)}\n\n".encode()]))

    with (
        UpstreamClient(server.url, KEY, max_retries=0) as client,
        pytest.raises(errors.UpstreamError, match="无可用渠道"),
    ):
        run(client)


def test_a_link_to_redis_from_a_public_provider_is_refused_and_not_fetched(server):
    server.add(chat_sse("![x](http://127.0.0.1:6379/)"))

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        client.downloader = LinkDownloader(
            provider_base_url="https://gateway.example/v1",
            resolve=fake_dns({"gateway.example": ["93.184.216.34"]}),
        )
        with pytest.raises(DownloadFailed) as refused:
            run(client)

    assert refused.value.code == "image_link_refused"
    assert len(server.received) == 1


def test_an_async_source_is_polled_until_ready_and_the_preview_is_a_partial(server):
    content = f"> 生成中..\n[preview]({server.base}/p.png)\n[source]({server.base}/s.png)\n"
    server.add(chat_sse(content), image_reply(png_bytes((4, 4))))
    server.add(Reply.json(404, {}), Reply.json(404, {}), image_reply(png_bytes((32, 32))))

    with UpstreamClient(server.url, KEY, max_retries=0) as client:
        client.downloader.poll_interval = 0.01
        items = run(client)

    assert [type(i).__name__ for i in items if not isinstance(i, ev.ProgressEvent)] == [
        "PartialImage",
        "FinalImage",
        "Completed",
    ]
    partial = next(i for i in items if isinstance(i, PartialImage))
    final = next(i for i in items if isinstance(i, FinalImage))
    assert (partial.output_format, final.size) == ("png", "32x32")
    assert [r.path for r in server.received][-3:] == ["/s.png", "/s.png", "/s.png"]


def test_an_expired_link_fails_clearly(server):
    server.add(chat_sse(f"![x]({server.base}/old.png)"), Reply.json(404, {}))

    with (
        UpstreamClient(server.url, KEY, max_retries=0) as client,
        pytest.raises(DownloadFailed, match="may have expired"),
    ):
        run(client)
