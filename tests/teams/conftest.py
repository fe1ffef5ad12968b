"""The shared team with a co-owner besides alice, around one shared conversation."""

from __future__ import annotations

import pytest

from conversations.planning import TurnRequest
from conversations.services import share_conversation, start_turn
from teams.models import Membership


@pytest.fixture
def people(people, team, django_user_model) -> dict:
    """The shared roles, plus dana, who co-owns the team but not alice's conversation."""
    dana = django_user_model.objects.create_user("dana", password="correct-horse-9")
    Membership.objects.create(team=team, user=dana, role=Membership.Role.OWNER)
    return {**people, "co_owner": dana}


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
