"""Pure Pillow work on image bytes: sniffing uploads (with their thumbnails), masks, encoding.
No Django.

The previews and thumbnails of what a provider sends are made in `previews`."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext
from PIL import Image as PILImage
from PIL import ImageFile, UnidentifiedImageError

# Uploads are identified by their bytes, never by name or declared content type.
ACCEPTED_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
THUMBNAIL_EDGE = 384


class InvalidImage(ValueError):
    """An upload that is not an image we can use; the message is for the person."""


@dataclass(frozen=True)
class ImageInfo:
    format: str  # png, jpeg or webp
    width: int
    height: int
    has_alpha: bool
    sha256: str
    bytes: int


@dataclass(frozen=True)
class CheckedImage:
    """An upload decoded once: its bytes as they will be stored, what they are, a thumbnail."""

    data: bytes
    info: ImageInfo
    thumbnail: bytes


def inspect_image(
    data: bytes, *, max_bytes: int, max_pixels: int, label: str = "image"
) -> ImageInfo:
    """Check that ``data`` is a whole PNG, JPEG or WebP within the limits, and describe it."""
    with _decoded(data, max_bytes=max_bytes, max_pixels=max_pixels, label=label) as (_, info):
        return info


def check_upload(
    data: bytes, *, max_bytes: int, max_pixels: int, label: str, mask_for: tuple[int, int] | None
) -> CheckedImage:
    """Check an upload as ``inspect_image`` does and make its thumbnail from the same decode.

    With ``mask_for`` (the size of the image it edits) the upload is a mask, stored as
    ``prepare_mask`` makes it.
    """
    with _decoded(data, max_bytes=max_bytes, max_pixels=max_pixels, label=label) as decoded:
        image, info = decoded
        if mask_for is not None:
            image, data = _as_mask(image, data, size=mask_for)
            image, data = _mask_under_limit(image, data)
            info = ImageInfo("png", *image.size, True, hashlib.sha256(data).hexdigest(), len(data))
        return CheckedImage(data, info, _thumbnail(image, THUMBNAIL_EDGE))


@contextmanager
def _decoded(
    data: bytes, *, max_bytes: int, max_pixels: int, label: str
) -> Iterator[tuple[PILImage.Image, ImageInfo]]:
    if not data:
        raise InvalidImage(gettext("The %(label)s is empty.") % {"label": label})
    if len(data) > max_bytes:
        raise InvalidImage(
            gettext("The %(label)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "label": label,
                "size": f"{len(data) / 1_048_576:.1f}",
                "limit": f"{max_bytes / 1_048_576:.0f}",
            }
        )
    if data.lstrip()[:5].lower() in (b"<?xml", b"<svg ") or b"<svg" in data[:512].lower():
        raise InvalidImage(
            gettext("The %(label)s is an SVG drawing; use a PNG, JPEG or WebP image.")
            % {"label": label}
        )
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            kind = ACCEPTED_FORMATS.get(image.format or "")
            if kind is None:
                raise InvalidImage(
                    gettext("The %(label)s is a %(format)s file; use a PNG, JPEG or WebP image.")
                    % {"label": label, "format": image.format or gettext("unknown")}
                )
            width, height = image.size
            # Checked before decoding, so a decompression bomb never expands in memory.
            if width * height > max_pixels:
                raise InvalidImage(
                    gettext(
                        "The %(label)s is %(width)sx%(height)s pixels; the limit is "
                        "%(limit)s megapixels."
                    )
                    % {
                        "label": label,
                        "width": width,
                        "height": height,
                        "limit": f"{max_pixels / 1_000_000:.0f}",
                    }
                )
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            _decode_fully(image, label)
            info = ImageInfo(
                kind, width, height, has_alpha, hashlib.sha256(data).hexdigest(), len(data)
            )
            yield image, info
    except InvalidImage:
        raise
    except (UnidentifiedImageError, PILImage.DecompressionBombError, OSError, ValueError) as exc:
        raise InvalidImage(_unreadable_message(label, exc)) from None


def _decode_fully(image: PILImage.Image, label: str) -> None:
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image.load()
    except PILImage.DecompressionBombWarning:
        raise InvalidImage(_too_many_pixels(label)) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _unreadable_message(label: str, exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return gettext(
            "The %(label)s is not an image we can read; use a PNG, JPEG or WebP image."
        ) % {"label": label}
    if isinstance(exc, PILImage.DecompressionBombError):
        return _too_many_pixels(label)
    return gettext("The %(label)s is damaged or cut short and cannot be read.") % {"label": label}


def _too_many_pixels(label: str) -> str:
    return gettext("The %(label)s expands to too many pixels to be safe.") % {"label": label}


# CreateImageEditRequest.mask: "a valid PNG file, less than 4MB".
MASK_MAX_BYTES = 4 * 1024 * 1024


def prepare_mask(data: bytes, *, size: tuple[int, int]) -> bytes:
    """Return the mask as a PNG with alpha, of exactly ``size`` and under 4 MB.

    A mask with alpha is used as it is: alpha 0 marks the area to change. A mask without
    alpha (black and white) becomes its own alpha, as OpenAI's guide converts it: black
    marks the area to change. A mask over 4 MB is re-encoded to what the provider reads of
    it, which compresses to a small fraction.
    """
    with PILImage.open(io.BytesIO(data)) as mask:
        return _mask_under_limit(*_as_mask(mask, data, size=size))[1]


def _mask_under_limit(mask: PILImage.Image, data: bytes) -> tuple[PILImage.Image, bytes]:
    if len(data) < MASK_MAX_BYTES:
        return mask, data
    slim = _alpha_only(mask)
    if len(slim) < MASK_MAX_BYTES:
        return PILImage.open(io.BytesIO(slim)), slim
    raise InvalidImage(
        gettext(
            "The mask is %(size)s MB even after compressing it, and image providers take masks "
            "under %(limit)s MB; paint it with fewer fine details or use a smaller image."
        )
        % {"size": f"{len(slim) / 1_048_576:.1f}", "limit": f"{MASK_MAX_BYTES / 1_048_576:.3g}"}
    )


def _alpha_only(mask: PILImage.Image) -> bytes:
    """Black with the mask's alpha, cut to 0 or 255: the provider edits only where alpha is
    0, so the colours and partial transparency it ignores are what made the file large."""
    alpha = mask.convert("RGBA").getchannel("A").point(lambda a: 0 if a == 0 else 255)
    slim = PILImage.new("LA", mask.size, 0)
    slim.putalpha(alpha)
    return encode(slim, "png", optimize=True)


def _as_mask(
    mask: PILImage.Image, data: bytes, *, size: tuple[int, int]
) -> tuple[PILImage.Image, bytes]:
    if mask.size != tuple(size):
        raise InvalidImage(
            gettext(
                "The mask is %(mask_width)sx%(mask_height)s but the image it edits is "
                "%(width)sx%(height)s; paint the mask on that image so they match."
            )
            % {
                "mask_width": mask.size[0],
                "mask_height": mask.size[1],
                "width": size[0],
                "height": size[1],
            }
        )
    has_alpha = mask.mode in ("RGBA", "LA", "PA") or "transparency" in mask.info
    if has_alpha and mask.format == "PNG":
        return mask, data
    if has_alpha:
        converted = mask.convert("RGBA")
    else:
        grey = mask.convert("L")
        converted = grey.convert("RGBA")
        converted.putalpha(grey)
    return converted, encode(converted, "png")


def encode(image: PILImage.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt.upper(), **params)
    return buffer.getvalue()


def _thumbnail(image: PILImage.Image, edge: int) -> bytes:
    thumb = image.convert("RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB")
    thumb.thumbnail((edge, edge))
    # Method 2 encodes in half the time of 4 for files ~6% larger: a worker makes one per
    # final image while it streams a hundred others.
    return encode(thumb, "webp", quality=80, method=2)


def describe(data: bytes) -> ImageInfo:
    """Describe an image the provider sent (trusted to be an image; only the header is read)."""
    with PILImage.open(io.BytesIO(data)) as image:
        fmt = ACCEPTED_FORMATS.get(image.format or "", (image.format or "png").lower())
        has_alpha = image.mode in ("RGBA", "LA", "PA")
        width, height = image.size
    return ImageInfo(fmt, width, height, has_alpha, hashlib.sha256(data).hexdigest(), len(data))
