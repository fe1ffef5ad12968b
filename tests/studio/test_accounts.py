"""Sign-up, log-in and log-out pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_sign_up_logs_the_new_person_in(client, django_user_model):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200 and b"Create your account" in page.content
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dana",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302
    assert django_user_model.objects.filter(username="dana").exists()
    assert client.get("/api/conversations/").status_code == 200


def test_sign_up_with_mismatched_passwords_explains_why(client, django_user_model):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dana",
            "password1": "a-long-Passphrase-42",
            "password2": "other-Pass-43",
        },
    )
    assert response.status_code == 200
    assert b"didn" in response.content  # "The two password fields didn't match."
    assert not django_user_model.objects.exists()


def test_log_in_and_out(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-9"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_politely(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
