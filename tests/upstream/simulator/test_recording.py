from __future__ import annotations

import time

import httpx
from PIL import Image

from tests.factories import png_bytes
from tests.upstream.simulator.helpers import data_uri, post_stream


def test_json_images_are_summarised_and_authorization_is_not_kept(sim, client):
    content = [
        {"type": "input_text", "text": "edit"},
        {"type": "input_image", "image_url": data_uri(Image.new("RGB", (320, 200)))},
    ]
    body = {
        "model": "gpt-4.1",
        "input": [{"role": "user", "content": content}],
        "tools": [{"type": "image_generation"}],
    }
    client.post("/responses", json=body, headers={"Authorization": "Bearer sk-secret"})
    recorded = sim.requests()[-1]
    assert recorded["method"] == "POST" and recorded["path"] == "/v1/responses"
    assert "authorization" not in {k.lower() for k in recorded["headers"]}
    summary = recorded["json"]["input"][0]["content"][1]["image_url"]
    assert (
        summary["image"] is True
        and (summary["width"], summary["height"]) == (320, 200)
        and summary["mode"] == "RGB"
    )
    assert recorded["json"]["input"][0]["content"][0]["text"] == "edit"


def test_multipart_fields_and_files_are_recorded(sim, client):
    image = png_bytes((256, 256), 0, mode="RGB")
    mask = png_bytes((256, 256), 0)
    files = {"image": ("a.png", image, "image/png"), "mask": ("m.png", mask, "image/png")}
    client.post("/images/edits", data={"model": "gpt-image-1", "prompt": "x"}, files=files)
    recorded = sim.requests()[-1]
    assert recorded["form"] == {"model": "gpt-image-1", "prompt": "x"}
    assert recorded["files"]["mask"][0]["width"] == recorded["files"]["image"][0]["width"] == 256
    assert recorded["files"]["mask"][0]["mode"] == "RGBA"


def test_continuation_strategy_is_visible_in_the_recording(sim, client):
    first = client.post(
        "/responses",
        json={"model": "gpt-4.1", "input": "a cat", "tools": [{"type": "image_generation"}]},
    ).json()
    follow = {"model": "gpt-4.1", "input": "darker", "previous_response_id": first["id"]}
    client.post("/responses", json={**follow, "tools": [{"type": "image_generation"}]})
    assert sim.requests()[-1]["json"]["previous_response_id"] == first["id"]


def test_requests_can_be_listed_and_cleared_over_http(sim, client):
    client.get("/files")
    listed = httpx.get(f"{sim.base}/_simulator/requests").json()["requests"]
    assert listed[-1]["path"] == "/v1/files"
    httpx.delete(f"{sim.base}/_simulator/requests")
    assert httpx.get(f"{sim.base}/_simulator/requests").json()["requests"] == []


def test_each_partial_image_records_when_it_was_emitted(sim, client):
    before = time.time()
    body = {
        "model": "gpt-4.1",
        "input": "a lighthouse",
        "stream": True,
        "tools": [{"type": "image_generation", "partial_images": 2}],
    }
    events = post_stream(client, "/responses", json=body)
    partials = [data for name, data in events if name.endswith("partial_image")]
    emitted = httpx.get(f"{sim.base}/_simulator/emissions").json()["emissions"]
    assert [(e["item_id"], e["partial_index"]) for e in emitted] == [
        (p["item_id"], p["partial_image_index"]) for p in partials
    ]
    assert {e["response_id"] for e in emitted} == {events[0][1]["response"]["id"]}
    assert all(before <= e["time"] <= time.time() for e in emitted)
    httpx.delete(f"{sim.base}/_simulator/emissions")
    assert httpx.get(f"{sim.base}/_simulator/emissions").json()["emissions"] == []
