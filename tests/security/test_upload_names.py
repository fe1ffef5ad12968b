"""Upload file names cannot escape storage: a name is never used to build a path. Files are
named after their role and content hash, under images/<conversation>/<turn>/."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversations.models import Image
from conversations.planning import TurnRequest, Upload
from conversations.services import start_turn
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    "../../../../escaped.png",
    "/tmp/absolute.png",
    "..\\..\\windows.png",
    "%2e%2e%2fencoded.png",
    "nul\x00byte.png",
    "x" * 400 + ".png",
    "",
]


def files_under(root) -> set:
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_given_to_the_service_names_no_file(
    conversation, alice, studio_settings, tmp_path, name
):
    outside = files_under(tmp_path) - files_under(studio_settings.MEDIA_ROOT)

    turn = start_turn(
        TurnRequest(
            conversation=conversation,
            author=alice,
            prompt="edit it",
            api_mode="edit",
            references=[Upload(name, png_bytes((64, 64)))],
        )
    )

    (stored,) = Image.objects.filter(turn=turn)
    folder = f"images/{conversation.pk}/{turn.pk}/"
    assert stored.file.name.startswith(folder)
    assert stored.file.name.removeprefix(folder).startswith("reference-0-")
    assert files_under(tmp_path) - files_under(studio_settings.MEDIA_ROOT) == outside


def test_a_hostile_name_sent_over_http_lands_inside_the_turns_folder(
    client: Client, alice, conversation, studio_settings, tmp_path
):
    client.force_login(alice)
    upload = SimpleUploadedFile("../../../../escaped.png", png_bytes((64, 64)), "image/png")

    response = client.post(
        f"/api/conversations/{conversation.pk}/turns/",
        {"prompt": "edit it", "api_mode": "edit", "references": upload},
    )

    assert response.status_code == 201
    media = studio_settings.MEDIA_ROOT.resolve()
    stored = files_under(media)
    assert stored and all(path.resolve().is_relative_to(media / "images") for path in stored)
    assert not list(tmp_path.rglob("escaped*"))
