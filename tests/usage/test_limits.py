"""Budgets and running-turn limits refuse a turn before anything is sent upstream."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import InvalidInput
from conversations.models import Turn
from conversations.planning import TurnRequest
from conversations.services import retry_turn, start_turn
from tests.factories import ConversationFactory
from usage.models import Budget

pytestmark = pytest.mark.django_db

LOW = {"quality": "low", "size": "1024x1024", "partial_images": 0}  # estimated at 272 tokens
ESTIMATE = {"tokens": Decimal(272), "cost": Decimal("0.01088")}


@pytest.fixture
def shared(conversation, team):
    conversation.team = team
    conversation.save()
    return conversation


def spent(turn: Turn, metric: str) -> Decimal:
    return Decimal(turn.total_tokens) if metric == "tokens" else turn.cost


@pytest.mark.parametrize("period", ["day", "month"])
@pytest.mark.parametrize("metric", ["tokens", "cost"])
@pytest.mark.parametrize("holder", ["user", "team"])
def test_a_budget_refuses_the_next_turn_and_nothing_is_sent(
    run, shared, alice, team, sim, holder, metric, period
):
    first = run(conversation=shared, author=alice, prompt="a kite", options=LOW)
    # Room for less than one more turn.
    limit = spent(first, metric) + ESTIMATE[metric] - Decimal("0.0001")
    owner = {"user": alice} if holder == "user" else {"team": team}
    Budget.objects.create(**owner, metric=metric, period=period, limit=limit)
    sent = len(sim.requests())

    with pytest.raises(InvalidInput) as refused:
        run(conversation=shared, author=alice, prompt="another kite", options=LOW)

    assert refused.value.status == 402
    message = refused.value.message
    kind = f"{'daily' if period == 'day' else 'monthly'} {metric.rstrip('s')} budget"
    assert kind in message
    assert ("Your " if holder == "user" else "The team Night shift's ") in message
    assert "left" in message and "resets at 00:00 UTC on" in message
    assert len(sim.requests()) == sent
    assert Turn.objects.count() == 1


def test_a_turn_within_the_budget_goes_ahead(run, conversation, alice):
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=10_000)
    assert run(conversation=conversation, author=alice, prompt="a kite", options=LOW).status == (
        "completed"
    )


def test_a_used_up_budget_says_so(conversation, alice):
    Budget.objects.create(user=alice, metric="cost", period="month", limit=0)
    with pytest.raises(InvalidInput, match=r"Your monthly cost budget of \$0.00 is used up"):
        start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a kite"))


def test_a_team_budget_counts_every_members_turns_in_its_conversations(
    run, shared, alice, bob, team
):
    by_bob = run(conversation=shared, author=bob, prompt="a kite", options=LOW)
    Budget.objects.create(team=team, metric="tokens", period="day", limit=by_bob.total_tokens + 100)

    with pytest.raises(InvalidInput, match="The team Night shift's daily token budget"):
        start_turn(TurnRequest(conversation=shared, author=alice, prompt="a kite", options=LOW))
    # Alice's own conversations are not the team's.
    own = ConversationFactory(owner=alice)
    assert start_turn(TurnRequest(conversation=own, author=alice, prompt="a kite", options=LOW))


def test_a_user_budget_counts_the_users_turns_in_team_conversations_too(
    run, shared, alice, conversation
):
    first = run(conversation=shared, author=alice, prompt="a kite", options=LOW)
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=first.total_tokens)
    own = ConversationFactory(owner=alice)
    with pytest.raises(InvalidInput, match="is used up"):
        start_turn(TurnRequest(conversation=own, author=alice, prompt="a kite", options=LOW))


def test_spending_before_the_period_does_not_count(run, conversation, alice):
    first = run(conversation=conversation, author=alice, prompt="a kite", options=LOW)
    Turn.objects.filter(pk=first.pk).update(queued_at=timezone.now() - timedelta(days=1))
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=first.total_tokens)

    assert start_turn(
        TurnRequest(conversation=conversation, author=alice, prompt="a kite", options=LOW)
    )


def test_running_turns_count_at_their_estimate(conversation, alice):
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=600)
    assert start_turn(
        TurnRequest(conversation=conversation, author=alice, prompt="one", options=LOW)
    )
    assert start_turn(
        TurnRequest(conversation=conversation, author=alice, prompt="two", options=LOW)
    )
    with pytest.raises(InvalidInput, match="has 56 tokens left, and this turn would use about 272"):
        start_turn(
            TurnRequest(conversation=conversation, author=alice, prompt="three", options=LOW)
        )


def test_retrying_is_refused_by_a_budget_too(run, conversation, alice, sim):
    first = run(conversation=conversation, author=alice, prompt="a kite", options=LOW)
    Budget.objects.create(user=alice, metric="tokens", period="month", limit=first.total_tokens)
    sent = len(sim.requests())
    with pytest.raises(InvalidInput, match="budget"):
        retry_turn(turn=first, author=alice)
    assert len(sim.requests()) == sent


def test_a_user_may_run_only_so_many_turns_at_once(conversation, alice, settings, sim):
    settings.STUDIO_MAX_RUNNING_TURNS_PER_USER = 2
    for prompt in ("one", "two"):
        start_turn(TurnRequest(conversation=conversation, author=alice, prompt=prompt))

    with pytest.raises(InvalidInput) as refused:
        start_turn(TurnRequest(conversation=conversation, author=alice, prompt="three"))

    assert refused.value.status == 429
    assert "You have 2 turns running already" in refused.value.message
    assert not sim.requests()
    Turn.objects.update(status=Turn.Status.COMPLETED)
    assert start_turn(TurnRequest(conversation=conversation, author=alice, prompt="three"))


def test_a_team_may_run_only_so_many_turns_at_once(shared, alice, bob, settings):
    settings.STUDIO_MAX_RUNNING_TURNS_PER_TEAM = 2
    start_turn(TurnRequest(conversation=shared, author=bob, prompt="one"))
    start_turn(TurnRequest(conversation=shared, author=bob, prompt="two"))

    with pytest.raises(
        InvalidInput, match="The team Night shift has 2 turns running already"
    ) as refused:
        start_turn(TurnRequest(conversation=shared, author=alice, prompt="three"))
    assert refused.value.status == 429
    assert start_turn(
        TurnRequest(conversation=ConversationFactory(owner=alice), author=alice, prompt="own")
    )


def test_a_limit_of_zero_means_no_limit(conversation, alice, settings):
    settings.STUDIO_MAX_RUNNING_TURNS_PER_USER = 0
    for index in range(6):
        start_turn(TurnRequest(conversation=conversation, author=alice, prompt=f"fox {index}"))
    assert Turn.objects.filter(status=Turn.Status.QUEUED).count() == 6


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_cannot_both_pass_a_limit(conversation, alice, settings, monkeypatch):
    settings.STUDIO_MAX_RUNNING_TURNS_PER_USER = 1
    monkeypatch.setattr("conversations.services.dispatch_turn", lambda turn_id: None)
    barrier = threading.Barrier(4)
    refusals = []

    def send(index):
        barrier.wait()
        try:
            start_turn(TurnRequest(conversation=conversation, author=alice, prompt=f"fox {index}"))
        except InvalidInput as exc:
            refusals.append(exc.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Turn.objects.count() == 1
    assert refusals == [429, 429, 429]


@pytest.mark.django_db(transaction=True)
def test_the_limit_lock_does_not_block_rows_pointing_at_the_person(alice, studio_settings):
    """A turn being admitted must not block a worker writing a row that refers to its author
    (a moderation case, say) while it holds the conversation: that was a deadlock."""
    from django.db import connections, transaction

    from conversations.models import Conversation
    from usage.limits import _lock

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite locks the whole database")
    admitted = threading.Event()
    release = threading.Event()

    def admit_a_turn() -> None:
        try:
            with transaction.atomic():
                _lock(alice, None)
                admitted.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=admit_a_turn)
    holder.start()
    try:
        assert admitted.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            Conversation.objects.create(owner=alice, title="written while a turn is admitted")
    finally:
        release.set()
        holder.join()
