"""A team of four roles around one shared conversation, and an outsider in another team."""

from __future__ import annotations

import pytest

from conversations.planning import TurnRequest
from conversations.services import share_conversation, start_turn
from teams.models import Membership
from teams.services import create_team


@pytest.fixture
def team(alice):
    return create_team(creator=alice, name="Night shift")


@pytest.fixture
def people(team, alice, bob, charlie, django_user_model):
    """alice owns the team and the conversation; dana co-owns; bob edits; carol views."""
    dana = django_user_model.objects.create_user("dana", password="correct-horse-9")
    carol = django_user_model.objects.create_user("carol", password="correct-horse-9")
    Membership.objects.create(team=team, user=dana, role=Membership.Role.OWNER)
    Membership.objects.create(team=team, user=bob, role=Membership.Role.EDITOR)
    Membership.objects.create(team=team, user=carol, role=Membership.Role.VIEWER)
    # charlie is in a team of his own, and in nothing of alice's.
    create_team(creator=charlie, name="Elsewhere")
    return {
        "conversation_owner": alice,
        "team_owner": dana,
        "editor": bob,
        "viewer": carol,
        "outsider": charlie,
    }


@pytest.fixture
def shared(conversation, team, alice, django_capture_on_commit_callbacks):
    """alice's conversation, shared with the team, with one finished turn."""
    share_conversation(conversation=conversation, team_id=team.pk)
    with django_capture_on_commit_callbacks(execute=True):
        turn = start_turn(
            TurnRequest(conversation=conversation, author=alice, prompt="a lighthouse")
        )
    turn.refresh_from_db()
    assert turn.status == "completed"
    return conversation
