from __future__ import annotations

import base64

import httpx
import pytest
from PIL import ImageStat

from tests.upstream.simulator.helpers import decode, mean_difference, post_stream
from upstream.simulator import drawing
from upstream.simulator.options import resolve
from upstream.simulator.rendering import ImageTask, render

MB = 1_000_000


def rendered_bytes(prompt: str, **params) -> tuple[bytes, list[bytes]]:
    options = resolve({"partial_images": 2, **params}, model="gpt-image-1")
    rendered = render(ImageTask(prompt, options, realistic=True))
    return base64.b64decode(rendered.b64), [base64.b64decode(p) for p in rendered.partials_b64]


def test_a_square_png_weighs_what_a_real_photograph_weighs():
    final, partials = rendered_bytes("a red fox in a snowy forest", size="1024x1024")
    assert 1.5 * MB <= len(final) <= 3 * MB
    # Partials are full-size grainy previews, as heavy as real ones.
    assert all(1.5 * MB <= len(partial) <= 3.5 * MB for partial in partials)


def test_a_larger_picture_weighs_proportionally_more():
    square, _ = rendered_bytes("a lighthouse at dusk", size="1024x1024")
    wide, _ = rendered_bytes("a lighthouse at dusk", size="1536x1024")
    assert 1.3 < len(wide) / len(square) < 1.7


def test_jpeg_and_webp_sizes_follow_output_compression():
    for output_format in ("jpeg", "webp"):
        sizes = [
            len(rendered_bytes("a kite over dunes", output_format=output_format,
                               output_compression=compression, partial_images=0)[0])
            for compression in (95, 60, 20)
        ]  # fmt: skip
        assert sizes[0] > sizes[1] > sizes[2], (output_format, sizes)
        assert sizes[0] > 300_000


def test_the_same_prompt_gives_the_same_bytes_and_another_prompt_other_bytes():
    first = drawing.encode(drawing.draw("a boat at night", (512, 512), realistic=True))
    again = drawing.encode(drawing.draw("a boat at night", (512, 512), realistic=True))
    other = drawing.encode(drawing.draw("a boat at noon", (512, 512), realistic=True))
    assert first == again
    assert first != other


def test_a_realistic_picture_still_follows_the_prompt_and_an_edit_visibly_changes_it():
    red = drawing.draw("a red red square", (512, 512), realistic=True)
    r, g, b = ImageStat.Stat(red).mean
    assert r > g + 30 and r > b + 30
    unrelated = drawing.draw("a snowy mountain with a fish", (512, 512), realistic=True)
    child = drawing.edit(red, "add a blue star", (512, 512), realistic=True)
    assert 2 < mean_difference(red, child) < mean_difference(red, unrelated) * 0.6


def test_an_edit_does_not_pile_grain_on_what_it_left_alone():
    parent = drawing.draw("a green meadow", (1024, 1024), realistic=True)
    child = drawing.edit(parent, "add a cat", (1024, 1024), realistic=True)
    grandchild = drawing.edit(child, "add a flower", (1024, 1024), realistic=True)
    sizes = [len(drawing.encode(img)) for img in (parent, child, grandchild)]
    assert max(sizes) / min(sizes) < 1.15, sizes


def test_the_config_endpoint_switches_realistic_pictures_on_for_streams(sim, client):
    assert httpx.get(f"{sim.base}/_simulator/config").json()["realistic"] is False
    on = httpx.post(f"{sim.base}/_simulator/config", json={"realistic": True}).json()
    assert on["realistic"] is True
    body = {"model": "gpt-image-1", "prompt": "a fox", "stream": True, "partial_images": 1}
    events = post_stream(client, "/images/generations", json=body)
    images = [data["b64_json"] for _, data in events if "b64_json" in data]
    assert len(images) == 2
    assert all(len(base64.b64decode(b64)) > 1.5 * MB for b64 in images)
    assert decode(images[-1]).size == (1024, 1024)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_config_endpoint_refuses_a_realistic_that_is_not_a_boolean(sim, value):
    response = httpx.post(f"{sim.base}/_simulator/config", json={"realistic": value})
    if value is None:
        assert response.status_code == 200 and response.json()["realistic"] is False
    else:
        assert response.status_code == 400
        assert "realistic" in response.json()["error"]["message"]
