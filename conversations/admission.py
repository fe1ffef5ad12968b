"""Admission: the policy a new turn must pass, supplied by the apps that own it.

conversations knows nothing of suspensions, blocked terms, moderation levels, budgets or
running-turn limits. The apps that do register checks here from their AppConfig.ready(),
and ``start_turn`` runs them at three points:

- ``Stage.REQUEST``, before any work on the request: who asks and what they typed
  (a suspended author, a blocked term). Gets the ``Applicant``.
- ``Stage.PLAN``, once the request is validated, before anything is stored: may add
  upstream options (the moderation level). Gets the ``Candidate``.
- ``Stage.STORE``, inside the transaction that stores the turn, under the row locks it
  takes: running-turn limits and budgets; may add the turn's fields (its estimate). Gets
  the ``Candidate``.

A check refuses by raising ``TurnRefused`` (a status and a message for the person); it
contributes by returning a ``Contribution``, or None for nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from common.errors import InvalidInput
from conversations.models import Conversation


class TurnRefused(InvalidInput):
    """A policy refused the turn: 403 suspended, 402 over budget, 429 too many running..."""


class Stage(enum.Enum):
    REQUEST = "request"
    PLAN = "plan"
    STORE = "store"


@dataclass(frozen=True)
class Applicant:
    """Who asks for a turn, in which conversation, with which prompt (cleaned text)."""

    author: Any
    conversation: Conversation
    prompt: str


@dataclass(frozen=True)
class Candidate:
    """The validated turn about to be stored."""

    author: Any
    conversation: Conversation
    prompt: str
    api_mode: str
    model: str
    options: Mapping[str, Any]
    # Who serves it (a providers.Provider) and what its model can do (ImageModelSpec).
    provider: Any = None
    model_spec: Any = None


@dataclass(frozen=True)
class Contribution:
    options: Mapping[str, Any] = field(default_factory=dict)  # sent upstream with the turn
    turn_fields: Mapping[str, Any] = field(default_factory=dict)  # stored on the Turn row


Check = Callable[[Any], Contribution | None]

_checks: dict[Stage, list[Check]] = {stage: [] for stage in Stage}


def register(stage: Stage, check: Check) -> None:
    """Run ``check`` at ``stage`` for every new turn, after the checks registered before."""
    if check not in _checks[stage]:
        _checks[stage].append(check)


def screen(applicant: Applicant) -> None:
    _run(Stage.REQUEST, applicant)


def plan_options(candidate: Candidate) -> dict[str, Any]:
    """The upstream options the PLAN checks add to the candidate's own."""
    return _merged(_run(Stage.PLAN, candidate), "options")


def admit(candidate: Candidate) -> dict[str, Any]:
    """The turn fields the STORE checks add. Call inside the transaction storing the turn."""
    return _merged(_run(Stage.STORE, candidate), "turn_fields")


def _run(stage: Stage, subject: Applicant | Candidate) -> list[Contribution]:
    return [c for c in (check(subject) for check in _checks[stage]) if c is not None]


def _merged(contributions: list[Contribution], part: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for contribution in contributions:
        merged.update(getattr(contribution, part))
    return merged
