"""Admission: the checks other apps plug into start_turn, at the stage they ask for."""

from __future__ import annotations

import pytest

from common.errors import InvalidInput
from conversations import admission
from conversations.admission import Contribution, Stage, TurnRefused
from conversations.models import Image, Turn
from conversations.planning import TurnRequest, Upload
from conversations.services import start_turn
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(monkeypatch):
    """Register checks for one test only; the apps' own checks stay in force."""
    monkeypatch.setattr(admission, "_checks", {s: list(c) for s, c in admission._checks.items()})
    return admission.register


def refuse(status: int, message: str):
    def check(_subject) -> None:
        raise TurnRefused(message, status=status)

    return check


def request(conversation, author, **fields) -> TurnRequest:
    return TurnRequest(conversation=conversation, author=author, prompt="  a fox  ", **fields)


def test_a_request_check_sees_the_cleaned_prompt_before_anything_else(checks, conversation, alice):
    seen = []
    checks(Stage.REQUEST, seen.append)
    # Planning refuses the unknown quality, but only after the request check ran.
    with pytest.raises(InvalidInput, match="not a valid quality"):
        start_turn(request(conversation, alice, options={"quality": "no such quality"}))
    assert [(a.author, a.conversation, a.prompt) for a in seen] == [(alice, conversation, "a fox")]


def test_a_refusal_at_the_request_stage_stores_nothing(checks, conversation, alice):
    checks(Stage.REQUEST, refuse(403, "Your account is suspended."))
    with pytest.raises(TurnRefused) as refused:
        start_turn(request(conversation, alice))
    assert refused.value.status == 403
    assert str(refused.value) == "Your account is suspended."
    assert not Turn.objects.exists()


def test_a_refusal_at_the_store_stage_leaves_no_turn_and_no_files(
    checks, conversation, alice, media
):
    checks(Stage.STORE, refuse(402, "Over budget."))
    references = [Upload("a.png", png_bytes((64, 64)))]
    with pytest.raises(TurnRefused) as refused:
        start_turn(request(conversation, alice, api_mode="edit", references=references))
    assert refused.value.status == 402
    assert not Turn.objects.exists() and not Image.objects.exists()
    stored = media.MEDIA_ROOT
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]


def test_plan_checks_see_the_validated_turn_and_add_options(
    checks, conversation, alice, django_capture_on_commit_callbacks
):
    candidates = []

    def plan(candidate):
        candidates.append(candidate)
        return Contribution(options={"background": "opaque"})

    checks(Stage.PLAN, plan)
    with django_capture_on_commit_callbacks(execute=False):
        turn = start_turn(request(conversation, alice, options={"quality": "low"}))
    assert candidates[0].model == turn.image_model and candidates[0].options["quality"] == "low"
    assert turn.options["background"] == "opaque" and turn.options["quality"] == "low"


def test_store_checks_set_the_turns_fields(
    checks, conversation, alice, django_capture_on_commit_callbacks
):
    checks(Stage.STORE, lambda candidate: Contribution(turn_fields={"estimated_tokens": 1234}))
    with django_capture_on_commit_callbacks(execute=False):
        turn = start_turn(request(conversation, alice))
    turn.refresh_from_db()
    assert turn.estimated_tokens == 1234


def test_a_check_registered_twice_runs_once_and_checks_run_in_order(
    checks, conversation, alice, django_capture_on_commit_callbacks
):
    order = []

    def first(_):
        order.append("first")

    def second(_):
        order.append("second")

    for check in (first, second, first):
        checks(Stage.REQUEST, check)
    with django_capture_on_commit_callbacks(execute=False):
        start_turn(request(conversation, alice))
    assert order == ["first", "second"]
