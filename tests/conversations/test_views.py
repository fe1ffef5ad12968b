"""The JSON endpoints: happy paths, access, and bad input that must leave nothing behind."""

from __future__ import annotations

import io
import json
import os
import zlib

import pytest
from PIL import Image as PILImage

from conversations.models import Conversation, Image, Turn
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, alice, studio_settings):
    client.force_login(alice)
    return client


def post_turn(api, conversation, *, files=None, capture=None, **fields):
    data = {"prompt": "a red fox", **fields}
    if isinstance(data.get("options"), dict):
        data["options"] = json.dumps(data["options"])
    data.update(files or {})
    url = f"/api/conversations/{conversation.pk}/turns/"
    if capture is None:
        return api.post(url, data)
    with capture(execute=True):
        return api.post(url, data)


def upload(data: bytes, name="image.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_create_list_rename_and_delete_a_conversation(api):
    created = api.post("/api/conversations/", {"title": "Owls"}, content_type="application/json")
    assert created.status_code == 201
    conversation_id = created.json()["id"]
    assert [c["title"] for c in api.get("/api/conversations/").json()["conversations"]] == ["Owls"]
    renamed = api.patch(
        f"/api/conversations/{conversation_id}/",
        {"title": "Barn owls"},
        content_type="application/json",
    )
    assert renamed.json()["title"] == "Barn owls"
    assert api.get("/api/conversations/?q=barn").json()["conversations"]
    assert api.delete(f"/api/conversations/{conversation_id}/").status_code == 204
    assert not Conversation.objects.exists()


def test_posting_a_turn_runs_it_and_serves_its_images(
    api, conversation, django_capture_on_commit_callbacks
):
    response = post_turn(
        api, conversation, options={"partial_images": 1}, capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 201
    snapshot = api.get(f"/api/conversations/{conversation.pk}/").json()
    turn = snapshot["turns"][0]
    assert turn["status"] == "completed"
    final = next(i for i in turn["images"] if i["role"] == "final")
    image = api.get(final["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    thumb = api.get(final["thumbnail_url"])
    assert thumb["Content-Type"] == "image/webp"


def test_cancel_and_retry(api, conversation, alice, django_capture_on_commit_callbacks):
    response = post_turn(api, conversation)  # not executed: stays queued
    turn_id = response.json()["id"]
    cancelled = api.post(f"/api/turns/{turn_id}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.post(f"/api/turns/{turn_id}/retry/")
    assert retried.status_code == 201
    assert Turn.objects.get(pk=retried.json()["id"]).status == "completed"


def test_outsider_gets_404_everywhere(
    client, charlie, conversation, alice, studio_settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    post_turn(client, conversation, capture=django_capture_on_commit_callbacks)
    turn = conversation.turns.get()
    image = turn.images.first()
    client.force_login(charlie)
    for method, url in [
        ("get", f"/api/conversations/{conversation.pk}/"),
        ("patch", f"/api/conversations/{conversation.pk}/"),
        ("delete", f"/api/conversations/{conversation.pk}/"),
        ("post", f"/api/conversations/{conversation.pk}/turns/"),
        ("get", f"/api/turns/{turn.pk}/"),
        ("post", f"/api/turns/{turn.pk}/cancel/"),
        ("post", f"/api/turns/{turn.pk}/retry/"),
        ("get", f"/media/images/{image.pk}/"),
        ("get", f"/c/{conversation.pk}/"),
        ("get", "/media/images/999999/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_anonymous_gets_401_json_and_the_page_redirects_to_login(client, studio_settings):
    assert client.get("/api/conversations/").status_code == 401
    assert client.get("/").status_code == 302


def bomb_png() -> bytes:
    """A valid PNG header claiming 30000x30000 pixels over a few KB of zeros."""
    buffer = io.BytesIO()
    PILImage.new("L", (1, 1)).save(buffer, "PNG")
    raw = bytearray(buffer.getvalue())
    # IHDR width/height live at bytes 16..24; the CRC is then wrong, which Pillow tolerates
    # only up to the size check, which is all this needs.
    raw[16:24] = (30000).to_bytes(4, "big") + (30000).to_bytes(4, "big")
    crc = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")
    raw[29:33] = crc
    return bytes(raw)


BAD_UPLOADS = {
    "not an image": (b"hello, I am text", "not an image"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "SVG"),
    "truncated png": (png_bytes((300, 300), mode="RGB")[:120], "damaged"),
    "gif": (png_bytes(fmt="GIF", mode="RGB"), "GIF"),
    "decompression bomb": (bomb_png(), "too many pixels"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("name", BAD_UPLOADS)
def test_a_bad_reference_image_is_refused_and_nothing_is_kept(api, conversation, name):
    data, fragment = BAD_UPLOADS[name]
    response = post_turn(api, conversation, api_mode="edit", files={"references": upload(data)})
    assert response.status_code == 400
    error = response.json()["error"]
    assert fragment.lower() in error["message"].lower()
    assert error["field"] == "references"
    assert not Turn.objects.exists() and not Image.objects.exists()
    assert media_files(api_settings(api)) == []


def api_settings(api):
    from django.conf import settings

    return settings


def test_an_oversized_file_is_refused_with_413(api, conversation, studio_settings):
    studio_settings.UPLOAD_MAX_BYTES = 1000
    noise = PILImage.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    response = post_turn(api, conversation, files={"references": upload(buffer.getvalue())})
    assert response.status_code == 413
    assert "limit" in response.json()["error"]["message"]
    assert not Turn.objects.exists()


def test_a_mask_of_the_wrong_size_is_refused(api, conversation):
    response = post_turn(
        api,
        conversation,
        api_mode="edit",
        files={
            "references": upload(png_bytes((64, 64))),
            "mask": upload(png_bytes((32, 32)), "mask.png"),
        },
    )
    assert response.status_code == 400
    assert "32x32" in response.json()["error"]["message"]
    assert response.json()["error"]["field"] == "mask"
    assert not Turn.objects.exists() and not Image.objects.exists()


def test_a_black_and_white_mask_is_converted_to_alpha(api, conversation):
    response = post_turn(
        api,
        conversation,
        api_mode="edit",
        files={
            "references": upload(png_bytes((64, 64))),
            "mask": upload(png_bytes((64, 64), mode="L"), "mask.png"),
        },
    )
    assert response.status_code == 201
    mask = Image.objects.get(role="mask")
    with mask.file.open("rb") as handle:
        converted = PILImage.open(io.BytesIO(handle.read()))
        assert converted.mode == "RGBA"
        assert converted.getpixel((0, 0))[3] == 0  # black: the area to edit


@pytest.mark.parametrize(
    ("fields", "fragment", "field"),
    [
        ({"options": {"sharpness": 3}}, "sharpness", None),
        ({"options": {"size": "1000x1000"}}, "1000x1000", "size"),
        ({"options": {"model": "gpt-image-2", "size": "4000x1000"}}, "4000x1000", "size"),
        ({"options": {"background": "transparent", "output_format": "jpeg"}}, "transparent", None),
        ({"options": {"output_format": "png", "output_compression": 50}}, "compression", None),
        ({"options": {"model": "dall-e-3", "n": 2}, "api_mode": "generate"}, "dall-e-3", "n"),
        ({"options": {"n": 2}}, "one image per turn", "n"),
        ({"prompt": "x" * 32_001}, "32,000", "prompt"),
        ({"prompt": "a fox\x00"}, "NUL", "prompt"),
        ({"prompt": "   "}, "prompt", "prompt"),
        ({"api_mode": "telepathy"}, "telepathy", "api_mode"),
        ({"options": "{not json"}, "not valid JSON", "options"),
        ({"parent_id": "abc"}, "turn id", "parent_id"),
    ],
)
def test_invalid_turn_input_gets_a_clear_400(api, conversation, fields, fragment, field):
    response = post_turn(api, conversation, **fields)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert fragment.lower() in error["message"].lower()
    if field:
        assert error["field"] == field
    assert not Turn.objects.exists()


def test_a_parent_that_does_not_exist_is_not_found(api, conversation):
    response = post_turn(api, conversation, parent_id="987654")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "message": "That earlier turn does not exist.",
        "field": "parent_id",
    }
    assert not Turn.objects.exists()


def test_a_parent_from_another_conversation_is_refused(
    api, conversation, alice, django_capture_on_commit_callbacks
):
    from conversations.services import create_conversation

    other = create_conversation(owner=alice, title="Other")
    post_turn(api, other, capture=django_capture_on_commit_callbacks)
    foreign_parent = other.turns.get()
    response = post_turn(api, conversation, parent_id=str(foreign_parent.pk))
    assert response.status_code == 400
    assert "another conversation" in response.json()["error"]["message"]
    assert not conversation.turns.exists()


def test_json_endpoints_refuse_malformed_bodies(api, conversation):
    for body in ["{", "[1, 2]", '"text"']:
        response = api.post("/api/conversations/", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["message"]


def test_capabilities_describe_each_model(api):
    data = api.get("/api/capabilities/").json()
    assert data["profile"] == "openai"
    assert "1024x1536" in data["models"]["gpt-image-1"]["sizes"]


def test_several_images_on_a_provider_without_n_are_refused(api, conversation):
    conversation.provider_profile = "gateway"
    conversation.save()
    response = post_turn(api, conversation, api_mode="generate", options={"n": 3})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "The gateway provider returns one image per request; ask for 1.",
        "field": "n",
    }
    assert not Turn.objects.exists()
