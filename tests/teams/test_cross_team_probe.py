"""Someone from another team probes for a team's things with real and guessed ids.

Every read, write, media download and websocket join gets nothing: 404, or a refused
handshake, and the same answer for ids that exist and ids that do not.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Turn
from conversations.services import create_conversation
from teams.models import Invitation, Membership
from teams.services import create_invite_link, invite_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe(people):
    client = Client()
    client.force_login(people["outsider"])
    return client


@pytest.fixture
def targets(shared, team, alice, bob, people):
    turn = shared.turns.get()
    invite_user(team=team, invited_by=alice, username="charlie", role="viewer")
    named = Invitation.objects.get(invited_user=people["outsider"])
    # The probe may answer an invitation meant for him; the one below is someone else's.
    Membership.objects.filter(team=team, user=bob).delete()
    for_bob = invite_user(team=team, invited_by=alice, username="bob", role="viewer")
    named.delete()
    return {
        "conversation": shared.pk,
        "turn": turn.pk,
        "image": turn.images.get(role="final").pk,
        "team": team.pk,
        "member": team.memberships.get(user=alice).pk,
        "invitation": for_bob.pk,
    }


# Guessed ids stay clear of the prober's own team and conversation, which he may open.
GUESSES = [lambda real: real, lambda real: real + 1000, lambda real: 987654321]

REQUESTS = {
    "conversation": [
        ("get", "/api/conversations/{}/", None),
        ("get", "/c/{}/", None),
        ("patch", "/api/conversations/{}/", {"title": "mine"}),
        ("patch", "/api/conversations/{}/", {"team_id": None}),
        ("delete", "/api/conversations/{}/", None),
        ("post", "/api/conversations/{}/turns/", {"prompt": "hijack"}),
    ],
    "turn": [
        ("get", "/api/turns/{}/", None),
        ("post", "/api/turns/{}/cancel/", None),
        ("post", "/api/turns/{}/retry/", None),
    ],
    "image": [
        ("get", "/media/images/{}/", None),
        ("get", "/media/images/{}/?thumbnail=1", None),
        ("get", "/media/images/{}/?download=1", None),
    ],
    "team": [
        ("get", "/teams/{}/", None),
        ("post", "/teams/{}/rename/", {"name": "taken"}),
        ("post", "/teams/{}/invite/", {"username": "charlie", "role": "owner"}),
        ("post", "/teams/{}/links/", {"role": "owner"}),
        ("post", "/teams/{}/leave/", None),
        ("post", "/teams/{}/delete/", None),
    ],
    "invitation": [
        ("post", "/teams/invitations/{}/accept/", None),
        ("post", "/teams/invitations/{}/decline/", None),
    ],
}


@pytest.mark.parametrize("guess", range(len(GUESSES)), ids=["real", "guessed", "far"])
@pytest.mark.parametrize("kind", REQUESTS)
def test_every_request_for_another_teams_things_is_404(
    probe, targets, kind, guess, django_capture_on_commit_callbacks
):
    object_id = GUESSES[guess](targets[kind])
    before = _world()
    for method, url, body in REQUESTS[kind]:
        with django_capture_on_commit_callbacks(execute=True):
            if method in ("patch", "delete") or body is None:
                response = getattr(probe, method)(
                    url.format(object_id), body or {}, content_type="application/json"
                )
            elif url.startswith("/api/"):
                response = getattr(probe, method)(
                    url.format(object_id), body, content_type="application/json"
                )
            else:
                response = probe.post(url.format(object_id), body)
        assert response.status_code == 404, (method, url, response.content[:200])
        assert b"Night shift" not in response.content and b"lighthouse" not in response.content
    assert _world() == before


def test_member_actions_on_another_team_are_404(probe, targets):
    team, member = targets["team"], targets["member"]
    for action, data in (("role", {"role": "viewer"}), ("remove", {})):
        response = probe.post(f"/teams/{team}/members/{member}/{action}/", data)
        assert response.status_code == 404
    assert Membership.objects.get(pk=member).role == "owner"


def test_ids_inside_request_bodies_find_nothing(probe, targets, people, studio_settings):
    own = create_conversation(owner=people["outsider"], title="Mine")
    # Continue someone else's turn from his own conversation.
    response = probe.post(
        f"/api/conversations/{own.pk}/turns/",
        {"prompt": "continue theirs", "parent_id": targets["turn"]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "does not exist" in response.json()["error"]["message"]
    # Share his conversation into their team.
    response = probe.patch(
        f"/api/conversations/{own.pk}/",
        {"team_id": targets["team"]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not own.turns.exists()
    own.refresh_from_db()
    assert own.team_id is None


def test_another_teams_invitation_link_needs_its_token(probe, targets, team, alice):
    link = create_invite_link(team=team, invited_by=alice, role="viewer")
    near_miss = link.token[:-1] + ("x" if link.token[-1] != "x" else "y")
    for guess in (near_miss, str(link.pk), "0", "x" * 65):
        assert probe.get(f"/teams/join/{guess}/").status_code == 404
        assert probe.post(f"/teams/join/{guess}/").status_code == 404
    assert not team.memberships.filter(user__username="charlie").exists()


def test_nothing_of_theirs_is_listed(probe, targets):
    assert probe.get("/api/conversations/").json()["conversations"] == []
    assert [t["name"] for t in probe.get("/api/teams/").json()["teams"]] == ["Elsewhere"]
    assert b"Night shift" not in probe.get("/teams/").content


def _world() -> tuple:
    return (
        sorted(Turn.objects.values_list("id", "status", "conversation_id")),
        sorted(Membership.objects.values_list("team_id", "user_id", "role")),
        Invitation.objects.filter(revoked_at=None, accepted_at=None).count(),
    )
