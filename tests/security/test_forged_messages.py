"""A message cookie forged with markup (possible with a known signing key) shows as text."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.utils.safestring import mark_safe

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="document.title=1">'


def forged_messages_cookie() -> str:
    # Marked safe, as the cookie's own format allows: the signature is all that guards it.
    storage = CookieStorage(HttpRequest())
    return storage._encode([Message(constants.SUCCESS, mark_safe(PAYLOAD))])  # noqa: S308


def test_a_forged_message_renders_as_text_not_markup(client, alice):
    client.force_login(alice)
    client.cookies["messages"] = forged_messages_cookie()

    page = client.get("/teams/").content.decode()

    assert PAYLOAD not in page
    assert "&lt;img src=x onerror=" in page
