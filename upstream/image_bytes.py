"""Recognising image bytes by their content, with Pillow only.

Downloaded images are judged the way uploads are: by their bytes, never by a URL's ending or
a declared content type. A whole PNG, JPEG or WebP within a pixel limit passes; SVG (which a
browser would run), other formats, damaged files and decompression bombs do not.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, UnidentifiedImageError

from upstream.messages import UserMessage

ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


class NotAnImage(ValueError):
    """The bytes are not an image Studio accepts; the message is for a person.

    `kind` says why, for callers with words of their own: empty, svg, format (`details`
    has the format), too_many_pixels (width, height), bomb, unreadable, damaged. `reason`
    is the same as the end of a sentence ("it was empty"), a code and values
    (upstream.messages) for the reader's language; the message is its English text."""

    def __init__(self, code: str, *, kind: str, **details: object) -> None:
        self.reason = UserMessage(code, details)
        super().__init__(self.reason.english)
        self.kind = kind
        self.details = details


@dataclass(frozen=True)
class SniffedImage:
    format: str  # png, jpeg or webp
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def sniff_image(data: bytes, *, max_pixels: int) -> SniffedImage:
    """Describe ``data`` if it is a whole PNG, JPEG or WebP of at most ``max_pixels``."""
    with opened_image(data, max_pixels=max_pixels) as (_, sniffed):
        return sniffed


@contextmanager
def opened_image(data: bytes, *, max_pixels: int) -> Iterator[tuple[Image.Image, SniffedImage]]:
    """The decoded picture of ``data`` and what it is, if ``data`` is a whole PNG, JPEG or
    WebP of at most ``max_pixels``; NotAnImage otherwise. Errors of the caller's own work on
    the picture pass unchanged."""
    _refuse_markup(data)
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise NotAnImage("image_bomb", kind="bomb") from None
    except UnidentifiedImageError:
        raise NotAnImage(_describe_non_image(data), kind="unreadable") from None
    except (OSError, ValueError):
        raise NotAnImage("image_damaged", kind="damaged") from None
    with image:
        yield image, _checked(image, max_pixels)


def _refuse_markup(data: bytes) -> None:
    if not data:
        raise NotAnImage("image_empty", kind="empty")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise NotAnImage("image_svg", kind="svg")
    if head.startswith((b"<!doctype html", b"<html")):
        raise NotAnImage("image_web_page", kind="unreadable")


def _checked(image: Image.Image, max_pixels: int) -> SniffedImage:
    kind = ACCEPTED_FORMATS.get(image.format or "")
    if kind is None:
        found = image.format or "unknown"
        raise NotAnImage("image_format", kind="format", format=found)
    width, height = image.size
    # Checked before decoding, so a decompression bomb never expands in memory.
    if width * height > max_pixels:
        raise NotAnImage(
            "image_too_many_pixels",
            kind="too_many_pixels",
            width=width,
            height=height,
        )
    try:
        _decode_fully(image)
    except (OSError, ValueError) as exc:
        if isinstance(exc, NotAnImage):
            raise
        raise NotAnImage("image_damaged", kind="damaged") from None
    return SniffedImage(kind, width, height)


def _decode_fully(image: Image.Image) -> None:
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except Image.DecompressionBombWarning:
        raise NotAnImage("image_bomb", kind="bomb") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _describe_non_image(data: bytes) -> str:
    text = data[:200].strip()
    if text[:1] in (b"{", b"["):
        return "image_json"
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return "image_unreadable"
    return "image_text"
