from __future__ import annotations

import io
import time

from PIL import Image, ImageDraw, ImageStat

from tests.upstream.simulator.helpers import edge_energy, mean_difference
from upstream.simulator import drawing


def _mean_rgb(img: Image.Image) -> list[float]:
    return ImageStat.Stat(img.convert("RGB")).mean


def test_drawing_a_square_picture_is_fast():
    drawing.draw("warm up", (1024, 1024))
    # CPU time of this thread, so other work on the machine does not count; a drawing
    # takes about 15 ms of it, and a per-pixel loop in Python would take seconds.
    start = time.thread_time()
    drawing.draw("a red house under a yellow sun", (1024, 1024), quality="high")
    assert time.thread_time() - start < 0.1


def test_named_colours_dominate_the_picture():
    red = _mean_rgb(drawing.draw("a red red square", (512, 512), quality="low"))
    forest = _mean_rgb(drawing.draw("a forest", (512, 512), quality="low"))
    assert red[0] > red[2]
    assert forest[1] > forest[0] and forest[1] > forest[2]


def test_same_prompt_draws_the_same_picture_and_salt_makes_another():
    a = drawing.draw("a blue circle", (256, 256))
    assert mean_difference(a, drawing.draw("a blue circle", (256, 256))) == 0
    assert mean_difference(a, drawing.draw("a blue circle", (256, 256), salt="1")) > 0


def test_size_and_transparent_background_are_honoured():
    img = drawing.draw("a star", (1536, 1024), transparent=True)
    assert img.size == (1536, 1024)
    assert img.mode == "RGBA"
    assert img.getpixel((0, 0))[3] == 0
    assert img.getchannel("A").getextrema()[1] == 255


def test_higher_quality_draws_more_detail():
    low = drawing.draw("a green tree", (512, 512), quality="low")
    high = drawing.draw("a green tree", (512, 512), quality="high")
    assert edge_energy(high) > edge_energy(low)


def test_an_edit_keeps_the_earlier_picture_recognisable():
    parent = drawing.draw("a red house at sunset", (512, 512))
    unrelated = drawing.draw("a snowy mountain with a fish", (512, 512))
    for prompt in ("add a blue star", "make it darker", "add a cat"):
        child = drawing.edit(parent, prompt, (512, 512))
        assert 0 < mean_difference(parent, child) < mean_difference(parent, unrelated) * 0.6


def test_a_mask_limits_the_edit_to_its_transparent_area():
    parent = drawing.draw("an orange cat", (512, 512))
    mask = Image.new("RGBA", (512, 512), (0, 0, 0, 255))
    ImageDraw.Draw(mask).rectangle((100, 100, 300, 300), fill=(0, 0, 0, 0))
    child = drawing.edit(parent, "a purple heart", (512, 512), mask=mask)
    outside = [
        (x, y)
        for x in range(0, 512, 7)
        for y in range(0, 512, 7)
        if not (100 <= x <= 300 and 100 <= y <= 300)
    ]
    assert all(child.getpixel(p) == parent.getpixel(p) for p in outside)
    inside = parent.crop((100, 100, 301, 301)), child.crop((100, 100, 301, 301))
    assert mean_difference(*inside) > 5


def test_partials_get_sharper_with_each_index():
    final = drawing.draw("a boat on the ocean with clouds", (512, 512))
    energies = [edge_energy(drawing.partial(final, i, 3)) for i in range(3)]
    assert energies[0] < energies[1] < energies[2] < edge_energy(final)


def test_variations_are_related_but_distinct():
    base = drawing.draw("a pink flower", (256, 256))
    first, second = drawing.vary(base, 0, (256, 256)), drawing.vary(base, 1, (256, 256))
    unrelated = drawing.draw("a navy square at night", (256, 256))
    assert 0 < mean_difference(base, first) < mean_difference(base, unrelated)
    assert mean_difference(first, second) > 0


def test_encode_honours_format_and_compression():
    img = drawing.draw("a yellow sun", (512, 512))
    for fmt, pil_name in (("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")):
        assert Image.open(io.BytesIO(drawing.encode(img, fmt))).format == pil_name
    assert len(drawing.encode(img, "jpeg", 10)) < len(drawing.encode(img, "jpeg", 90))
    transparent = drawing.draw("a star", (256, 256), transparent=True)
    assert Image.open(io.BytesIO(drawing.encode(transparent, "webp"))).mode == "RGBA"
