"""What other apps add to the end of a turn: its price, and what a provider's block sets off.

conversations records what the provider reported. What that costs belongs to usage, and a
block's review case to moderation; they register here from their AppConfig.ready(), so
this app imports neither. Without them a turn keeps its reported usage and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from conversations.models import Turn


class Pricer(Protocol):
    def __call__(
        self, *, turn: Turn, usage: Mapping[str, Any] | None, images: int
    ) -> Mapping[str, Any]:
        """The turn's token and cost fields for what it used."""


BlockedHandler = Callable[..., None]

_pricers: list[Pricer] = []
_blocked_handlers: list[BlockedHandler] = []


def register_pricer(pricer: Pricer) -> None:
    if pricer not in _pricers:
        _pricers.append(pricer)


def register_blocked_handler(handler: BlockedHandler) -> None:
    """``handler(turn, code=, message=, categories=)`` runs inside the transaction that
    marks the turn blocked, so neither change exists without the other."""
    if handler not in _blocked_handlers:
        _blocked_handlers.append(handler)


def spend_fields(turn: Turn, usage: Mapping[str, Any] | None, *, images: int) -> dict[str, Any]:
    """The reported usage and, from the registered pricers, its tokens by kind and cost."""
    fields: dict[str, Any] = {"usage": usage or {}}
    for pricer in _pricers:
        fields.update(pricer(turn=turn, usage=usage, images=images))
    return fields


def turn_blocked(turn: Turn, *, code: str, message: str, categories: list[str]) -> None:
    for handler in _blocked_handlers:
        handler(turn, code=code, message=message, categories=categories)
