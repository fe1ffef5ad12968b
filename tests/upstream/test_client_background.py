"""The client's background calls against the simulated provider on a real loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from upstream import errors
from upstream import events as ev
from upstream.background import ResponseObject
from upstream.client import UpstreamClient
from upstream.stream import Completed, FinalImage, Normalizer, PartialImage

TOOL = {"type": "image_generation", "quality": "low", "size": "1024x1024", "partial_images": 2}


@pytest.fixture
def client(sim) -> Iterator[UpstreamClient]:
    with UpstreamClient(sim.url, "sk-test", sleep=lambda s: None) as upstream:
        yield upstream


def body(prompt: str = "a blue square on a hill") -> dict:
    return {"model": "gpt-5", "input": prompt, "tools": [TOOL]}


def wait_until_finished(client: UpstreamClient, response_id: str) -> ResponseObject:
    deadline = time.monotonic() + 15
    while (response := client.retrieve_response(response_id)).running:
        assert time.monotonic() < deadline, "the response never finished"
        time.sleep(0.05)
    return response


def test_a_background_stream_keeps_every_sequence_number(client):
    with client.stream_background_response(body()) as stream:
        events = list(stream)

    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert isinstance(events[1], ev.ResponseQueuedEvent)
    assert events[0].response["background"] is True
    assert isinstance(events[-1], ev.ResponseCompletedEvent)


def test_a_stream_resumed_after_n_continues_without_gap_or_duplicate(client, sim):
    sim.configure(latency=(1.0, 1.0))
    with client.stream_background_response(body()) as stream:
        head = []
        for event in stream:
            head.append(event)
            if isinstance(event, ev.ImageGenCallPartialImageEvent):
                break
    response_id = head[0].response_id
    last = head[-1].sequence_number

    with client.resume_response_stream(response_id, starting_after=last) as resumed:
        rest = list(resumed)

    numbers = [e.sequence_number for e in head + rest]
    assert numbers == list(range(len(numbers)))
    assert isinstance(rest[-1], ev.ResponseCompletedEvent)
    assert sim.state.generations.all()["total"] == 1


def test_a_resumed_stream_normalizes_without_the_recorded_final(client):
    with client.stream_background_response(body()) as stream:
        events = list(stream)
    done = next(
        e
        for e in events
        if isinstance(e, ev.OutputItemDoneEvent) and e.item_type == "image_generation_call"
    )
    response_id = events[0].response_id

    normalizer = Normalizer(response_id=response_id, recorded_items=frozenset({done.item_id}))
    with client.resume_response_stream(response_id, starting_after=done.sequence_number) as rest:
        items = [item for event in rest for item in normalizer.feed(event)]

    assert not [item for item in items if isinstance(item, FinalImage | PartialImage)]
    (completed,) = items
    assert isinstance(completed, Completed) and completed.response_id == response_id
    assert completed.text and completed.usage


def test_create_retrieve_and_cancel(client, sim):
    sim.configure(latency=(5.0, 5.0))
    queued = client.create_background_response(body())

    retrieved = client.retrieve_response(queued.id)
    cancelled = client.cancel_response(queued.id)

    assert queued.status == "queued" and queued.background and queued.running
    assert retrieved.id == queued.id and retrieved.running
    assert cancelled.status == "cancelled" and cancelled.finished
    assert client.retrieve_response(queued.id).status == "cancelled"


def test_a_finished_response_is_retrieved_with_its_image_items(client):
    queued = client.create_background_response(body())

    finished = wait_until_finished(client, queued.id)

    assert finished.status == "completed"
    assert len(finished.image_items) == 1
    # Retrieval reports image items without their pictures: they are in the events.
    assert not finished.has_image_results


def test_a_deleted_response_is_not_found(client):
    queued = client.create_background_response(body())
    client.delete_response(queued.id)

    with pytest.raises(errors.NotFoundError):
        client.retrieve_response(queued.id)
    with pytest.raises(errors.NotFoundError), client.resume_response_stream(queued.id):
        pass
