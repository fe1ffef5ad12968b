"""Repeated wrong passwords lock the account and the address for a while, on the studio's
log-in page and the admin's, with a message saying when to try again."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"


def attempt(client: Client, path: str, username: str, password: str, address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_after_25_wrong_ones_does_not_log_in(client, alice):
    for _ in range(25):
        attempt(client, LOGIN, "alice", "wrong-password")

    response = attempt(client, LOGIN, "alice", "correct-horse-9")

    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Too many failed log-ins" in page and "Try again in 15 minutes" in page


def test_the_account_is_locked_from_another_address_too(client, alice):
    for _ in range(10):
        attempt(client, LOGIN, "alice", "wrong-password", address="10.0.0.1")

    response = attempt(Client(), LOGIN, "alice", "correct-horse-9", address="10.0.0.2")

    assert response.status_code == 429


def test_an_address_guessing_many_accounts_is_locked(client, alice, bob):
    for index in range(10):
        attempt(client, LOGIN, f"someone-{index}", "wrong-password", address="10.0.0.3")

    response = attempt(Client(), LOGIN, "bob", "correct-horse-9", address="10.0.0.3")

    assert response.status_code == 429
    # Someone else, elsewhere, is not affected.
    other = Client()
    assert attempt(other, LOGIN, "alice", "correct-horse-9", address="10.0.0.4").status_code == 302
    assert logged_in(other)


def test_a_few_mistakes_are_forgiven(client, alice):
    for _ in range(3):
        assert attempt(client, LOGIN, "alice", "wrong-password").status_code == 200
    assert attempt(client, LOGIN, "alice", "correct-horse-9").status_code == 302
    assert logged_in(client)


def test_the_admin_login_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="admin-pass-31")
    for _ in range(20):
        attempt(client, ADMIN_LOGIN, "root", "wrong-password")

    response = attempt(client, ADMIN_LOGIN, "root", "admin-pass-31")

    assert response.status_code == 429
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302
