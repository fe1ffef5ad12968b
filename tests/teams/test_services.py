"""Teams, roles and invitations: the rules a team keeps whoever asks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import InvalidInput
from conversations.models import Conversation
from conversations.services import share_conversation
from teams import services
from teams.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def test_the_creator_owns_a_new_team(alice):
    team = services.create_team(creator=alice, name="  Night shift ")
    assert team.name == "Night shift"
    assert team.memberships.get().role == Membership.Role.OWNER


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "bad\x00name", 7])
def test_a_team_needs_a_proper_name(alice, name):
    with pytest.raises(InvalidInput):
        services.create_team(creator=alice, name=name)


def test_inviting_by_username_waits_for_the_invitee(team, alice, carol):
    invitation = services.invite_user(team=team, invited_by=alice, username="CAROL", role="editor")
    assert not team.memberships.filter(user=carol).exists()
    membership = services.accept_invitation(invitation=invitation, user=carol)
    assert membership.role == Membership.Role.EDITOR
    invitation.refresh_from_db()
    assert not invitation.is_open


def test_an_invitation_is_only_for_its_invitee(team, alice, carol, charlie):
    invitation = services.invite_user(team=team, invited_by=alice, username="carol", role="viewer")
    with pytest.raises(InvalidInput) as refused:
        services.accept_invitation(invitation=invitation, user=charlie)
    assert refused.value.status == 404
    assert not team.memberships.filter(user=charlie).exists()


@pytest.mark.parametrize(
    ("username", "fragment"), [("nobody", "no user called"), ("alice", "already in this team")]
)
def test_inviting_someone_who_cannot_be_invited(team, alice, username, fragment):
    with pytest.raises(InvalidInput, match=fragment):
        services.invite_user(team=team, invited_by=alice, username=username, role="viewer")


def test_a_link_admits_several_people_until_it_expires(team, alice, carol, charlie):
    link = services.create_invite_link(team=team, invited_by=alice, role="viewer", hours=2)
    services.accept_invitation(invitation=link, user=carol)
    Invitation.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidInput) as expired:
        services.accept_invitation(invitation=link, user=charlie)
    assert expired.value.status == 410
    assert list(team.memberships.values_list("user__username", flat=True).order_by("user")) == [
        "alice",
        "bob",
        "carol",
    ]


def test_a_withdrawn_link_admits_nobody(team, alice, carol):
    link = services.create_invite_link(team=team, invited_by=alice, role="editor")
    services.revoke_invitation(invitation=link)
    with pytest.raises(InvalidInput):
        services.accept_invitation(invitation=link, user=carol)


@pytest.mark.parametrize("hours", [0, -1, 721, "soon", 1.5j])
def test_a_link_lifetime_must_be_sensible(team, alice, hours):
    with pytest.raises(InvalidInput, match="hour"):
        services.create_invite_link(team=team, invited_by=alice, role="viewer", hours=hours)


def test_joining_twice_keeps_one_membership(team, alice, carol):
    link = services.create_invite_link(team=team, invited_by=alice, role="viewer")
    first = services.accept_invitation(invitation=link, user=carol)
    second = services.accept_invitation(invitation=link, user=carol)
    assert first.pk == second.pk


def test_a_team_always_keeps_an_owner(team, alice, bob):
    owner = team.memberships.get(user=alice)
    for attempt in (
        lambda: services.change_role(membership=owner, role="editor"),
        lambda: services.remove_member(membership=owner),
    ):
        with pytest.raises(InvalidInput, match="needs an owner"):
            attempt()
    team.memberships.filter(user=bob).update(role=Membership.Role.OWNER)
    services.change_role(membership=owner, role="viewer")
    assert team.memberships.get(user=alice).role == "viewer"
    assert team.memberships.get(user=bob).role == "owner"


def test_an_unknown_role_is_refused(team, alice):
    with pytest.raises(InvalidInput, match="Choose a role"):
        services.change_role(membership=team.memberships.get(user=alice), role="admin")


def test_a_leaving_member_takes_their_conversations_along(team, bob, studio_settings):
    from conversations.services import create_conversation

    membership = team.memberships.get(user=bob)
    theirs = create_conversation(owner=bob, title="Bob's")
    share_conversation(conversation=theirs, team_id=team.pk)
    services.remove_member(membership=membership)
    theirs.refresh_from_db()
    assert theirs.team is None


def test_deleting_a_team_unshares_its_conversations(team, conversation):
    share_conversation(conversation=conversation, team_id=team.pk)
    services.delete_team(team=team)
    assert Conversation.objects.get(pk=conversation.pk).team is None


def test_a_conversation_is_shared_only_with_its_owners_teams(conversation, charlie):
    elsewhere = services.create_team(creator=charlie, name="Elsewhere")
    with pytest.raises(InvalidInput) as refused:
        share_conversation(conversation=conversation, team_id=elsewhere.pk)
    assert refused.value.status == 404
