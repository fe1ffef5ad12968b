"""Keys are encrypted at rest and shown only as their last four characters."""

from __future__ import annotations

import pytest
from django.db import connection

from providers.crypto import UnreadableKey, decrypt
from providers.models import Provider
from tests.providers.conftest import SECRET

pytestmark = pytest.mark.django_db


def raw_key_column(provider: Provider) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT api_key_encrypted FROM providers_provider WHERE id = %s", [provider.pk]
        )
        return cursor.fetchone()[0]


def test_the_raw_column_holds_a_token_not_the_key(gateway):
    raw = raw_key_column(gateway)
    assert SECRET not in raw and "WXYZ" not in raw
    assert decrypt(raw) == SECRET
    assert gateway.key_hint == "…WXYZ"


def test_a_key_under_another_encryption_key_is_a_clear_error(gateway, settings):
    from cryptography.fernet import Fernet

    settings.STUDIO_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(UnreadableKey, match="cannot be decrypted"):
        decrypt(raw_key_column(gateway))


def test_keys_rotate_with_a_new_key_first(gateway, settings):
    from cryptography.fernet import Fernet

    from providers.crypto import rotate

    old = settings.STUDIO_ENCRYPTION_KEY
    settings.STUDIO_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old}"
    rotated = rotate(raw_key_column(gateway))
    settings.STUDIO_ENCRYPTION_KEY = settings.STUDIO_ENCRYPTION_KEY.split(",")[0]
    assert decrypt(rotated) == SECRET


def test_the_key_reaches_the_provider_and_nothing_else(gateway, gateway_sim):
    from providers.services import test_connection

    assert test_connection(gateway).ok
    assert all("authorization" not in r["headers"] for r in gateway_sim.requests())


def test_rotate_provider_keys_moves_every_key_to_the_new_encryption_key(gateway, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old = settings.STUDIO_ENCRYPTION_KEY
    new = Fernet.generate_key().decode()
    settings.STUDIO_ENCRYPTION_KEY = f"{new},{old}"
    call_command("rotate_provider_keys")
    settings.STUDIO_ENCRYPTION_KEY = new
    assert decrypt(raw_key_column(gateway)) == SECRET
