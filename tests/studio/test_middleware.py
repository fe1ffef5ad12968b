"""A NUL character anywhere in the address is a clear 400, on every route."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/api/conversations/?q=%00",
    "/api/conversations/?q=fox&q=%00",
    "/galleries/?q=a%00b",
    "/g/%00/",
    "/teams/join/abc%00/",
    "/usage/?start=%00",
    "/moderation/?user=%00",
    "/media/images/1/?thumbnail=%00",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_nul_character_in_the_address_is_refused_plainly(alice, address):
    client = Client()
    client.force_login(alice)
    response = client.get(address)
    assert response.status_code == 400
    assert "NUL character" in response.json()["error"]["message"]


def test_an_unknown_provider_profile_is_a_clear_400(alice):
    client = Client()
    client.force_login(alice)
    response = client.get("/api/capabilities/?profile=nonesuch")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "profile"
    assert "nonesuch" in response.json()["error"]["message"]
