"""Exporting a conversation as a zip: images, and a JSON file describing every turn."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image as PILImage

from conversations.image_visibility import set_image_moderation
from conversations.models import Image
from conversations.planning import Upload
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, alice, studio_settings):
    client.force_login(alice)
    return client


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_images_prompts_revised_prompts_and_options(api, run, conversation, alice):
    first = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox in snow",
        options={"quality": "low", "partial_images": 1},
    )
    second = run(
        conversation=conversation,
        author=alice,
        prompt="now at night",
        parent=first,
        references=[Upload("moon.png", png_bytes((256, 256)))],
    )

    response = api.get(f"/api/conversations/{conversation.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "foxes-" in response["Content-Disposition"]
    archive = unzip(response)
    manifest = json.loads(archive.read("conversation.json"))
    assert manifest["conversation"]["title"] == "Foxes"
    turns = {turn["id"]: turn for turn in manifest["turns"]}
    assert turns[first.pk]["prompt"] == "a red fox in snow"
    assert turns[first.pk]["revised_prompt"] == first.revised_prompt
    assert turns[first.pk]["options"]["quality"] == "low"
    assert turns[second.pk]["parent_id"] == first.pk
    roles = [image["role"] for image in turns[second.pk]["images"]]
    assert sorted(roles) == ["final", "reference"]
    for turn in manifest["turns"]:
        for image in turn["images"]:
            with PILImage.open(io.BytesIO(archive.read(image["file"]))) as picture:
                assert picture.size == (image["width"], image["height"])
    # Partial previews are steps, not results.
    assert not [name for name in archive.namelist() if "-partial-" in name]


def test_images_moderation_took_down_are_not_exported(api, run, conversation, alice):
    turn = run(conversation=conversation, author=alice, prompt="a lighthouse")
    set_image_moderation(turn.images.filter(role=Image.Role.FINAL), Image.Moderation.HIDDEN)

    archive = unzip(api.get(f"/api/conversations/{conversation.pk}/export/"))

    assert archive.namelist() == ["conversation.json"]
    assert json.loads(archive.read("conversation.json"))["turns"][0]["images"] == []


def test_outsiders_get_404(client, charlie, conversation):
    client.force_login(charlie)
    assert client.get(f"/api/conversations/{conversation.pk}/export/").status_code == 404
