"""Background responses on the wire: created, followed, resumed, retrieved, cancelled."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.upstream.simulator.helpers import names, post_stream, read_sse

TOOL = {"type": "image_generation", "quality": "low", "size": "1024x1024", "partial_images": 2}
SLOW = {"X-Simulator-Latency": "1.5"}


def body(prompt: str = "a red circle", **extra) -> dict:
    return {"model": "gpt-5", "input": prompt, "tools": [TOOL], "background": True, **extra}


def numbers(events) -> list[int]:
    return [data["sequence_number"] for _, data in events if "sequence_number" in data]


def first_events(client: httpx.Client, count: int, headers=SLOW) -> list:
    """The first ``count`` events of a streamed background response; then hang up."""
    events = []
    with client.stream("POST", "/responses", json=body(stream=True), headers=headers) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if len(events) == count:
                    break
    return events


def resume(client: httpx.Client, response_id: str, after: int | None = None) -> list:
    params = {"stream": "true"} | ({"starting_after": after} if after is not None else {})
    with client.stream("GET", f"/responses/{response_id}", params=params) as response:
        assert response.status_code == 200, response.read()
        return read_sse(response)


def wait_for_status(client: httpx.Client, response_id: str, status: str) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        retrieved = client.get(f"/responses/{response_id}").json()
        if retrieved["status"] == status:
            return retrieved
        time.sleep(0.05)
    raise AssertionError(f"{response_id} never became {status}")


def generations(sim) -> dict:
    return {e["response_id"]: e["generations"] for e in sim.state.generations.all()["responses"]}


def test_a_streamed_background_response_starts_queued(client):
    events = post_stream(client, "/responses", json=body(stream=True))

    assert names(events)[:3] == ["response.created", "response.queued", "response.in_progress"]
    created = events[0][1]["response"]
    assert created["status"] == "queued" and created["background"] is True
    assert names(events)[-1] == "response.completed"
    assert numbers(events) == list(range(len(numbers(events))))


def test_resuming_after_a_disconnect_gives_exactly_the_events_after_n(client, sim):
    head = first_events(client, 6)
    response_id = head[0]["response"]["id"]
    last = head[-1]["sequence_number"]

    rest = resume(client, response_id, after=last)

    assert numbers(rest)[0] == last + 1
    assert numbers(rest) == list(range(last + 1, last + 1 + len(rest)))
    assert names(rest)[-1] == "response.completed"
    assert generations(sim) == {response_id: 1}


def test_the_generation_goes_on_while_nobody_listens(client, sim):
    head = first_events(client, 3)
    response_id = head[0]["response"]["id"]

    retrieved = wait_for_status(client, response_id, "completed")

    assert retrieved["background"] is True and retrieved["completed_at"]
    image = next(i for i in retrieved["output"] if i["type"] == "image_generation_call")
    assert image["status"] == "completed" and image["result"] is None
    # A finished response's stream is replayed from the same events, ending completed.
    replay = resume(client, response_id, after=head[-1]["sequence_number"])
    assert numbers(replay)[0] == head[-1]["sequence_number"] + 1
    assert "response.image_generation_call.partial_image" in names(replay)
    assert names(replay)[-1] == "response.completed"
    assert sim.state.generations.all()["total"] == 1


def test_a_background_response_without_stream_answers_queued_at_once(client, sim):
    queued = client.post("/responses", json=body(), headers=SLOW)

    assert queued.status_code == 200
    assert queued.json()["status"] == "queued" and queued.json()["output"] == []
    response_id = queued.json()["id"]
    assert client.get(f"/responses/{response_id}").json()["status"] in ("queued", "in_progress")
    wait_for_status(client, response_id, "completed")
    events = resume(client, response_id)
    assert numbers(events)[0] == 0 and names(events)[-1] == "response.completed"
    assert generations(sim) == {response_id: 1}


def test_cancelling_stops_the_generation(client):
    queued = client.post("/responses", json=body(), headers={"X-Simulator-Latency": "5"}).json()

    cancelled = client.post(f"/responses/{queued['id']}/cancel")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    time.sleep(0.3)
    assert client.get(f"/responses/{queued['id']}").json()["status"] == "cancelled"
    # A follower of a cancelled response gets what was sent and then the end of the body.
    assert "response.completed" not in names(resume(client, queued["id"]))
    # Cancelling again answers the same.
    assert client.post(f"/responses/{queued['id']}/cancel").json()["status"] == "cancelled"


def test_a_cut_connection_does_not_stop_the_generation(client, sim):
    events = []
    cut = {"X-Simulator-Fault": "cut"}
    with (
        client.stream("POST", "/responses", json=body(stream=True), headers=cut) as response,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        for line in response.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
    response_id = events[0]["response"]["id"]
    assert events[-1]["type"] == "response.image_generation_call.partial_image"

    rest = resume(client, response_id, after=events[-1]["sequence_number"])

    assert names(rest)[-1] == "response.completed"
    assert generations(sim) == {response_id: 1}


def test_unknown_and_deleted_responses_are_404(client):
    assert client.get("/responses/resp_unknown").status_code == 404
    assert client.get("/responses/resp_unknown", params={"stream": "true"}).status_code == 404
    assert client.post("/responses/resp_unknown/cancel").status_code == 404
    done = post_stream(client, "/responses", json=body(stream=True))
    response_id = done[0][1]["response"]["id"]

    deleted = client.delete(f"/responses/{response_id}")

    assert deleted.json() == {"id": response_id, "object": "response", "deleted": True}
    gone = client.get(f"/responses/{response_id}", params={"stream": "true"})
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == f"Response with id '{response_id}' not found."


def test_only_background_responses_stream_again_or_cancel(client):
    plain = client.post("/responses", json={**body(), "background": False}).json()

    again = client.get(f"/responses/{plain['id']}", params={"stream": "true"})
    cancel = client.post(f"/responses/{plain['id']}/cancel")

    assert again.status_code == 400 and "background" in again.json()["error"]["message"]
    assert cancel.status_code == 400 and "background" in cancel.json()["error"]["message"]


def test_background_needs_store_and_starting_after_an_integer(client):
    unstored = client.post("/responses", json=body(store=False))
    queued = client.post("/responses", json=body()).json()
    bad = client.get(f"/responses/{queued['id']}", params={"stream": "true", "starting_after": "x"})

    assert unstored.status_code == 400 and unstored.json()["error"]["param"] == "store"
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "starting_after"


def test_generations_are_counted_per_response_and_shown_in_health(client, sim):
    post_stream(client, "/responses", json={**body(stream=True), "background": False})
    client.post("/responses", json={**body(), "background": False})

    health = client.get(sim.base + "/_simulator/health").json()
    listed = client.get(sim.base + "/_simulator/generations").json()

    assert health["generations"] == 2
    assert listed["total"] == 2
    assert [e["generations"] for e in listed["responses"]] == [1, 1]
    assert listed["responses"][0]["prompt"] == "a red circle"
    client.delete(sim.base + "/_simulator/generations")
    assert client.get(sim.base + "/_simulator/health").json()["generations"] == 0
