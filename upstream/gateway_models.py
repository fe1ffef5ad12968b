"""Image models that exist only on gateways, and how they are called.

Data only. These names are not OpenAI's: gateways such as tu-zi serve them on
`POST /v1/chat/completions` (transport "chat"), narrate progress in words and answer with
picture links. A `-vip` model may return several pictures for the price of one call; an
`-async` model answers with preview and source links and the source is polled. Prices are
per call, in USD, as the gateways listed them when this table was written; a provider's
own prices (set by staff) replace them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from upstream.messages import UserMessage

Transport = Literal["chat", "images", "responses"]
ASYNC_SUFFIX: Final = "-async"


@dataclass(frozen=True)
class GatewayModel:
    name: str
    transport: Transport = "chat"
    images_per_call: int = 1
    """How many pictures one call returns (the -vip models return up to 4)."""
    price_per_call: float | None = None
    """USD per call, whatever the number of pictures; None when not known."""
    size_param: bool = False
    """Takes a top-level `size` in the chat body, besides the ratio in the prompt."""
    asynchronous: bool = False
    """Answers with [preview] and [source] links; the source is polled until ready."""
    max_references: int = 10
    ratios: tuple[str, ...] = ("1:1", "2:3", "3:2")
    note: UserMessage | None = None


GATEWAY_MODELS: Final[dict[str, GatewayModel]] = {
    model.name: model
    for model in (
        GatewayModel(
            "gpt-4o-image", price_per_call=0.04, note=UserMessage("gateway_progress_one_image")
        ),
        GatewayModel(
            "gpt-4o-image-vip",
            images_per_call=4,
            price_per_call=0.10,
            note=UserMessage("gateway_four_images"),
        ),
        GatewayModel(
            "gpt-4o-all", price_per_call=0.06, note=UserMessage("gateway_words_and_pictures")
        ),
        GatewayModel("sora_image", price_per_call=0.04, note=UserMessage("gateway_emoji_progress")),
        GatewayModel("gpt-image-2-all", price_per_call=0.06),
        GatewayModel(
            "gpt-image-2-vip",
            images_per_call=4,
            price_per_call=0.12,
            size_param=True,
            note=UserMessage("gateway_size_param"),
        ),
        GatewayModel(
            "gpt-image-1-vip",
            transport="images",
            price_per_call=0.05,
            note=UserMessage("gateway_images_api"),
        ),
    )
}


def gateway_model(name: str) -> GatewayModel | None:
    """The table's entry for `name`; `<known>-async` is the asynchronous form of a known model."""
    key = name.strip().lower()
    if key in GATEWAY_MODELS:
        return GATEWAY_MODELS[key]
    if key.endswith(ASYNC_SUFFIX):
        base = GATEWAY_MODELS.get(key.removesuffix(ASYNC_SUFFIX))
        if base is not None and base.transport == "chat":
            return GatewayModel(
                name=key,
                transport="chat",
                images_per_call=base.images_per_call,
                price_per_call=base.price_per_call,
                size_param=base.size_param,
                asynchronous=True,
                max_references=base.max_references,
                ratios=base.ratios,
                note=UserMessage("gateway_async_form", {"model": base.name}),
            )
    return None


def is_chat_image_model(name: str) -> bool:
    model = gateway_model(name)
    return model is not None and model.transport == "chat"
