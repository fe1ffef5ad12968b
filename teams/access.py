"""Who may do what in a team. Outsiders get None, which views turn into 404."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

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


TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_token(value: Any) -> bool:
    """Shaped like the tokens Studio makes (secrets.token_urlsafe); anything else, a NUL
    byte say, is simply not found rather than handed to the database."""
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


def is_id(value: Any) -> bool:
    """A value that could be a primary key; anything else is simply not found."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 < value < 2**63
    # Path parameters and form fields arrive as text: only plain digits count.
    return isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) < 2**63
