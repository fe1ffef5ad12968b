"""CSRF is enforced on every state-changing endpoint: each URL the project routes, asked to
POST, PUT, PATCH or DELETE with a valid session but no token, answers 403 and changes
nothing. The URLs are read from the resolver, so a new endpoint is covered without a line
here, and a csrf_exempt view fails this test."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conversations.models import Conversation, Image, Turn

pytestmark = pytest.mark.django_db

UNSAFE_METHODS = ("post", "put", "patch", "delete")
# Django's regex patterns (the admin's) write a parameter as (?P<name>...).
REGEX_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)")
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def routed_paths(patterns=None, prefix: str = "") -> list[str]:
    """Every path the project routes, with each parameter written as 1."""
    paths = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            paths += routed_paths(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            text = ROUTE_PARAMETER.sub("1", REGEX_PARAMETER.sub("1", text))
            paths.append("/" + text.replace("\\", ""))
    return sorted(set(paths))


@pytest.fixture
def owned_everything(alice, studio_settings, django_capture_on_commit_callbacks):
    """A conversation, turn and image with id 1 of alice's, for the routes to act on."""
    from conversations.planning import TurnRequest
    from conversations.services import create_conversation, start_turn

    conversation = create_conversation(owner=alice, title="Kept")
    with django_capture_on_commit_callbacks(execute=True):
        start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a kept fox"))
    return conversation


def state() -> tuple:
    return (
        list(Conversation.objects.values_list("pk", "title")),
        list(Turn.objects.values_list("pk", "status")),
        Image.objects.count(),
    )


def test_every_state_changing_request_without_a_token_is_refused(alice, owned_everything):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(alice)
    before = state()
    paths = routed_paths()
    assert "/api/conversations/1/turns/" in paths and "/accounts/logout/" in paths

    accepted = []
    for path in paths:
        for method in UNSAFE_METHODS:
            response = getattr(client, method)(path, {}, content_type="application/json")
            if response.status_code != 403 or b"CSRF" not in response.content:
                accepted.append(f"{method.upper()} {path}: {response.status_code}")

    assert accepted == []
    assert state() == before
    # Still signed in: logout without a token did nothing either.
    assert client.get("/api/conversations/").status_code == 200


def test_a_request_with_the_token_passes(alice, owned_everything):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get("/")  # sets the csrftoken cookie, as the studio page does
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/conversations/",
        {"title": "With a token"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
