"""Every change to a team: creating it, its members, their roles and invitations."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import InvalidInput
from common.text import clean_text
from conversations.events import check_access_on_commit
from conversations.models import Conversation
from teams.models import Invitation, Membership, Team

NAME_MAX = 100
LINK_HOURS_DEFAULT = 72
LINK_HOURS_MAX = 24 * 30
INVITATION_DAYS = 14
# Whole sentences rather than a verb pasted into one: word order differs between languages.
NEEDS_AN_OWNER = {
    "demote": gettext_lazy(
        "A team needs an owner: make someone else an owner before you demote the last one, "
        "or delete the team."
    ),
    "remove": gettext_lazy(
        "A team needs an owner: make someone else an owner before you remove the last one, "
        "or delete the team."
    ),
}


def create_team(*, creator, name: str) -> Team:
    name = _team_name(name)
    with transaction.atomic():
        team = Team.objects.create(name=name, created_by=creator)
        Membership.objects.create(team=team, user=creator, role=Membership.Role.OWNER)
    return team


def rename_team(*, team: Team, name: str) -> Team:
    team.name = _team_name(name)
    team.save(update_fields=["name"])
    return team


def delete_team(*, team: Team) -> None:
    member_ids = list(team.memberships.values_list("user_id", flat=True))
    with transaction.atomic():
        # Shared conversations stay with their owners, unshared.
        team.delete()
        check_access_on_commit(user_ids=member_ids)


# --- Members ------------------------------------------------------------------------------


def change_role(*, membership: Membership, role: str) -> Membership:
    role = _role(role)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_owner and role != Membership.Role.OWNER:
            _keep_an_owner(membership, "demote")
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership: Membership) -> None:
    """Remove a member (or let one leave): their access ends at once, open sockets too."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.is_owner:
            _keep_an_owner(membership, "remove")
        # Their own conversations leave the team with them.
        theirs = Conversation.objects.filter(
            owner_id=membership.user_id, team_id=membership.team_id
        )
        unshared = list(theirs.values_list("pk", flat=True))
        theirs.update(team=None, updated_at=timezone.now())
        membership.delete()
        check_access_on_commit(conversation_ids=unshared, user_ids=[membership.user_id])


def _keep_an_owner(membership: Membership, verb: str) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(team_id=membership.team_id, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise InvalidInput(
            str(NEEDS_AN_OWNER[verb]),
            field="role",
        )


# --- Invitations --------------------------------------------------------------------------


def invite_user(*, team: Team, invited_by, username: str, role: str) -> Invitation:
    username = clean_text(username, field="username", max_length=150).strip()
    user = get_user_model().objects.filter(username__iexact=username).first()
    if user is None:
        raise InvalidInput(
            _("There is no user called “%(name)s”.") % {"name": username[:40]}, field="username"
        )
    if team.memberships.filter(user=user).exists():
        raise InvalidInput(
            _("%(name)s is already in this team.") % {"name": user.get_username()},
            field="username",
        )
    with transaction.atomic():
        # A new invitation replaces any earlier one still waiting for that person.
        team.invitations.filter(invited_user=user, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        return Invitation.objects.create(
            team=team,
            invited_user=user,
            role=_role(role),
            created_by=invited_by,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )


def create_invite_link(*, team: Team, invited_by, role: str, hours: object = None) -> Invitation:
    hours = LINK_HOURS_DEFAULT if hours in (None, "") else hours
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        raise InvalidInput(_("A link's lifetime is a number of hours."), field="hours") from None
    if not 1 <= hours <= LINK_HOURS_MAX:
        raise InvalidInput(
            _("A link can last from 1 hour to %(days)s days.") % {"days": LINK_HOURS_MAX // 24},
            field="hours",
        )
    return Invitation.objects.create(
        team=team,
        role=_role(role),
        created_by=invited_by,
        expires_at=timezone.now() + timedelta(hours=hours),
    )


def accept_invitation(*, invitation: Invitation, user) -> Membership:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_link and invitation.invited_user_id != user.pk:
            raise InvalidInput(_("Not found."), status=404)
        if not invitation.is_open:
            raise InvalidInput(_("This invitation has expired or was withdrawn."), status=410)
        existing = invitation.team.memberships.filter(user=user).first()
        if not invitation.is_link:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
        if existing is not None:
            return existing
        return Membership.objects.create(team=invitation.team, user=user, role=invitation.role)


def decline_invitation(*, invitation: Invitation) -> None:
    revoke_invitation(invitation=invitation)


def revoke_invitation(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, revoked_at=None).update(revoked_at=timezone.now())


def _team_name(name: object) -> str:
    name = clean_text(name, field="name", max_length=NAME_MAX).strip()
    if not name:
        raise InvalidInput(_("Give the team a name."), field="name")
    return name


def _role(role: object) -> str:
    if role not in Membership.Role.values:
        raise InvalidInput(_("Choose a role: owner, editor or viewer."), field="role")
    return role
