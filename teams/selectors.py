"""Reads about teams; access is checked by the caller through teams.access."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from common.ids import is_id, is_token
from conversations.models import Conversation
from teams.models import Invitation, Team

SHARED_CONVERSATIONS_SHOWN = 100


def _open(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return invitations.filter(revoked_at=None, accepted_at=None, expires_at__gt=timezone.now())


def open_invitations_for(user) -> QuerySet[Invitation]:
    return _open(Invitation.objects.filter(invited_user=user)).select_related("team", "created_by")


def open_invitations_of(team: Team) -> QuerySet[Invitation]:
    return _open(team.invitations.all()).select_related("invited_user", "created_by")


def invitation_for_invitee(user, invitation_id: Any) -> Invitation | None:
    if not is_id(invitation_id):
        return None
    return (
        Invitation.objects.filter(pk=invitation_id, invited_user=user)
        .select_related("team")
        .first()
    )


def open_link(token: str) -> Invitation | None:
    if not is_token(token):
        return None
    return (
        _open(Invitation.objects.filter(token=token, invited_user=None))
        .select_related("team")
        .first()
    )


def shared_conversations(team: Team) -> QuerySet[Conversation]:
    return team.conversations.select_related("owner").order_by("-updated_at")[
        :SHARED_CONVERSATIONS_SHOWN
    ]
