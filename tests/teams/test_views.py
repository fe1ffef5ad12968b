"""Team pages, role by action: owners manage, members see and leave, outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from teams.models import Invitation, Membership, Team
from teams.services import create_invite_link

pytestmark = pytest.mark.django_db

ROLES = ["co_owner", "editor", "viewer", "outsider"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team_action(team, action, **data):
    return f"/teams/{team.pk}/{action}/", data


def member_action(team, user, action, **data):
    member = team.memberships.get(user__username=user)
    return f"/teams/{team.pk}/members/{member.pk}/{action}/", data


# Each action, and the status each role gets: owners act, members are told why not (403),
# outsiders learn nothing (404).
ACTIONS = {
    "rename": (lambda t: team_action(t, "rename", name="Day shift"), [302, 403, 403, 404]),
    "invite": (
        lambda t: team_action(t, "invite", username="erin", role="viewer"),
        [302, 403, 403, 404],
    ),
    "create link": (
        lambda t: team_action(t, "links", role="viewer", hours=5),
        [302, 403, 403, 404],
    ),
    "change role": (
        lambda t: member_action(t, "carol", "role", role="editor"),
        [302, 403, 403, 404],
    ),
    "remove member": (lambda t: member_action(t, "carol", "remove"), [302, 403, 403, 404]),
    "delete": (lambda t: team_action(t, "delete"), [302, 403, 403, 404]),
    "leave": (lambda t: team_action(t, "leave"), [302, 302, 302, 404]),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_role_by_action(team, people, role, action, django_user_model):
    django_user_model.objects.create_user("erin", password="correct-horse-9")
    build, statuses = ACTIONS[action]
    url, data = build(team)
    before = _team_state(team)
    response = client_for(people[role]).post(url, data)
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, response.content[:300]
    if expected != 302:
        assert _team_state(team) == before, "a refused action changed the team"
    if expected == 403:
        assert b"Only the team&#x27;s owners" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_viewing_the_team_page(team, people, role):
    response = client_for(people[role]).get(f"/teams/{team.pk}/")
    if role == "outsider":
        assert response.status_code == 404
        assert b"Night shift" not in response.content
        return
    assert response.status_code == 200
    # Only owners see the invitation forms.
    assert (b'id="invite-user"' in response.content) == (role == "co_owner")


def test_revoking_an_invitation(team, people, alice):
    link = create_invite_link(team=team, invited_by=alice, role="viewer")
    for role, status in [("viewer", 403), ("outsider", 404), ("co_owner", 302)]:
        response = client_for(people[role]).post(
            f"/teams/{team.pk}/revoke/", {"invitation_id": link.pk}
        )
        assert response.status_code == status
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_an_owner_can_only_revoke_their_own_teams_invitations(team, people):
    elsewhere = Team.objects.get(name="Elsewhere")
    foreign = create_invite_link(team=elsewhere, invited_by=people["outsider"], role="viewer")
    response = client_for(people["co_owner"]).post(
        f"/teams/{team.pk}/revoke/", {"invitation_id": foreign.pk}
    )
    assert response.status_code == 404
    assert Invitation.objects.get(pk=foreign.pk).revoked_at is None


def test_creating_a_team_from_the_page(alice):
    client = client_for(alice)
    response = client.post("/teams/", {"name": "Owls"})
    team = Team.objects.get(name="Owls")
    assert response.status_code == 302 and response["Location"] == f"/teams/{team.pk}/"
    refused = client.post("/teams/", {"name": "   "})
    assert refused.status_code == 400 and b"Give the team a name" in refused.content


def test_an_invitee_accepts_from_their_teams_page(team, alice, carol):
    owner = client_for(alice)
    owner.post(f"/teams/{team.pk}/invite/", {"username": "carol", "role": "editor"})
    invitee = client_for(carol)
    page = invitee.get("/teams/")
    assert b"Night shift" in page.content and b"Accept" in page.content
    invitation = Invitation.objects.get(invited_user=carol)
    # Nobody else can answer carol's invitation, not even by guessing its id.
    assert client_for(alice).post(f"/teams/invitations/{invitation.pk}/accept/").status_code == 404
    response = invitee.post(f"/teams/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302
    assert team.memberships.get(user=carol).role == "editor"


def test_joining_by_link(team, alice, carol):
    link = create_invite_link(team=team, invited_by=alice, role="viewer", hours=1)
    invitee = client_for(carol)
    page = invitee.get(f"/teams/join/{link.token}/")
    assert page.status_code == 200 and b"Join Night shift" in page.content
    assert invitee.post(f"/teams/join/{link.token}/").status_code == 302
    assert team.memberships.get(user=carol).role == Membership.Role.VIEWER
    assert invitee.get("/teams/join/not-a-real-token/").status_code == 404


def test_a_withdrawn_link_page_says_so(team, alice, carol):
    link = create_invite_link(team=team, invited_by=alice, role="viewer")
    client_for(alice).post(f"/teams/{team.pk}/revoke/", {"invitation_id": link.pk})
    response = client_for(carol).post(f"/teams/join/{link.token}/")
    assert response.status_code == 404 and b"does not work" in response.content
    assert not team.memberships.filter(user=carol).exists()


def test_the_last_owner_is_told_why_they_cannot_leave(team, alice):
    response = client_for(alice).post(f"/teams/{team.pk}/leave/")
    assert response.status_code == 400 and b"needs an owner" in response.content


def test_team_pages_need_a_login(team, client):
    response = client.get(f"/teams/{team.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/teams/").status_code == 401


def test_the_teams_json_lists_only_my_teams(team, people):
    teams = client_for(people["editor"]).get("/api/teams/").json()["teams"]
    assert teams == [{"id": team.pk, "name": "Night shift", "role": "editor"}]


def _team_state(team) -> tuple:
    team_row = Team.objects.filter(pk=team.pk).values_list("name").first()
    members = sorted(Membership.objects.filter(team=team).values_list("user__username", "role"))
    open_invitations = Invitation.objects.filter(team=team, revoked_at=None).count()
    return team_row, members, open_invitations
