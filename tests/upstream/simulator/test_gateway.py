from __future__ import annotations

import httpx

from tests.upstream.simulator.helpers import names, post_stream

GATEWAY = {"X-Simulator-Gateway": "1"}
INPUT = [
    {"role": "user", "content": [{"type": "input_text", "text": "a cat with an orange scarf"}]}
]
BODY = {"model": "gpt-5.5", "instructions": "You draw.", "input": INPUT, "stream": True,
        "tools": [{"type": "image_generation", "model": "gpt-image-2"}]}  # fmt: skip


def _error(client, body, path="/responses"):
    response = client.post(path, json=body, headers=GATEWAY)
    return response.status_code, response.json()["error"]["message"]


def test_gateway_requires_instructions_and_list_input(client):
    assert _error(client, {**BODY, "instructions": None}) == (400, "Instructions are required")
    assert _error(client, {**BODY, "input": "a cat"}) == (400, "Input must be a list")


def test_gateway_is_stream_only_and_stateless(client):
    assert _error(client, {**BODY, "stream": False})[0] == 500
    assert _error(client, {**BODY, "previous_response_id": "resp_x"})[0] == 400
    reference = {**BODY, "input": [*INPUT, {"type": "image_generation_call", "id": "ig_x"}]}
    assert _error(client, reference)[0] == 400


def test_gateway_sends_the_final_image_in_a_partial_event(client):
    events = post_stream(client, "/responses", json=BODY, headers=GATEWAY)
    partials = [d for n, d in events if n.endswith("partial_image")]
    done = next(
        d
        for n, d in events
        if n == "response.output_item.done" and d["item"]["type"] != "reasoning"
    )
    assert partials[-1]["partial_image_b64"] == done["item"]["result"]
    assert names(events)[-1] == "response.completed"


def test_gateway_rejects_input_fidelity_for_gpt_image_2(client):
    body = {
        **BODY,
        "tools": [{"type": "image_generation", "model": "gpt-image-2", "input_fidelity": "high"}],
    }
    response = client.post("/responses", json=body, headers=GATEWAY)
    assert (
        response.status_code == 400
        and response.json()["error"]["code"] == "invalid_input_fidelity_model"
    )


def test_gateway_images_ignore_n_and_answer_data_uris(client):
    body = {"model": "gpt-image-2", "prompt": "a fox", "n": 3, "response_format": "url"}
    data = client.post("/images/generations", json=body, headers=GATEWAY).json()["data"]
    assert len(data) == 1 and data[0]["url"].startswith("data:image/png;base64,")


def test_gateway_mode_can_be_switched_on_server_wide(sim, client):
    assert (
        httpx.post(f"{sim.base}/_simulator/config", json={"gateway": True}).json()["gateway"]
        is True
    )
    assert client.post("/responses", json={**BODY, "instructions": None}).status_code == 400
    assert (
        client.post(
            "/responses", json={**BODY, "instructions": None}, headers={"X-Simulator-Gateway": "0"}
        ).status_code
        == 200
    )
