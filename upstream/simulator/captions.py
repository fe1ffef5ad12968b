"""The prompt's words on a picture in any script: Chinese needs a CJK font.

Pillow's built-in font has no CJK glyphs and would draw boxes. A CJK font is used when one is
installed (found with fc-match, else at the usual paths of Noto/Source Han/WenQuanYi);
without one a Chinese caption is left out rather than drawn as boxes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

# CJK ideographs, their extensions and compatibility forms, kana, hangul, CJK punctuation
# and full-width forms: anything Pillow's default font cannot draw.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u9fff\ua960-\ua97f\uac00-\ud7af"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
KNOWN_FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
# Where to look first: a font file to use, or "none" to draw Chinese captions never.
FONT_ENV = "STUDIO_CJK_FONT"


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def title(prompt: str, latin_title: str, limit: int = 40) -> str:
    """The caption for ``prompt``: its own words when it is written in CJK, since the
    picture parser only reads Latin words (and would say "untitled")."""
    if not has_cjk(prompt):
        return latin_title
    return " ".join(prompt.split())[:limit]


def cjk_font(size: int) -> ImageFont.FreeTypeFont | None:
    """An installed font that draws Chinese, or None (then only boxes could be drawn)."""
    found = cjk_font_file()
    return _cjk_font(*found, size) if found else None


@lru_cache(maxsize=1)
def cjk_font_file() -> tuple[str, int] | None:
    """The font file and the face in it (a .ttc holds several) to draw Chinese with."""
    configured = os.environ.get(FONT_ENV, "")
    if configured:
        return None if configured == "none" else (configured, 0)
    if found := _fc_match():
        return found
    # Noto Sans CJK's collection holds JP, KR, SC, TC, HK faces: 2 is Simplified Chinese.
    path = next((p for p in KNOWN_FONT_PATHS if Path(p).is_file()), None)
    return (path, 2 if "NotoSansCJK" in path else 0) if path else None


@lru_cache(maxsize=32)
def _cjk_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont | None:
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return None


def _fc_match() -> tuple[str, int] | None:
    """fontconfig's best font for Chinese, if it really has Chinese (it never says no)."""
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{lang}", "sans:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, languages = [*found.stdout.split("\n", 2), "", ""][:3]
    if found.returncode or not Path(path).is_file() or "zh-cn" not in languages.split("|"):
        return None
    return path, int(index) if index.isdigit() else 0
