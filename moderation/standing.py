"""A person's standing: suspended people watch but start nothing; warnings show a notice."""

from __future__ import annotations

from moderation.models import AccountStanding


def is_suspended(user) -> bool:
    if not user.is_authenticated:
        return False
    return AccountStanding.objects.filter(user_id=user.pk, suspended_at__isnull=False).exists()


def notice_for(user) -> AccountStanding | None:
    """The standing to tell the person about (a suspension, or a warning not yet dismissed)."""
    if not user.is_authenticated:
        return None
    standing = AccountStanding.objects.filter(user_id=user.pk).first()
    if standing is None or not (standing.is_suspended or standing.shows_warning):
        return None
    return standing
