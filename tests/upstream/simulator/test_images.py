from __future__ import annotations

import httpx
from PIL import Image, ImageDraw

from tests.factories import encode_image, png_bytes
from tests.upstream.simulator.helpers import (
    decode,
    edge_energy,
    mean_difference,
    names,
    post_stream,
)

RED = (200, 20, 20)


def test_generation_returns_n_distinct_images_with_usage(client):
    body = {
        "model": "gpt-image-1",
        "prompt": "a red fox",
        "n": 2,
        "size": "1024x1536",
        "quality": "medium",
    }
    response = client.post("/images/generations", json=body).json()
    assert (
        len(response["data"]) == 2
        and response["data"][0]["b64_json"] != response["data"][1]["b64_json"]
    )
    assert decode(response["data"][0]["b64_json"]).size == (1024, 1536)
    assert (
        response["size"] == "1024x1536"
        and response["quality"] == "medium"
        and response["output_format"] == "png"
    )
    assert response["usage"]["output_tokens"] == 2 * 1584
    assert response["usage"]["input_tokens_details"]["text_tokens"] == 3


def test_dalle_defaults_answer_urls_and_dalle_3_revises_the_prompt(client):
    response = client.post("/images/generations", json={"prompt": "a cat"}).json()
    assert "usage" not in response
    url = response["data"][0]["url"]
    assert httpx.get(url).headers["content-type"] == "image/png"
    body = {
        "model": "dall-e-3",
        "prompt": "a cat",
        "size": "1792x1024",
        "response_format": "b64_json",
    }
    dalle3 = client.post("/images/generations", json=body).json()
    assert dalle3["data"][0]["revised_prompt"].startswith("a cat")
    assert decode(dalle3["data"][0]["b64_json"]).size == (1792, 1024)
    assert (
        client.post(
            "/images/generations", json={"model": "dall-e-3", "prompt": "x", "n": 2}
        ).status_code
        == 400
    )


def test_generation_validates_its_parameters(client):
    assert (
        client.post("/images/generations", json={"model": "gpt-image-1"}).json()["error"]["param"]
        == "prompt"
    )
    bad_size = client.post(
        "/images/generations", json={"model": "gpt-image-1", "prompt": "x", "size": "512x512"}
    )
    assert bad_size.status_code == 400 and bad_size.json()["error"]["param"] == "size"
    assert (
        client.post(
            "/images/generations", json={"model": "gpt-image-1", "prompt": "x", "n": 11}
        ).status_code
        == 400
    )
    fmt = client.post(
        "/images/generations",
        json={"model": "gpt-image-1", "prompt": "x", "response_format": "url"},
    )
    assert fmt.status_code == 400
    too_long = client.post("/images/generations", json={"model": "dall-e-2", "prompt": "x" * 1001})
    assert too_long.json()["error"]["code"] == "string_above_max_length"


def test_gpt_image_2_free_size_and_jpeg_compression(client):
    body = {
        "model": "gpt-image-2",
        "prompt": "a beach",
        "size": "2048x1152",
        "output_format": "jpeg",
    }
    low = client.post("/images/generations", json={**body, "output_compression": 20}).json()
    high = client.post("/images/generations", json={**body, "output_compression": 95}).json()
    assert decode(low["data"][0]["b64_json"]).size == (2048, 1152)
    assert len(low["data"][0]["b64_json"]) < len(high["data"][0]["b64_json"])
    assert low["usage"]["output_tokens"] == round(4160 * 2048 * 1152 / 1024**2)
    bad = client.post("/images/generations", json={**body, "size": "1000x1000"})
    assert bad.status_code == 400


def test_generation_stream_sends_sharper_partials_then_completed(client):
    body = {
        "model": "gpt-image-1",
        "prompt": "a house and a tree",
        "stream": True,
        "partial_images": 3,
    }
    events = post_stream(client, "/images/generations", json=body)
    assert names(events) == ["image_generation.partial_image"] * 3 + ["image_generation.completed"]
    assert all("sequence_number" not in d for _, d in events)
    partials = [d for n, d in events if n.endswith("partial_image")]
    assert [p["partial_image_index"] for p in partials] == [0, 1, 2]
    energies = [edge_energy(decode(p["b64_json"])) for p in partials]
    assert energies == sorted(energies) and energies[0] < energies[-1]
    done = events[-1][1]
    assert done["size"] == "1024x1024" and done["usage"]["output_tokens"] == 4160 + 300
    assert set(done) >= {"b64_json", "created_at", "quality", "background", "output_format"}


def test_stream_with_no_partials_sends_only_completed(client):
    events = post_stream(
        client, "/images/generations", json={"model": "gpt-image-1", "prompt": "x", "stream": True}
    )
    assert names(events) == ["image_generation.completed"]


def test_multipart_edit_with_mask_changes_only_the_transparent_area(client):
    parent = Image.new("RGB", (1024, 1024), (200, 20, 20))
    mask = Image.new("RGBA", (1024, 1024), (255, 255, 255, 255))
    ImageDraw.Draw(mask).ellipse((500, 500, 900, 900), fill=(0, 0, 0, 0))
    files = {
        "image": ("a.png", encode_image(parent), "image/png"),
        "mask": ("m.png", encode_image(mask), "image/png"),
    }
    response = client.post(
        "/images/edits", data={"model": "gpt-image-1", "prompt": "add a blue fish"}, files=files
    )
    child = decode(response.json()["data"][0]["b64_json"]).convert("RGB")
    assert all(
        child.getpixel((x, y)) == (200, 20, 20)
        for x in range(0, 480, 31)
        for y in range(0, 1024, 31)
    )
    assert mean_difference(parent.crop((550, 550, 850, 850)), child.crop((550, 550, 850, 850))) > 10
    assert response.json()["usage"]["input_tokens_details"]["image_tokens"] > 0


def test_edit_mask_of_another_size_is_rejected(client):
    files = {
        "image": ("a.png", png_bytes((512, 512), RED, mode="RGB"), "image/png"),
        "mask": ("m.png", png_bytes((256, 256), RED, mode="RGB"), "image/png"),
    }
    response = client.post(
        "/images/edits", data={"model": "gpt-image-1", "prompt": "x"}, files=files
    )
    assert response.status_code == 400 and response.json()["error"]["param"] == "mask"


def test_edit_accepts_repeated_image_parts_and_streams(client):
    files = [
        ("image[]", ("a.png", png_bytes((512, 512), RED, mode="RGB"), "image/png")),
        ("image[]", ("b.png", png_bytes((512, 512), RED, mode="RGB"), "image/png")),
    ]
    data = {
        "model": "gpt-image-1",
        "prompt": "add a star",
        "stream": "true",
        "partial_images": "1",
        "size": "1024x1024",
    }
    events = post_stream(client, "/images/edits", data=data, files=files)
    assert names(events) == ["image_edit.partial_image", "image_edit.completed"]


def test_json_edit_with_file_ids(client):
    upload = {"file": ("a.png", png_bytes((1024, 1024), RED, mode="RGB"), "image/png")}
    file_id = client.post("/files", data={"purpose": "vision"}, files=upload).json()["id"]
    body = {"model": "gpt-image-1", "prompt": "make it darker", "images": [{"file_id": file_id}]}
    response = client.post("/images/edits", json=body)
    assert response.status_code == 200
    child = decode(response.json()["data"][0]["b64_json"])
    assert child.convert("RGB").getpixel((10, 500))[0] < 200
    missing = client.post("/images/edits", json={**body, "images": [{"file_id": "file-missing"}]})
    assert missing.status_code == 404


def test_edit_without_image_is_a_400(client):
    response = client.post("/images/edits", data={"model": "gpt-image-1", "prompt": "x"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "image"


def test_dalle_2_edit_uses_the_image_transparency_without_a_mask(client):
    picture = Image.new("RGBA", (256, 256), (20, 200, 20, 255))
    ImageDraw.Draw(picture).rectangle((0, 0, 100, 100), fill=(0, 0, 0, 0))
    data = {
        "model": "dall-e-2",
        "prompt": "a sun",
        "response_format": "b64_json",
        "size": "256x256",
    }
    response = client.post(
        "/images/edits", data=data, files={"image": ("a.png", encode_image(picture), "image/png")}
    )
    child = decode(response.json()["data"][0]["b64_json"]).convert("RGB")
    assert child.getpixel((200, 200)) == (20, 200, 20)
    opaque = {"image": ("a.png", png_bytes((256, 256), RED, mode="RGB"), "image/png")}
    assert client.post("/images/edits", data=data, files=opaque).status_code == 400


def _generate(client, prompt):
    body = {"prompt": prompt, "response_format": "b64_json"}
    return decode(client.post("/images/generations", json=body).json()["data"][0]["b64_json"])


def test_variations_are_visibly_related(client):
    source = _generate(client, "a pink flower")
    data = {"n": "2", "response_format": "b64_json", "size": "512x512"}
    response = client.post(
        "/images/variations",
        data=data,
        files={"image": ("a.png", encode_image(source), "image/png")},
    )
    variants = [decode(d["b64_json"]) for d in response.json()["data"]]
    unrelated = _generate(client, "a navy boat at night")
    assert len(variants) == 2 and variants[0].size == (512, 512)
    assert mean_difference(source, variants[0]) < mean_difference(source, unrelated)
    assert mean_difference(variants[0], variants[1]) > 0


def test_variations_require_a_square_png_and_dall_e_2(client):
    wide = {"image": ("a.png", png_bytes((512, 256), RED, mode="RGB"), "image/png")}
    assert client.post("/images/variations", files=wide).status_code == 400
    square = {"image": ("a.png", png_bytes((256, 256), RED, mode="RGB"), "image/png")}
    assert (
        client.post("/images/variations", data={"model": "gpt-image-1"}, files=square).status_code
        == 400
    )
