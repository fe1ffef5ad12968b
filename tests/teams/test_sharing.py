"""A shared conversation, role by action: viewers watch, editors add turns, owners manage."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Conversation, Turn

pytestmark = pytest.mark.django_db

ROLES = ["owner", "co_owner", "editor", "viewer", "outsider"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def final_image(conversation):
    return conversation.turns.get().images.get(role="final")


# (method, url, json body) for each action, then the status each role gets, in ROLES order.
ACTIONS = {
    "read": (lambda c: ("get", f"/api/conversations/{c.pk}/", None), [200, 200, 200, 200, 404]),
    "open page": (lambda c: ("get", f"/c/{c.pk}/", None), [200, 200, 200, 200, 404]),
    "media": (
        lambda c: ("get", f"/media/images/{final_image(c).pk}/?thumbnail=1", None),
        [200, 200, 200, 200, 404],
    ),
    "add turn": (
        lambda c: ("post", f"/api/conversations/{c.pk}/turns/", {"prompt": "now at dusk"}),
        [201, 201, 201, 403, 404],
    ),
    "branch": (
        lambda c: (
            "post",
            f"/api/conversations/{c.pk}/turns/",
            {"prompt": "in winter", "parent_id": c.turns.get().pk},
        ),
        [201, 201, 201, 403, 404],
    ),
    "retry": (
        lambda c: ("post", f"/api/turns/{c.turns.get().pk}/retry/", None),
        [201, 201, 201, 403, 404],
    ),
    "cancel": (
        lambda c: ("post", f"/api/turns/{c.turns.get().pk}/cancel/", None),
        [200, 200, 200, 403, 404],
    ),
    "rename": (
        lambda c: ("patch", f"/api/conversations/{c.pk}/", {"title": "Mine now"}),
        [200, 403, 403, 403, 404],
    ),
    "unshare": (
        lambda c: ("patch", f"/api/conversations/{c.pk}/", {"team_id": None}),
        [200, 403, 403, 403, 404],
    ),
    "delete": (
        lambda c: ("delete", f"/api/conversations/{c.pk}/", None),
        [204, 403, 403, 403, 404],
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_role_by_action(shared, people, role, action, django_capture_on_commit_callbacks):
    build, statuses = ACTIONS[action]
    method, url, body = build(shared)
    before = _state(shared)
    client = client_for(people[role])
    with django_capture_on_commit_callbacks(execute=True):
        if body is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, body, content_type="application/json")
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert _state(shared) == before, "a refused request changed the conversation"
    if expected == 403:
        assert response.json()["error"]["message"]


def test_a_team_editor_is_the_author_of_the_turn_they_add(
    shared, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["editor"]).post(
            f"/api/conversations/{shared.pk}/turns/",
            {"prompt": "with a boat"},
            content_type="application/json",
        )
    turn = Turn.objects.get(pk=response.json()["id"])
    assert turn.author == people["editor"] and turn.status == "completed"


def test_permissions_tell_the_page_what_to_offer(shared, people):
    expected = {
        "owner": {"add_turns": True, "manage": True},
        "editor": {"add_turns": True, "manage": False},
        "viewer": {"add_turns": False, "manage": False},
    }
    for role, permissions in expected.items():
        snapshot = client_for(people[role]).get(f"/api/conversations/{shared.pk}/").json()
        assert snapshot["permissions"] == permissions
        assert snapshot["conversation"]["team"]["name"] == "Night shift"


def test_shared_conversations_are_listed_for_members_only(shared, people):
    for role in ROLES:
        listed = client_for(people[role]).get("/api/conversations/").json()["conversations"]
        assert ([c["id"] for c in listed] == [shared.pk]) == (role != "outsider")


def test_sharing_from_the_api(conversation, team, alice, people):
    client = client_for(alice)
    url = f"/api/conversations/{conversation.pk}/"
    shared = client.patch(url, {"team_id": team.pk}, content_type="application/json")
    assert shared.json()["team"] == {"id": team.pk, "name": "Night shift"}
    for bad in ("abc", 10**30, True, [team.pk]):
        response = client.patch(url, {"team_id": bad}, content_type="application/json")
        assert response.status_code == 404, bad
    assert Conversation.objects.get(pk=conversation.pk).team_id == team.pk


def _state(conversation) -> tuple:
    row = Conversation.objects.filter(pk=conversation.pk).values("title", "team_id").first()
    turns = sorted(Turn.objects.filter(conversation=conversation).values_list("id", "status"))
    return row, turns
