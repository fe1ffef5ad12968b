from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.dispatch import dispatch_turn
from conversations.models import Turn
from conversations.sweep import sweep_stuck_turns

pytestmark = pytest.mark.django_db


def stuck_turn(conversation, author, **fields) -> Turn:
    defaults = {"prompt": "a dog", "image_model": "gpt-image-1"}
    return Turn.objects.create(conversation=conversation, author=author, **{**defaults, **fields})


def test_a_turn_stuck_past_its_attempts_fails_with_a_reason(conversation, alice, studio_settings):
    turn = stuck_turn(
        conversation,
        alice,
        status=Turn.Status.STREAMING,
        attempts=studio_settings.TURN_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    redispatched = []

    assert sweep_stuck_turns(redispatch=redispatched.append) == {"redispatched": 0, "failed": 1}
    turn.refresh_from_db()
    assert turn.status == "failed"
    assert "given up" in turn.error_message
    assert redispatched == []


def test_a_turn_whose_worker_died_runs_again(conversation, alice, studio_settings, sim):
    turn = stuck_turn(
        conversation,
        alice,
        status=Turn.Status.STREAMING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )

    assert sweep_stuck_turns(redispatch=dispatch_turn) == {"redispatched": 1, "failed": 0}
    turn.refresh_from_db()
    assert turn.status == "completed"
    assert turn.attempts == 2


def test_a_queued_turn_nobody_claims_is_redispatched_on_every_sweep(conversation, alice):
    turn = stuck_turn(conversation, alice, status=Turn.Status.QUEUED)
    Turn.objects.filter(pk=turn.pk).update(queued_at=timezone.now() - timedelta(hours=3))
    redispatched = []

    for _ in range(5):
        sweep_stuck_turns(redispatch=redispatched.append)

    assert redispatched == [turn.pk] * 5
    turn.refresh_from_db()
    assert turn.status == "queued"


def test_live_and_recent_turns_are_left_alone(conversation, alice):
    stuck_turn(conversation, alice, status=Turn.Status.QUEUED)
    stuck_turn(
        conversation, alice, status=Turn.Status.STREAMING, attempts=1, heartbeat_at=timezone.now()
    )
    redispatched = []

    assert sweep_stuck_turns(redispatch=redispatched.append) == {"redispatched": 0, "failed": 0}
    assert redispatched == []
