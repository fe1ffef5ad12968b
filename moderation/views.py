"""The staff review queue and its media, flags from anyone, and the standing notice.

Everything staff-only answers 404 to everyone else, signed in or not: the queue's
existence is nobody else's business.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from common.api import api_view
from common.errors import InvalidInput
from common.rate_limits import check_creation_rate
from conversations.selectors import get_image_for_user
from galleries.selectors import get_item_for_user
from moderation import services
from moderation.forms import DecisionForm, QueueFilterForm
from moderation.models import Decision, Flag
from moderation.selectors import (
    get_cases_for_staff,
    is_staff,
    review_cards,
    review_queue,
)

PAGE_SIZE = 30


def staff_only(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- Staff --------------------------------------------------------------------------------


@staff_only
@require_GET
def review_queue_page(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    cases = review_queue(filters.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "cards": review_cards(list(page.object_list)),
        "decision_form": DecisionForm(),
        "query": query.urlencode(),
        "here": request.get_full_path(),
    }
    return render(request, "moderation/queue.html", context)


@staff_only
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    form = DecisionForm(request.POST)
    cases = get_cases_for_staff(request.user, request.POST.getlist("case"))
    if not cases:
        messages.error(request, gettext("Select at least one case first."))
    elif not form.is_valid():
        messages.error(
            request, gettext("Choose keep, hide or remove; notes are at most 1000 characters.")
        )
    else:
        services.decide_cases(actor=request.user, cases=cases, **form.cleaned_data)
        action = Decision.Action(form.cleaned_data["action"]).label.lower()
        decided = ngettext(
            "Decided %(count)s case: %(action)s.",
            "Decided %(count)s cases: %(action)s.",
            len(cases),
        )
        messages.success(request, decided % {"count": len(cases), "action": action})
    return redirect(_back(request, reverse("moderation:queue")))


@staff_only
@require_POST
def lift_suspension(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    if services.lift_suspension(actor=request.user, user=user, note=request.POST.get("note")):
        messages.success(
            request, gettext("%(name)s may start images again.") % {"name": user.get_username()}
        )
    return redirect(_back(request, reverse("moderation:queue")))


# --- Everyone -----------------------------------------------------------------------------


@api_view(["POST"])
def flag_image(request: HttpRequest, image_id: int) -> JsonResponse:
    image = get_image_for_user(request.user, image_id)
    if image is None:
        raise Http404
    fields = _flag_fields(request)
    check_creation_rate(request.user, "flag")
    result = services.flag_image(reporter=request.user, image=image, **fields)
    return JsonResponse(
        {"flag": _present_flag(result.flag), "merged": result.merged},
        status=200 if result.merged else 201,
    )


@api_view(["POST"])
def flag_gallery_item(request: HttpRequest, item_id: int) -> JsonResponse:
    item = get_item_for_user(request.user, item_id)
    if item is None:
        raise Http404
    fields = _flag_fields(request)
    check_creation_rate(request.user, "flag")
    result = services.flag_image(
        reporter=request.user, image=item.image, gallery_item=item, **fields
    )
    return JsonResponse(
        {"flag": _present_flag(result.flag), "merged": result.merged},
        status=200 if result.merged else 201,
    )


@login_required
@require_POST
def dismiss_notice(request: HttpRequest) -> HttpResponse:
    services.dismiss_warning(user=request.user)
    return redirect(_back(request, reverse("conversations:studio")))


# --- Helpers ------------------------------------------------------------------------------


def _flag_fields(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput(gettext("The request body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise InvalidInput(gettext("The request body must be a JSON object."))
    return {"reason": body.get("reason"), "note": body.get("note") or ""}


def _present_flag(flag: Flag) -> dict:
    return {
        "id": flag.pk,
        "image_id": flag.case.image_id,
        "gallery_item_id": flag.gallery_item_id,
        "reason": flag.reason,
        "note": flag.note,
        "created_at": flag.created_at.isoformat(),
        "updated_at": flag.updated_at.isoformat(),
    }


def _back(request: HttpRequest, default: str) -> str:
    """Where a form came from (its ``next`` field), if that is on this site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target else default
