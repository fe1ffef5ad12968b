"""Team pages: plain forms posted to small actions, each checking the member's role.

Outsiders get 404 for everything about a team; members without the role get 403 with a
sentence saying who can do it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.api import api_view
from common.errors import InvalidInput
from common.ids import is_id
from common.rate_limits import check_creation_rate
from common.shortcuts import found_or_404
from providers.presenters import team_policy_form
from providers.services import ProviderInputError, set_team_policy
from teams import selectors, services
from teams.access import get_membership, memberships_of
from teams.models import Invitation, Membership

OWNERS_ONLY = gettext_lazy("Only the team's owners can do that.")


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            team = services.create_team(creator=request.user, name=request.POST.get("name"))
        except InvalidInput as exc:
            return _team_list_page(request, error=exc)
        return redirect("teams:detail", team_id=team.pk)
    return _team_list_page(request)


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    return _team_page(request, found_or_404(get_membership(request.user, team_id)))


@login_required
@require_POST
def team_action(request: HttpRequest, team_id: int, action: str) -> HttpResponse:
    membership = found_or_404(get_membership(request.user, team_id))
    handler = TEAM_ACTIONS.get(action)
    if handler is None:
        raise Http404
    return _run(request, membership, handler)


@login_required
@require_POST
def member_action(request: HttpRequest, team_id: int, member_id: int, action: str) -> HttpResponse:
    membership = found_or_404(get_membership(request.user, team_id))
    if action not in ("role", "remove"):
        raise Http404
    target = membership.team.memberships.filter(pk=member_id).first() if is_id(member_id) else None
    if target is None:
        raise Http404

    def act(request: HttpRequest, membership: Membership) -> str:
        _require_owner(membership)
        if action == "role":
            services.change_role(membership=target, role=request.POST.get("role"))
            role = Membership.Role(target.role).label.lower()
            return _("%(name)s is now %(role)s.") % {
                "name": target.user.get_username(),
                "role": role,
            }
        services.remove_member(membership=target)
        return _("%(name)s was removed from the team.") % {"name": target.user.get_username()}

    return _run(request, membership, act)


@login_required
@require_POST
def invitation_answer(request: HttpRequest, invitation_id: int, answer: str) -> HttpResponse:
    invitation = selectors.invitation_for_invitee(request.user, invitation_id)
    if invitation is None or answer not in ("accept", "decline"):
        raise Http404
    try:
        if answer == "decline":
            services.decline_invitation(invitation=invitation)
            messages.info(
                request,
                _("You declined the invitation to %(team)s.") % {"team": invitation.team.name},
            )
            return redirect("teams:list")
        services.accept_invitation(invitation=invitation, user=request.user)
    except InvalidInput as exc:
        return _team_list_page(request, error=exc)
    messages.success(request, _("You joined %(team)s.") % {"team": invitation.team.name})
    return redirect("teams:detail", team_id=invitation.team_id)


@login_required
def join_by_link(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.open_link(token)
    if invitation is None:
        return render(request, "teams/join.html", {"invitation": None}, status=404)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation=invitation, user=request.user)
        except InvalidInput as exc:
            return _team_list_page(request, error=exc)
        messages.success(request, _("You joined %(team)s.") % {"team": invitation.team.name})
        return redirect("teams:detail", team_id=invitation.team_id)
    already = get_membership(request.user, invitation.team_id) is not None
    return render(request, "teams/join.html", {"invitation": invitation, "already": already})


@api_view(["GET"])
def teams_json(request: HttpRequest) -> JsonResponse:
    """The user's teams, for the studio page's share menu."""
    memberships = memberships_of(request.user).select_related("team").order_by("team__name")
    return JsonResponse(
        {"teams": [{"id": m.team_id, "name": m.team.name, "role": m.role} for m in memberships]}
    )


# --- Actions on a team --------------------------------------------------------------------


def _rename(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    services.rename_team(team=membership.team, name=request.POST.get("name"))
    return _("The team was renamed.")


def _delete(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    services.delete_team(team=membership.team)
    return _("%(team)s was deleted.") % {"team": membership.team.name}


def _invite(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    check_creation_rate(request.user, "invitation")
    invitation = services.invite_user(
        team=membership.team,
        invited_by=request.user,
        username=request.POST.get("username"),
        role=request.POST.get("role"),
    )
    return _("%(name)s is invited; they accept on their Teams page.") % {
        "name": invitation.invited_user.get_username()
    }


def _create_link(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    check_creation_rate(request.user, "link")
    services.create_invite_link(
        team=membership.team,
        invited_by=request.user,
        role=request.POST.get("role"),
        hours=request.POST.get("hours"),
    )
    return _("A new invitation link is ready below.")


def _revoke(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    invitation_id = request.POST.get("invitation_id")
    invitations = membership.team.invitations
    invitation = invitations.filter(pk=invitation_id).first() if is_id(invitation_id) else None
    if invitation is None:
        raise InvalidInput(_("That invitation does not exist."), status=404)
    services.revoke_invitation(invitation=invitation)
    return _("The invitation was withdrawn.")


def _leave(request: HttpRequest, membership: Membership) -> str:
    services.remove_member(membership=membership)
    return _("You left %(team)s.") % {"team": membership.team.name}


def _limit_models(request: HttpRequest, membership: Membership) -> str:
    _require_owner(membership)
    form = request.POST
    try:
        set_team_policy(
            team=membership.team,
            by=request.user,
            provider_ids=[int(v) for v in form.getlist("providers") if v.isdigit()],
            models=form.getlist("models"),
            default=form.get("default", ""),
        )
    except ProviderInputError as exc:
        raise InvalidInput(exc.message, field=exc.field) from None
    return _("The team's providers and models are saved.")


TEAM_ACTIONS: dict[str, Callable[[HttpRequest, Membership], str]] = {
    "models": _limit_models,
    "rename": _rename,
    "delete": _delete,
    "invite": _invite,
    "links": _create_link,
    "revoke": _revoke,
    "leave": _leave,
}


# --- Helpers ------------------------------------------------------------------------------


def _run(request: HttpRequest, membership: Membership, action) -> HttpResponse:
    try:
        message = action(request, membership)
    except InvalidInput as exc:
        return _team_page(request, membership, error=exc)
    messages.success(request, message)
    if get_membership(request.user, membership.team_id) is None:
        return redirect("teams:list")
    return redirect("teams:detail", team_id=membership.team_id)


def _require_owner(membership: Membership) -> None:
    if not membership.is_owner:
        raise InvalidInput(str(OWNERS_ONLY), status=403)


def _team_list_page(request: HttpRequest, *, error: InvalidInput | None = None) -> HttpResponse:
    context = {
        "memberships": memberships_of(request.user).select_related("team").order_by("team__name"),
        "invitations": selectors.open_invitations_for(request.user),
        "error": error,
    }
    return render(request, "teams/list.html", context, status=error.status if error else 200)


def _team_page(
    request: HttpRequest, membership: Membership, *, error: InvalidInput | None = None
) -> HttpResponse:
    team = membership.team
    context = {
        "team": team,
        "membership": membership,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "conversations": selectors.shared_conversations(team),
        "galleries": team.galleries.order_by("name"),
        "roles": Membership.Role.choices,
        "error": error,
    }
    if membership.is_owner:
        context["model_policy"] = team_policy_form(team)
        context["invitations"] = [
            (invitation, _join_url(request, invitation))
            for invitation in selectors.open_invitations_of(team)
        ]
    return render(request, "teams/detail.html", context, status=error.status if error else 200)


def _join_url(request: HttpRequest, invitation: Invitation) -> str | None:
    if not invitation.is_link:
        return None
    return request.build_absolute_uri(reverse("teams:join", args=[invitation.token]))
