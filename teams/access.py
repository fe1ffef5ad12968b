"""A user's memberships and teams. Outsiders get None, which views turn into 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from common.ids import is_id
from teams.models import Membership, Team


def memberships_of(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user)


def team_ids_of(user) -> QuerySet:
    return memberships_of(user).values("team_id")


def teams_of(user) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=team_ids_of(user))


def get_membership(user, team_id: Any) -> Membership | None:
    if not is_id(team_id):
        return None
    return memberships_of(user).select_related("team").filter(team_id=team_id).first()
