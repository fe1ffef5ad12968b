"""The language a person chose, kept on their profile so every browser they log in from
follows it (docs/i18n.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from accounts.models import Profile

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


def remembered_language(user: AbstractBaseUser) -> str:
    """The person's chosen language, or "" when they never chose one."""
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else ""


def remember_language(*, user: AbstractBaseUser, language: str) -> None:
    if language not in SUPPORTED:
        return
    Profile.objects.update_or_create(user=user, defaults={"language": language})
