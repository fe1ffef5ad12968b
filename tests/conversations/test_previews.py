"""Light previews: made once per partial and final, served in place of the full image."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image as PILImage

from conversations.models import Image
from conversations.previews import PREVIEW_EDGE, make_derived
from tests.factories import png_bytes
from upstream.simulator import drawing

pytestmark = pytest.mark.django_db


def opened(data: bytes) -> PILImage.Image:
    image = PILImage.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("size", [(1024, 1024), (1536, 1024), (3840, 2160)])
def test_a_photograph_sized_png_gets_a_preview_of_at_most_100_kb(size):
    photo = drawing.encode(drawing.draw("a fox in a snowy forest", size, realistic=True))
    assert len(photo) > 1_500_000
    derived = make_derived(photo, preview=True, thumbnail=True)
    preview, thumbnail = opened(derived.preview), opened(derived.thumbnail)
    assert preview.format == "WEBP" and max(preview.size) == PREVIEW_EDGE
    assert preview.size[0] / preview.size[1] == pytest.approx(size[0] / size[1], rel=0.01)
    assert len(derived.preview) <= 100_000
    assert thumbnail.format == "WEBP" and max(thumbnail.size) == 384


def test_a_small_image_keeps_its_size_and_its_transparency():
    derived = make_derived(png_bytes((200, 100), color=(0, 0, 0, 0)), preview=True, thumbnail=False)
    preview = opened(derived.preview)
    assert preview.size == (200, 100) and preview.mode == "RGBA"
    assert preview.getpixel((5, 5))[3] == 0
    assert derived.thumbnail is None


def test_partials_and_finals_get_previews_and_the_page_is_told_where(
    client, alice, conversation, sim, django_capture_on_commit_callbacks
):
    sim.configure(realistic=True)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/conversations/{conversation.pk}/turns/",
            {"prompt": "a red fox", "options": json.dumps({"partial_images": 2})},
        )
    turn = client.get(f"/api/conversations/{conversation.pk}/").json()["turns"][0]
    assert turn["status"] == "completed"
    shown = [image for image in turn["images"] if image["role"] in ("partial", "final")]
    assert len(shown) == 3
    for image in shown:
        preview = client.get(image["preview_url"])
        assert preview.status_code == 200 and preview["Content-Type"] == "image/webp"
        assert len(b"".join(preview.streaming_content)) <= 100_000
        full = client.get(image["url"])
        assert full["Content-Type"] == "image/png" and image["bytes"] > 1_500_000
        download = client.get(f"{image['preview_url']}&download=1")
        assert download["Content-Type"] == "image/png"
    assert Image.objects.filter(role=Image.Role.PARTIAL, thumbnail="").count() == 2


def test_an_uploaded_reference_has_no_preview(client, alice, conversation, run):
    from conversations.services import Upload

    turn = run(
        conversation=conversation,
        author=alice,
        prompt="make it blue",
        api_mode="edit",
        references=[Upload("ref.png", png_bytes((256, 256)))],
    )
    reference = turn.images.get(role=Image.Role.REFERENCE)
    assert not reference.preview and reference.thumbnail
