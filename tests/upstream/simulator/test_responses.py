from __future__ import annotations

import base64

from PIL import Image, ImageDraw

from tests.factories import png_bytes
from tests.upstream.simulator.helpers import (
    data_uri,
    decode,
    mean_difference,
    names,
    post_stream,
)

TOOL = {"type": "image_generation"}


def _body(prompt="a red circle", stream=True, model="gpt-4.1", **tool):
    return {"model": model, "input": prompt, "stream": stream, "tools": [{**TOOL, **tool}]}


def _final(events):
    return next(d for n, d in events if n == "response.completed")["response"]


def _image_item(response):
    return next(i for i in response["output"] if i["type"] == "image_generation_call")


def test_stream_follows_the_documented_event_order(client):
    events = post_stream(client, "/responses", json=_body(partial_images=2))
    assert names(events) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.image_generation_call.in_progress",
        "response.image_generation_call.generating",
        "response.image_generation_call.partial_image",
        "response.image_generation_call.partial_image",
        "response.image_generation_call.completed",
        "response.output_item.done",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * (len(events) - 15),
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [d["sequence_number"] for _, d in events] == list(range(len(events)))
    assert all(d["type"] == n for n, d in events)


def test_stream_items_carry_ids_partials_and_the_final_image(client):
    events = post_stream(
        client, "/responses", json=_body(partial_images=3, size="1536x1024", quality="low")
    )
    added = next(d for n, d in events if n == "response.output_item.added")["item"]
    assert (
        added["id"].startswith("ig_")
        and added["status"] == "in_progress"
        and added["result"] is None
    )
    partials = [d for n, d in events if n.endswith("partial_image")]
    assert [p["partial_image_index"] for p in partials] == [0, 1, 2]
    done = next(d for n, d in events if n == "response.output_item.done")["item"]
    assert (
        done["status"] == "completed" and done["size"] == "1536x1024" and done["quality"] == "low"
    )
    assert len(done["revised_prompt"]) > len("a red circle")
    assert decode(done["result"]).size == (1536, 1024)
    response = _final(events)
    assert response["status"] == "completed" and response["id"].startswith("resp_")
    image_usage = response["tool_usage"]["image_gen"]
    assert image_usage["output_tokens"] == 400 + 3 * 100
    assert (
        response["usage"]["total_tokens"]
        == response["usage"]["input_tokens"] + response["usage"]["output_tokens"]
    )
    tool = response["tools"][0]
    assert tool["n"] == 1 and tool["output_format"] == "png" and tool["partial_images"] == 3


def test_reasoning_models_put_the_image_at_output_index_one(client):
    events = post_stream(client, "/responses", json=_body(model="gpt-5"))
    done = [d for n, d in events if n == "response.output_item.done"]
    assert done[0]["item"]["type"] == "reasoning"
    assert done[1]["item"]["type"] == "image_generation_call" and done[1]["output_index"] == 1


def test_non_streaming_returns_the_response_object(client):
    response = client.post("/responses", json=_body(stream=False)).json()
    assert (
        response["object"] == "response"
        and response["status"] == "completed"
        and response["store"] is True
    )
    item = _image_item(response)
    assert item["result"] and item["background"] == "opaque" and item["output_format"] == "png"
    assert response["output"][-1]["type"] == "message"


def test_previous_response_id_edits_the_stored_picture(client):
    created = client.post("/responses", json=_body("a red house at sunset", stream=False)).json()
    first, response_id = _image_item(created), created["id"]
    body = {**_body("add a blue star"), "previous_response_id": response_id}
    second = _final(post_stream(client, "/responses", json=body))
    assert second["previous_response_id"] == response_id
    unrelated = _image_item(
        _final(post_stream(client, "/responses", json=_body("a snowy mountain")))
    )
    parent, child = decode(first["result"]), decode(_image_item(second)["result"])
    assert (
        mean_difference(parent, child) < mean_difference(parent, decode(unrelated["result"])) * 0.6
    )


def test_unknown_previous_response_id_is_a_400(client):
    body = {**_body(), "previous_response_id": "resp_missing"}
    response = client.post("/responses", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Previous response with id 'resp_missing' not found.",
        "type": "invalid_request_error",
        "param": "previous_response_id",
        "code": "previous_response_not_found",
    }


def test_store_false_responses_cannot_be_continued(client):
    response = client.post("/responses", json={**_body(stream=False), "store": False}).json()
    follow = client.post("/responses", json={**_body(), "previous_response_id": response["id"]})
    assert follow.status_code == 400


def test_an_image_call_reference_continues_from_that_image(client):
    parent = _image_item(client.post("/responses", json=_body("a green tree", stream=False)).json())
    body = _body(
        [
            {"role": "user", "content": [{"type": "input_text", "text": "make it darker"}]},
            {"type": "image_generation_call", "id": parent["id"]},
        ]
    )
    child = _image_item(_final(post_stream(client, "/responses", json=body)))
    assert child["action"] == "edit"
    assert 0 < mean_difference(decode(parent["result"]), decode(child["result"])) < 40


def test_unknown_image_call_reference_is_rejected(client):
    body = _body(
        [{"role": "user", "content": "again"}, {"type": "image_generation_call", "id": "ig_nope"}]
    )
    response = client.post("/responses", json=body)
    assert response.status_code == 400
    assert "ig_nope" in response.json()["error"]["message"]


def test_input_image_and_mask_edit_only_the_transparent_area(client):
    parent = Image.new("RGB", (1024, 1024), (30, 120, 200))
    mask = Image.new("RGBA", (1024, 1024), (0, 0, 0, 255))
    ImageDraw.Draw(mask).rectangle((0, 0, 400, 400), fill=(0, 0, 0, 0))
    content = [
        {"type": "input_text", "text": "add a yellow sun"},
        {"type": "input_image", "image_url": data_uri(parent)},
    ]
    body = _body(
        [{"role": "user", "content": content}], input_image_mask={"image_url": data_uri(mask)}
    )
    child = decode(
        _image_item(_final(post_stream(client, "/responses", json=body)))["result"]
    ).convert("RGB")
    assert child.size == (1024, 1024)
    assert all(
        child.getpixel((x, y)) == (30, 120, 200)
        for x in range(420, 1024, 37)
        for y in range(0, 1024, 37)
    )
    assert mean_difference(parent.crop((0, 0, 400, 400)), child.crop((0, 0, 400, 400))) > 5


def test_an_uploaded_file_id_works_as_input_image(client):
    picture = png_bytes((512, 512), (200, 30, 30), mode="RGB")
    file_id = client.post(
        "/files", data={"purpose": "vision"}, files={"file": ("a.png", picture, "image/png")}
    ).json()["id"]
    content = [
        {"type": "input_text", "text": "add a star"},
        {"type": "input_image", "file_id": file_id},
    ]
    response = client.post(
        "/responses", json=_body([{"role": "user", "content": content}], stream=False)
    ).json()
    assert _image_item(response)["action"] == "edit"
    assert response["tool_usage"]["image_gen"]["input_tokens_details"]["image_tokens"] > 0


def test_edit_action_without_an_image_is_rejected(client):
    assert client.post("/responses", json=_body(action="edit")).status_code == 400


def test_prompt_asking_for_several_images_gives_several_calls(client):
    response = client.post("/responses", json=_body("two images of a cat", stream=False)).json()
    calls = [i for i in response["output"] if i["type"] == "image_generation_call"]
    assert len(calls) == 2 and calls[0]["result"] != calls[1]["result"]


def test_get_response_returns_the_stored_object_without_image_bytes(client):
    created = client.post("/responses", json=_body(stream=False)).json()
    fetched = client.get(f"/responses/{created['id']}").json()
    assert fetched["id"] == created["id"]
    assert _image_item(fetched)["result"] is None
    assert client.get("/responses/resp_missing").status_code == 404


def test_validation_errors_use_the_openai_envelope(client):
    response = client.post("/responses", json={"input": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "model"
    assert set(response.json()["error"]) >= {"message", "type", "param", "code"}
    assert client.post("/responses", json={"model": "gpt-4.1"}).status_code == 400
    assert client.post("/responses", json=_body(size="999x999")).json()["error"]["param"] == "size"
    assert client.post("/responses", json=_body(partial_images=4)).status_code == 400


def test_gpt_image_2_takes_free_sizes(client):
    body = {
        "model": "gpt-5.5",
        "input": "a fox",
        "tools": [{**TOOL, "model": "gpt-image-2", "size": "2048x1152"}],
    }
    item = _image_item(client.post("/responses", json=body).json())
    assert item["size"] == "2048x1152" and decode(item["result"]).size == (2048, 1152)


def test_output_format_and_transparent_background(client):
    item = _image_item(
        client.post(
            "/responses", json=_body(stream=False, output_format="webp", background="transparent")
        ).json()
    )
    img = decode(item["result"])
    assert img.format == "WEBP" and img.mode == "RGBA" and item["background"] == "transparent"
    jpeg = _image_item(
        client.post(
            "/responses", json=_body(stream=False, output_format="jpeg", output_compression=30)
        ).json()
    )
    assert base64.b64decode(jpeg["result"])[:3] == b"\xff\xd8\xff"


def test_no_image_tool_answers_text_only(client):
    response = client.post("/responses", json={"model": "gpt-4.1", "input": "hello"}).json()
    assert [i["type"] for i in response["output"]] == ["message"]
    assert "tool_usage" not in response
