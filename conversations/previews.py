"""Light previews: what the live view shows, made once when a partial or final is stored.

A provider's partial and final images are full-size PNGs of 1.5-3 MB (more at larger sizes),
and a live view that downloads each one spends several MB per turn before the final shows.
Each partial and final gets a WebP no larger than ``PREVIEW_EDGE`` on its longest side (tens
of KB), made from the same decode as its gallery thumbnail. The full image stays one request
away for whoever asks: open full size, download, compare, the mask editor.

Made inline, before the event that announces the image (the browser needs the preview to
paint, so making it later would only move the wait and add an event), and before the
transaction that records it, which holds the conversation's row lock (docs/operations.md).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image as PILImage

from conversations.imaging import THUMBNAIL_EDGE, encode
from conversations.models import Image

PREVIEW_EDGE = 768
# Method 0 is the fastest WebP encoder; at this size its files are ~5% larger than method 2's
# and take half the time, on the path between the provider and the browser.
PREVIEW_QUALITY, PREVIEW_METHOD = 75, 0
PREVIEWED_ROLES = (Image.Role.PARTIAL, Image.Role.FINAL)


@dataclass(frozen=True)
class Derived:
    preview: bytes | None
    thumbnail: bytes | None


def make_derived(data: bytes, *, preview: bool, thumbnail: bool, partial: bool = False) -> Derived:
    """The WebP preview and thumbnail of an image, from one decode. Pure Pillow.

    A partial's preview is only ever seen for a few seconds, and blurred by design: it is
    reduced by a whole factor (512 px from 1024), a third of the CPU of resampling to 768."""
    if not (preview or thumbnail):
        return Derived(None, None)
    edge = PREVIEW_EDGE if preview else THUMBNAIL_EDGE
    with PILImage.open(io.BytesIO(data)) as image:
        # A JPEG decodes straight at a fraction of its size; other formats ignore this.
        image.draft("RGB", (edge, edge))
        picture = image.convert("RGBA" if image.mode in ("RGBA", "LA", "PA", "P") else "RGB")
    picture = _fit(picture, edge, whole_factor=partial)
    made_preview = None
    if preview:
        made_preview = encode(picture, "webp", quality=PREVIEW_QUALITY, method=PREVIEW_METHOD)
    made_thumbnail = None
    if thumbnail:
        picture.thumbnail((THUMBNAIL_EDGE, THUMBNAIL_EDGE))
        made_thumbnail = encode(picture, "webp", quality=80, method=2)
    return Derived(made_preview, made_thumbnail)


def _fit(picture: PILImage.Image, edge: int, *, whole_factor: bool) -> PILImage.Image:
    """At most ``edge`` on the longest side. Bilinear after a whole-factor reduce(): half
    the CPU of thumbnail()'s bicubic at 1024 -> 768, and no visible difference at this size."""
    width, height = picture.size
    scale = edge / max(width, height)
    if scale >= 1:
        return picture
    if whole_factor:
        return picture.reduce(math.ceil(1 / scale))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return picture.resize(size, PILImage.Resampling.BILINEAR, reducing_gap=2.0)


def derive(data: bytes, *, role: str, thumbnail: bool) -> Derived:
    """What an image of ``role`` gets: a preview (partials and finals), a thumbnail if asked.

    Call it before the transaction that records the image: that transaction holds the
    conversation's row lock (its sequence number), and other turns of the conversation wait
    on that lock for as long as Pillow works inside it."""
    return make_derived(
        data,
        preview=role in PREVIEWED_ROLES,
        thumbnail=thumbnail,
        partial=role == Image.Role.PARTIAL,
    )


def attach_derived(image: Image, derived: Derived, stem: str) -> None:
    """Save the preview and thumbnail to storage; the caller saves the row."""
    if derived.preview is not None:
        image.preview.save(f"{stem}-preview.webp", ContentFile(derived.preview), save=False)
    if derived.thumbnail is not None:
        image.thumbnail.save(f"{stem}-thumb.webp", ContentFile(derived.thumbnail), save=False)
