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

ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


class NotAnImage(ValueError):
    """The bytes are not an image Studio accepts; the message is for a person.

    `kind` says why, for callers with words of their own: empty, svg, format (`details`
    has the format), too_many_pixels (width, height), bomb, unreadable, damaged."""

    def __init__(self, reason: str, *, kind: str, **details: object) -> None:
        super().__init__(reason)
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
        raise NotAnImage("it expands to too many pixels to be safe", kind="bomb") from None
    except UnidentifiedImageError:
        raise NotAnImage(_describe_non_image(data), kind="unreadable") from None
    except (OSError, ValueError):
        raise NotAnImage("it was damaged or cut short", kind="damaged") from None
    with image:
        yield image, _checked(image, max_pixels)


def _refuse_markup(data: bytes) -> None:
    if not data:
        raise NotAnImage("it was empty", kind="empty")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
        raise NotAnImage("it was an SVG drawing, not a picture", kind="svg")
    if head.startswith((b"<!doctype html", b"<html")):
        raise NotAnImage("it was a web page, not a picture", kind="unreadable")


def _checked(image: Image.Image, max_pixels: int) -> SniffedImage:
    kind = ACCEPTED_FORMATS.get(image.format or "")
    if kind is None:
        found = image.format or "unknown"
        raise NotAnImage(f"it was a {found} file", kind="format", format=found)
    width, height = image.size
    # Checked before decoding, so a decompression bomb never expands in memory.
    if width * height > max_pixels:
        raise NotAnImage(
            f"it was {width}x{height} pixels, more than allowed",
            kind="too_many_pixels",
            width=width,
            height=height,
        )
    try:
        _decode_fully(image)
    except (OSError, ValueError) as exc:
        if isinstance(exc, NotAnImage):
            raise
        raise NotAnImage("it was damaged or cut short", kind="damaged") from None
    return SniffedImage(kind, width, height)


def _decode_fully(image: Image.Image) -> None:
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except Image.DecompressionBombWarning:
        raise NotAnImage("it expands to too many pixels to be safe", kind="bomb") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _describe_non_image(data: bytes) -> str:
    text = data[:200].strip()
    if text[:1] in (b"{", b"["):
        return "it was JSON, not a picture"
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return "it was not an image we can read"
    return "it was text, not a picture"
