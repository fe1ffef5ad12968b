"""Wire-format fixes: long upstream ids, masks over 4 MB, DALL·E options, item references."""

from __future__ import annotations

import io
import os

import pytest
from django.db import connection
from PIL import Image as PILImage

from conversations.imaging import MASK_MAX_BYTES
from conversations.models import Turn
from conversations.planning import Upload
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def upstream_calls(sim, path="/v1/responses"):
    return [r for r in sim.requests() if r["path"] == path]


def test_473_character_upstream_ids_are_stored_and_continued_from(run, conversation, alice, sim):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    sim.configure(id_length=473)
    first = run(conversation=conversation, author=alice, prompt="a kite")
    assert first.status == "completed", first.error_message
    assert len(first.response_id) == 473
    assert len(first.images.get(role="final").image_call_id) == 473

    second = run(conversation=conversation, author=alice, prompt="a red kite", parent=first)

    assert second.status == "completed", second.error_message
    assert second.previous_response_id == first.response_id
    assert upstream_calls(sim)[1]["json"]["previous_response_id"] == first.response_id


def noisy_mask(size: tuple[int, int]) -> bytes:
    """An RGBA PNG of random colours whose left half is transparent: over 4 MB as painted."""
    width, height = size
    pixels = bytearray(os.urandom(width * height * 4))
    for y in range(height):
        row = y * width * 4
        for x in range(width):
            pixels[row + x * 4 + 3] = 0 if x < width // 2 else 255
    buffer = io.BytesIO()
    PILImage.frombytes("RGBA", size, bytes(pixels)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_mask_of_4_2_mb_is_recompressed_under_4_mb_and_keeps_its_meaning(
    run, conversation, alice, sim, settings
):
    size = (1248, 1024)
    mask = noisy_mask(size)
    assert 4.1 * 1_048_576 < len(mask) < 4.4 * 1_048_576
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a moon on the left",
        api_mode="edit",
        references=[Upload("photo.png", png_bytes(size))],
        mask=Upload("mask.png", mask),
    )

    assert turn.status == "completed", turn.error_message
    sent = upstream_calls(sim, "/v1/images/edits")[0]["files"]["mask"][0]
    assert sent["bytes"] < MASK_MAX_BYTES
    assert (sent["width"], sent["height"]) == size
    stored = turn.images.get(role="mask")
    with stored.file.open("rb") as handle, PILImage.open(handle) as image:
        alpha = image.convert("RGBA").getchannel("A")
        assert alpha.getpixel((0, 0)) == 0 and alpha.getpixel((size[0] - 1, 0)) == 255


def test_a_mask_that_cannot_fit_under_the_limit_gets_a_clear_400_and_nothing_is_stored(
    client, alice, conversation, monkeypatch
):
    from conversations import imaging
    from tests.conversations.test_views import post_turn, upload

    # Binary noise compresses to about a bit a pixel; under a 20 kB limit that cannot fit.
    monkeypatch.setattr(imaging, "MASK_MAX_BYTES", 20_000)
    size = (512, 512)
    noise = PILImage.effect_noise(size, 128).point(lambda v: 0 if v < 128 else 255)
    mask = PILImage.new("RGBA", size)
    mask.putalpha(noise)
    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    client.force_login(alice)

    response = post_turn(
        client,
        conversation,
        api_mode="edit",
        files={
            "references": upload(png_bytes(size)),
            "mask": upload(buffer.getvalue(), "mask.png"),
        },
    )

    assert response.status_code == 400
    assert "providers take masks under" in response.json()["error"]["message"]
    assert not Turn.objects.exists()


def test_dall_e_turns_send_no_output_format(run, conversation, alice, sim):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a lighthouse",
        api_mode="generate",
        options={"model": "dall-e-3", "output_format": "png", "quality": "auto"},
    )

    assert turn.status == "completed", turn.error_message
    sent = upstream_calls(sim, "/v1/images/generations")[0]["json"]
    assert "output_format" not in sent and sent["quality"] == "auto"
