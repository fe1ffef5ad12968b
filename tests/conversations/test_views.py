"""The JSON endpoints: happy paths, access, and refusals that need a stored turn or profile.

Malformed input of every kind is in tests/hardening/ (a corpus run against these views)."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image as PILImage

from conversations.models import Conversation, Image, Turn
from tests.factories import png_bytes, use_gateway_provider

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


def test_capabilities_describe_each_model_grouped_by_provider(api):
    from providers.models import Provider

    data = api.get("/api/capabilities/").json()
    provider = Provider.objects.get(from_environment=True)
    key = f"{provider.pk}:gpt-image-1"
    assert data["profile"] == "openai"
    assert "1024x1536" in data["models"][key]["sizes"]
    assert data["models"][key]["provider"] == provider.name
    assert data["default_model"] == f"{provider.pk}:gpt-image-2"
    assert data["providers"][0]["name"] == provider.name and key in data["providers"][0]["models"]


def test_several_images_on_a_provider_without_n_are_refused(api, conversation):
    use_gateway_provider()
    response = post_turn(api, conversation, api_mode="generate", options={"n": 3})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "The gateway provider returns one image per request; ask for 1.",
        "field": "n",
    }
    assert not Turn.objects.exists()
