"""A Chinese prompt's words on its picture with a CJK font, and no boxes without one."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from upstream.simulator import captions, drawing

PROMPT = "一只红色的狐狸在雪地里"
SIZE = (256, 256)


@pytest.fixture
def font_setting(monkeypatch):
    """Choose the CJK font (a path, or "none") the way an operator would."""

    def choose(value: str | None):
        if value is None:
            monkeypatch.delenv(captions.FONT_ENV, raising=False)
        else:
            monkeypatch.setenv(captions.FONT_ENV, value)
        captions.cjk_font_file.cache_clear()

    yield choose
    captions.cjk_font_file.cache_clear()


def _caption_band(img):
    """The black strip at the bottom where the caption is written."""
    w, h = img.size
    font_size = max(10, w // 22)
    return img.convert("RGB").crop((0, h - font_size * 2 + 1, w, h))


def test_an_installed_cjk_font_is_found():
    found = captions.cjk_font_file()
    assert found is not None, "install a CJK font (Debian: fonts-noto-cjk)"
    assert captions.cjk_font(20) is not None


def test_a_chinese_prompt_is_written_on_the_picture(font_setting):
    font_setting(None)
    with_text = drawing.draw(PROMPT, SIZE)
    font_setting("none")
    without_text = drawing.draw(PROMPT, SIZE)
    # The same picture but for the caption: the words make the difference.
    difference = ImageChops.difference(with_text.convert("RGB"), without_text.convert("RGB"))
    assert difference.getbbox() is not None
    assert _caption_band(with_text).getextrema() != ((0, 0), (0, 0), (0, 0))


def test_without_a_cjk_font_nothing_is_written_rather_than_boxes(font_setting):
    font_setting("none")
    picture = drawing.draw(PROMPT, SIZE)
    # Pillow's own font would draw a box per character; the band stays plain black.
    assert _caption_band(picture).getextrema() == ((0, 0), (0, 0), (0, 0))


def test_a_chinese_edit_is_captioned_too(font_setting):
    font_setting(None)
    base = drawing.draw("a blue square", SIZE)
    captioned = drawing.edit(base, "加一顶帽子", SIZE)
    font_setting("none")
    plain = drawing.edit(base, "加一顶帽子", SIZE)
    assert ImageChops.difference(captioned.convert("RGB"), plain.convert("RGB")).getbbox()


def test_latin_prompts_keep_their_words_and_title():
    assert captions.title("a red fox in the snow", "red fox snow") == "red fox snow"
    assert captions.title("  一只   红色的狐狸 ", "untitled") == "一只 红色的狐狸"
    assert captions.has_cjk("繁體中文") and not captions.has_cjk("café")


def test_a_font_that_cannot_be_opened_means_no_text(font_setting, tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    font_setting(str(broken))
    assert captions.cjk_font(20) is None
    assert _caption_band(drawing.draw(PROMPT, SIZE)).getextrema() == ((0, 0), (0, 0), (0, 0))
