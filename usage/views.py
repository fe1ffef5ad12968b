"""Usage pages (yours and your teams'), their CSV exports, and the composer's estimate."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from common.api import api_view
from common.errors import InvalidInput
from common.shortcuts import found_or_404
from common.translate import user_message
from conversations.models import Turn
from providers.models import Provider
from teams.access import teams_of
from upstream.capabilities import MAX_PARTIAL_IMAGES, get_model
from upstream.errors import InvalidRequest
from usage.export import csv_lines
from usage.forms import DateRangeForm
from usage.models import Budget
from usage.pricing import estimate_turn
from usage.report import usage_report
from usage.selectors import between, get_team_for_member, turns_of_team, turns_of_user


@login_required
@require_GET
def my_usage(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        turns=turns_of_user(request.user),
        budgets=Budget.objects.filter(user=request.user),
        heading=gettext("Your usage"),
        export_url=reverse("usage:export"),
        teams=teams_of(request.user),
    )


@login_required
@require_GET
def team_usage(request: HttpRequest, team_id: int) -> HttpResponse:
    team = found_or_404(get_team_for_member(request.user, team_id))
    return _page(
        request,
        turns=turns_of_team(team.pk),
        budgets=Budget.objects.filter(team=team),
        heading=gettext("Usage of %(team)s") % {"team": team.name},
        export_url=reverse("usage:team-export", args=[team.pk]),
        team=team,
    )


@login_required
@require_GET
def my_export(request: HttpRequest) -> StreamingHttpResponse:
    return _csv(request, turns_of_user(request.user), f"studio-usage-{request.user.pk}")


@login_required
@require_GET
def team_export(request: HttpRequest, team_id: int) -> StreamingHttpResponse:
    team = found_or_404(get_team_for_member(request.user, team_id))
    return _csv(request, turns_of_team(team.pk), f"studio-usage-team-{team.pk}")


@api_view(["GET"])
def estimate(request: HttpRequest) -> JsonResponse:
    params = request.GET
    model = params.get("model") or settings.STUDIO_IMAGE_MODEL
    api_mode = params.get("api_mode") or Turn.ApiMode.RESPONSES
    if api_mode not in Turn.ApiMode.values:
        raise InvalidInput(
            gettext("Unknown API mode %(mode)r.") % {"mode": api_mode}, field="api_mode"
        )
    options = {
        "size": params.get("size") or None,
        "quality": params.get("quality") or None,
        "partial_images": _count(params, "partial_images", 0, MAX_PARTIAL_IMAGES),
        "n": _count(params, "n", 1, 10),
    }
    # The provider's own prices, when the panel names one.
    provider_id = params.get("provider", "")
    provider = Provider.objects.filter(
        pk=int(provider_id) if provider_id.isdigit() else 0, enabled=True
    ).first()
    try:
        result = estimate_turn(
            model=model,
            api_mode=api_mode,
            options=options,
            prices=provider.prices if provider else None,
        )
    except InvalidRequest as exc:
        raise InvalidInput(user_message(exc), field=exc.param) from None
    return JsonResponse(
        {
            "model": model,
            "api_mode": api_mode,
            "tokens": result.tokens,
            "cost": float(result.cost),
            "priced": result.priced,
            "bills_per_image": not get_model(model).is_gpt_image,
        }
    )


def _page(request, *, turns, budgets, heading, export_url, team=None, teams=None):
    form = DateRangeForm(request.GET or None)
    start, end = form.dates()
    context = {
        "heading": heading,
        "team": team,
        "teams": teams,
        "form": form,
        "report": usage_report(turns, budgets, start=start, end=end),
        "export_url": f"{export_url}?start={start.isoformat()}&end={end.isoformat()}",
        "time_zone": timezone.get_current_timezone_name(),
    }
    # A range that was asked for and refused is a 400; the page still shows the default one.
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "usage/usage.html", context, status=status)


def _csv(request: HttpRequest, turns, stem: str) -> StreamingHttpResponse:
    form = DateRangeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = " ".join(message for errors in form.errors.values() for message in errors)
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    start, end = form.dates()
    response = StreamingHttpResponse(
        csv_lines(between(turns, start, end)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}-{start}-{end}.csv"'
    return response


def _count(params, name: str, low: int, high: int) -> int:
    raw = params.get(name) or str(low)
    # isdecimal() alone would let "²" or "٣" through to int().
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput(gettext("%(name)s must be a whole number.") % {"name": name}, field=name)
    return min(max(int(raw), low), high)
