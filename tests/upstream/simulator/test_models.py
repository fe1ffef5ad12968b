from __future__ import annotations

from datetime import date, timedelta

from tests.upstream.simulator.helpers import post_stream

RETIRED = str(date.today() - timedelta(days=1))
LATER = str(date.today() + timedelta(days=10))


def test_models_lists_the_default_catalogue_with_shutdown_dates(client):
    body = client.get("/models").json()
    assert body["object"] == "list"
    ids = [m["id"] for m in body["data"]]
    assert "gpt-image-2" in ids and "gpt-image-2-2026-04-21" in ids
    assert all(m["object"] == "model" and "shutdown_date" in m for m in body["data"])


def test_the_catalogue_is_configurable(sim, client):
    sim.configure(models=["gpt-image-2", {"id": "gpt-image-1", "shutdown_date": LATER}])
    data = client.get("/models").json()["data"]
    assert [(m["id"], m["shutdown_date"]) for m in data] == [
        ("gpt-image-2", None),
        ("gpt-image-1", LATER),
    ]


def test_a_retired_model_is_model_not_found_in_openais_shape(sim, client):
    sim.configure(models=[{"id": "gpt-image-1", "shutdown_date": RETIRED}, "gpt-image-2"])
    response = client.post("/images/generations", json={"model": "gpt-image-1", "prompt": "a fox"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["code"] == "model_not_found" and "gpt-image-1" in error["message"]
    tool = {"type": "image_generation", "model": "gpt-image-1"}
    body = {"model": "gpt-5", "input": "a fox", "tools": [tool], "stream": True}
    assert client.post("/responses", json=body).json()["error"]["code"] == "model_not_found"
    ok = client.post("/images/generations", json={"model": "gpt-image-2", "prompt": "a fox"})
    assert ok.status_code == 200


def test_a_model_shutting_down_later_still_works(sim, client):
    sim.configure(models=[{"id": "gpt-image-1", "shutdown_date": LATER}])
    response = client.post("/images/generations", json={"model": "gpt-image-1", "prompt": "a fox"})
    assert response.status_code == 200


def test_item_reference_continues_from_an_earlier_image_call(client):
    tool = {"type": "image_generation"}
    first = client.post(
        "/responses", json={"model": "gpt-5", "input": "a red circle", "tools": [tool]}
    ).json()
    call = next(i for i in first["output"] if i["type"] == "image_generation_call")
    body = {
        "model": "gpt-5",
        "stream": True,
        "tools": [tool],
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "make it darker"}]},
            {"type": "item_reference", "id": call["id"]},
        ],
    }
    events = post_stream(client, "/responses", json=body)
    final = next(d for n, d in events if n == "response.completed")["response"]
    item = next(i for i in final["output"] if i["type"] == "image_generation_call")
    assert item["action"] == "edit"


def test_the_gateway_refuses_item_references(sim, client):
    sim.configure(gateway=True)
    body = {
        "model": "gpt-5",
        "instructions": "draw",
        "stream": True,
        "tools": [{"type": "image_generation"}],
        "input": [{"role": "user", "content": "again"}, {"type": "item_reference", "id": "ig_1"}],
    }
    assert client.post("/responses", json=body).status_code == 400
