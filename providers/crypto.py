"""API keys at rest: Fernet tokens under STUDIO_ENCRYPTION_KEY, rotatable with MultiFernet.

STUDIO_ENCRYPTION_KEY holds one or more Fernet keys separated by commas; the first encrypts,
every one decrypts, so a new key goes first and the old one stays until `rotate_keys` has
re-encrypted every row. The database column holds only the token.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext, gettext_noop

UNREADABLE_KEY = gettext_noop(
    "The stored API key cannot be decrypted with STUDIO_ENCRYPTION_KEY; restore the key it was "
    "saved under, or enter the API key again."
)


class UnreadableKey(Exception):
    """A stored key none of the configured encryption keys can open; says so in the active
    language (a turn keeps the code instead: conversations.failures)."""

    def __init__(self) -> None:
        super().__init__(gettext(UNREADABLE_KEY))


@cache
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip()) for k in keys.split(",") if k.strip()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "STUDIO_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes), "
            "separated by commas."
        ) from exc


def _current() -> MultiFernet:
    return _fernet(settings.STUDIO_ENCRYPTION_KEY)


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode()).decode("ascii") if secret else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise UnreadableKey() from None


def rotate(token: str) -> str:
    """The same secret under the first (newest) key."""
    return _current().rotate(token.encode("ascii")).decode("ascii") if token else ""


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
