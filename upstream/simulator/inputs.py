"""Turning request inputs (data URIs, file ids, uploads, stored ig_ ids) into pictures."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from upstream.simulator import drawing
from upstream.simulator.api_errors import APIError, invalid, not_found
from upstream.simulator.store import Store

_DATA_URI = re.compile(r"^data:(image/[a-z0-9.+-]+);base64,(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass
class InputPicture:
    image: Image.Image
    data: bytes
    source: str  # data_uri | file_id | upload | image_call

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def image_error(message: str, param: str | None, code: str = "invalid_image_file") -> APIError:
    return APIError(400, message, type="image_generation_user_error", param=param, code=code)


def picture_from_bytes(data: bytes, *, param: str | None, source: str) -> InputPicture:
    try:
        return InputPicture(drawing.decode(data), data, source)
    except (UnidentifiedImageError, OSError, ValueError):
        raise image_error(
            "Invalid image file or mode. Supported formats are png, webp and jpeg.", param
        ) from None


def picture_from_url(url: str, *, param: str) -> InputPicture:
    match = _DATA_URI.match(url.strip())
    if not match:
        # The simulator never reaches the internet; only data URLs carry pixels here.
        raise invalid(
            "The simulator cannot download images; send a base64 data URL or a file_id.",
            param,
            "invalid_image_url",
        )
    try:
        data = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError):
        raise invalid("Invalid base64 image data.", param, "invalid_base64") from None
    return picture_from_bytes(data, param=param, source="data_uri")


def picture_from_file(store: Store, file_id: str, *, param: str) -> InputPicture:
    stored = store.files.get(file_id)
    if stored is None:
        raise not_found(f"No such File object: {file_id}", param)
    return picture_from_bytes(stored.data, param=param, source="file_id")


def picture_from_ref(store: Store, ref: dict, *, param: str) -> InputPicture:
    """An `{"image_url": …}` / `{"file_id": …}` object (input_image parts, masks, JSON edits)."""
    if ref.get("file_id"):
        return picture_from_file(store, str(ref["file_id"]), param=param)
    url = ref.get("image_url")
    if isinstance(url, dict):  # chat-style {"image_url": {"url": …}}
        url = url.get("url")
    if not url:
        raise invalid(
            "Expected exactly one of 'image_url' or 'file_id'.", param, "missing_required_parameter"
        )
    return picture_from_url(str(url), param=param)


def picture_from_image_call(store: Store, item: dict, *, param: str) -> InputPicture:
    item_id = str(item.get("id") or "")
    if item.get("result"):
        # The full item sent inline (the SDK's typed form) carries its own pixels.
        data = base64.b64decode(item["result"])
        return picture_from_bytes(data, param=param, source="image_call")
    stored = store.image_calls.get(item_id)
    if stored is None:
        raise invalid(
            f"Item with id '{item_id}' not found. Items are not persisted when `store` is set "
            "to false. Try again with `store` set to true, or remove this item from your input.",
            param,
            "item_not_found",
        )
    return picture_from_bytes(stored.png, param=param, source="image_call")
