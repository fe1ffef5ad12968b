"""Request bodies for chat-completions image models (POST /v1/chat/completions).

The user message is a text part (the prompt, with the wanted ratio in words) and up to ten
`image_url` parts: the parent image first on a follow-up, then the references, as data
URIs. Earlier turns of the conversation go before it as user and assistant messages, so the
model reads the request as a continuation. Models that take a size (some -vip models) get it
as a top-level `size` as well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from upstream.client import InputFile
from upstream.errors import InvalidRequest
from upstream.requests import data_url

MAX_IMAGES = 10
# What the gateways' chat image models can draw; other sizes are asked as the nearest ratio.
RATIOS = ("1:1", "2:3", "3:2")


@dataclass(frozen=True)
class ChatTurn:
    """An earlier turn: what was asked, and the gateway's words in reply (links removed)."""

    prompt: str
    reply: str = ""


def build_chat_body(
    *,
    model: str,
    prompt: str,
    references: Sequence[InputFile | str] = (),
    parent_image: InputFile | None = None,
    history: Sequence[ChatTurn] = (),
    size: str | None = None,
    size_param: bool = False,
    stream: bool = True,
) -> dict[str, Any]:
    """The JSON body of one chat image request (see the module docstring).

    `references` are files (sent as data URIs) or https links the gateway fetches itself.
    """
    prompt = prompt.strip()
    if not prompt:
        raise InvalidRequest.refused("chat_prompt_required", param="prompt")
    images = ([parent_image] if parent_image is not None else []) + list(references)
    if len(images) > MAX_IMAGES:
        raise InvalidRequest.refused(
            "chat_too_many_images", param="references", limit=MAX_IMAGES, count=len(images)
        )
    content: list[dict[str, Any]] = [{"type": "text", "text": prompt_with_ratio(prompt, size)}]
    content += [{"type": "image_url", "image_url": {"url": _image_url(image)}} for image in images]
    body: dict[str, Any] = {
        "model": model,
        "messages": [*_history_messages(history), {"role": "user", "content": content}],
        "stream": stream,
    }
    if size_param and size and size != "auto":
        body["size"] = size
    return body


def prompt_with_ratio(prompt: str, size: str | None) -> str:
    """The prompt with the wanted aspect ratio said in words (the models read it there)."""
    ratio = ratio_for_size(size)
    return f"{prompt}\n\nAspect ratio: {ratio}" if ratio else prompt


def ratio_for_size(size: str | None) -> str | None:
    """ "1024x1536" → "2:3"; a ratio is passed through; "auto" or nothing → None."""
    if not size or size == "auto":
        return None
    if ":" in size:
        return size
    width, _, height = size.lower().partition("x")
    try:
        w, h = int(width), int(height)
    except ValueError:
        raise InvalidRequest.refused("chat_size_not_wxh", param="size", size=size) from None
    if w <= 0 or h <= 0:
        raise InvalidRequest.refused("chat_size_not_wxh", param="size", size=size)
    divisor = math.gcd(w, h)
    exact = f"{w // divisor}:{h // divisor}"
    if exact in RATIOS:
        return exact
    return min(RATIOS, key=lambda r: abs(math.log(_ratio_value(r) / (w / h))))


def _ratio_value(ratio: str) -> float:
    a, _, b = ratio.partition(":")
    return int(a) / int(b)


def _image_url(image: InputFile | str) -> str:
    if isinstance(image, str):
        if not image.startswith(("https://", "http://", "data:image/")):
            raise InvalidRequest.refused("chat_reference_not_http", param="references")
        return image
    return data_url(image)


def _history_messages(history: Sequence[ChatTurn]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for turn in history:
        messages.append({"role": "user", "content": turn.prompt})
        messages.append({"role": "assistant", "content": turn.reply or "(an image)"})
    return messages
