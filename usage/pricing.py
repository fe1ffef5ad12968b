"""What a turn used and what it cost: reported usage by kind, priced from STUDIO_PRICES.

Prices are USD per million tokens of each kind (`text_input`, `text_output`,
`image_input`, `image_output`) and, for models billed per picture, USD per image by
quality and size (`per_image`). A model may have both; its costs add up.

How reported usage is read (protocol §2 and §3):

- Responses API: `usage` is the text model's own (instructions, prompt, input images, its
  reasoning and reply), priced at the text model's `text_input` and `text_output`;
  `tool_usage.image_gen` is the image tool's, priced at the image model's rates by kind.
- Images API: `usage` is the image model's alone.
- In an image model's usage, `input_tokens_details` splits text from image input (without
  it, all input counts as text); output is image output unless `output_tokens_details`
  names text tokens. Cached input is priced at the full rate, so costs err high.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from upstream.capabilities import estimate_output_tokens
from upstream.gateway_models import GATEWAY_MODELS, gateway_model

PER_MILLION = Decimal(1_000_000)
MICRODOLLAR = Decimal("0.000001")
DEFAULT_SIZE = "1024x1024"
TOKEN_RATES = ("text_input", "text_output", "image_input", "image_output")
# Snapshot names like gpt-image-1-2025-04-15 are priced as their base model.
_SNAPSHOT = re.compile(r"^(?P<base>.+)-\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Tokens:
    input_text: int = 0
    input_image: int = 0
    output_text: int = 0
    output_image: int = 0

    @property
    def total(self) -> int:
        return self.input_text + self.input_image + self.output_text + self.output_image

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(
            self.input_text + other.input_text,
            self.input_image + other.input_image,
            self.output_text + other.output_text,
            self.output_image + other.output_image,
        )


@dataclass(frozen=True)
class ModelPrice:
    text_input: Decimal = Decimal(0)
    text_output: Decimal = Decimal(0)
    image_input: Decimal = Decimal(0)
    image_output: Decimal = Decimal(0)
    per_image: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    # Gateways often bill a request, whatever it used; one request per image returned.
    per_call: Decimal = Decimal(0)

    def tokens_cost(self, tokens: Tokens) -> Decimal:
        return (
            tokens.input_text * self.text_input
            + tokens.output_text * self.text_output
            + tokens.input_image * self.image_input
            + tokens.output_image * self.image_output
        ) / PER_MILLION

    def images_cost(
        self, *, quality: str | None, size: str | None, count: int, calls: int
    ) -> Decimal:
        billed_calls = calls * self.per_call
        if not self.per_image or not count:
            return billed_calls
        return billed_calls + count * _per_image_price(self.per_image, quality, size)


@dataclass(frozen=True)
class Spend:
    tokens: Tokens
    cost: Decimal | None

    def turn_fields(self) -> dict[str, Any]:
        return {
            "input_text_tokens": self.tokens.input_text,
            "input_image_tokens": self.tokens.input_image,
            "output_text_tokens": self.tokens.output_text,
            "output_image_tokens": self.tokens.output_image,
            "total_tokens": self.tokens.total,
            "cost": None if self.cost is None else self.cost.quantize(MICRODOLLAR),
        }


@dataclass(frozen=True)
class Estimate:
    """Image output tokens and their cost for a turn not yet sent; input is not guessed."""

    tokens: int
    cost: Decimal
    priced: bool

    def turn_fields(self) -> dict[str, Any]:
        return {"estimated_tokens": self.tokens, "estimated_cost": self.cost.quantize(MICRODOLLAR)}


def price_for(model: str, prices: Mapping[str, Any] | None = None) -> ModelPrice | None:
    """The price of ``model``: a provider's own ``prices`` first, else STUDIO_PRICES, else
    the gateway price list of chat image models (upstream.gateway_models)."""
    prices = {**_gateway_call_prices(), **settings.STUDIO_PRICES, **(prices or {})}
    key = (model or "").strip().lower()
    snapshot = _SNAPSHOT.match(key)
    entry = prices.get(key) or (prices.get(snapshot["base"]) if snapshot else None)
    if entry is None:
        return None
    rates = {name: _decimal(entry.get(name, 0)) for name in TOKEN_RATES}
    per_image = {
        quality: {size: _decimal(price) for size, price in sizes.items()}
        for quality, sizes in (entry.get("per_image") or {}).items()
    }
    return ModelPrice(**rates, per_image=per_image, per_call=_decimal(entry.get("per_call", 0)))


def price_usage(
    usage: Mapping[str, Any] | None,
    *,
    api_mode: str,
    image_model: str,
    text_model: str,
    options: Mapping[str, Any],
    images: int,
    prices: Mapping[str, Any] | None = None,
) -> Spend:
    """The tokens by kind and their cost for a turn's reported ``usage``; ``prices`` are
    the provider's own, over STUDIO_PRICES."""
    usage = usage or {}
    if api_mode == "responses":
        text_usage = {k: v for k, v in usage.items() if k != "tool_usage"}
        image_usage = (usage.get("tool_usage") or {}).get("image_gen") or {}
    else:
        text_usage, image_usage = {}, usage
    text_tokens = Tokens(
        input_text=_count(text_usage, "input_tokens"),
        output_text=_count(text_usage, "output_tokens"),
    )
    image_tokens = image_model_tokens(image_usage)
    cost = _sum(
        _tokens_cost(text_model, text_tokens, prices),
        _image_model_cost(image_model, image_tokens, options, images=images, prices=prices),
    )
    return Spend(text_tokens + image_tokens, cost)


def estimate_turn(
    *,
    model: str,
    api_mode: str,
    options: Mapping[str, Any],
    prices: Mapping[str, Any] | None = None,
) -> Estimate:
    """The protocol table's output tokens for ``options``, times the images asked for (a
    chat image model's one call: the pictures it returns)."""
    count = 1 if api_mode == "responses" else max(1, int(options.get("n") or 1))
    chat = gateway_model(model)
    if chat is not None and chat.transport == "chat":
        count = chat.images_per_call
    per_image = estimate_output_tokens(
        model=model,
        size=options.get("size"),
        quality=options.get("quality"),
        partial_images=int(options.get("partial_images") or 0),
    )
    tokens = Tokens(output_image=count * per_image)
    cost = _image_model_cost(model, tokens, options, images=count, prices=prices)
    return Estimate(tokens.total, cost or Decimal(0), priced=cost is not None)


def image_model_tokens(usage: Mapping[str, Any]) -> Tokens:
    input_total = _count(usage, "input_tokens")
    details = usage.get("input_tokens_details") or {}
    if "image_tokens" in details or "text_tokens" in details:
        input_image = _count(details, "image_tokens")
        input_text = _count(details, "text_tokens")
    else:
        input_image, input_text = 0, input_total
    output_total = _count(usage, "output_tokens")
    output_text = min(_count(usage.get("output_tokens_details") or {}, "text_tokens"), output_total)
    return Tokens(input_text, input_image, output_text, output_total - output_text)


def _tokens_cost(model: str, tokens: Tokens, prices=None) -> Decimal | None:
    if not tokens.total:
        return Decimal(0)
    price = price_for(model, prices)
    return None if price is None else price.tokens_cost(tokens)


def _image_model_cost(
    model: str, tokens: Tokens, options: Mapping[str, Any], *, images: int, prices=None
) -> Decimal | None:
    price = price_for(model, prices)
    if price is None:
        return None if tokens.total or images else Decimal(0)
    pictures = price.images_cost(
        quality=options.get("quality"),
        size=options.get("size"),
        count=images,
        calls=calls_for(model, images),
    )
    return price.tokens_cost(tokens) + pictures


def calls_for(model: str, images: int) -> int:
    """The upstream calls that drew ``images`` pictures: one per picture, except a chat
    image model's call, which may return several (a -vip call draws four for one price)."""
    spec = gateway_model(model)
    if spec is None or spec.transport != "chat" or not images:
        return images
    return math.ceil(images / spec.images_per_call)


def _per_image_price(table: Mapping[str, Mapping[str, Decimal]], quality, size) -> Decimal:
    # Without a quality the provider's default applies: "standard" where the model has it,
    # else "auto", which is priced as the costliest quality, as the token estimate does.
    key = quality or ("standard" if "standard" in table else "")
    sizes = table.get(key) or max(table.values(), key=lambda s: max(s.values(), default=0))
    if size in sizes:
        return sizes[size]
    if size in (None, "", "auto") and DEFAULT_SIZE in sizes:
        return sizes[DEFAULT_SIZE]
    return max(sizes.values(), default=Decimal(0))


def _sum(*costs: Decimal | None) -> Decimal | None:
    return None if any(c is None for c in costs) else sum(costs, Decimal(0))


def _count(source: Mapping[str, Any], key: str) -> int:
    value = source.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _gateway_call_prices() -> dict[str, dict[str, float]]:
    """A gateway bills a call, whatever it drew (a -vip call of four pictures costs one
    call; calls_for counts them)."""
    return {
        model.name: {"per_call": model.price_per_call}
        for model in GATEWAY_MODELS.values()
        if model.price_per_call is not None
    }
