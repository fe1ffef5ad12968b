"""Staff pages: providers, their models, the site's default model. Outsiders get 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from providers import services
from providers.models import Provider, ProviderModel, SiteDefault
from providers.presenters import model_status
from providers.presets import ENDPOINT_LABELS, presented_presets
from providers.selection import offers_for


def staff_only(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@staff_only
def provider_list(request: HttpRequest) -> HttpResponse:
    site = SiteDefault.objects.first()
    return render(
        request,
        "providers/list.html",
        {
            "providers": Provider.objects.all(),
            "presets": presented_presets(),
            "offers": offers_for(None),
            "site_default": f"{site.provider_id}:{site.model}" if site and site.provider_id else "",
        },
    )


@require_POST
@staff_only
def provider_add(request: HttpRequest) -> HttpResponse:
    form = request.POST
    with _reported(request):
        provider = services.create_provider(
            name=form.get("name", ""),
            preset=form.get("preset", ""),
            base_url=form.get("base_url", ""),
            api_key=form.get("api_key", ""),
        )
        messages.success(request, gettext("Added %(provider)s.") % {"provider": provider.name})
        return redirect("providers:detail", provider.pk)
    return redirect("providers:list")


@require_GET
@staff_only
def provider_detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=provider_id)
    rows = [(row, model_status(row)) for row in provider.models.all()]
    return render(
        request,
        "providers/detail.html",
        {
            "provider": provider,
            "rows": rows,
            "endpoints": ENDPOINT_LABELS.items(),
            "wire_profiles": Provider.WireProfile.choices,
            "prices_json": json.dumps(provider.prices, indent=1),
        },
    )


@require_POST
@staff_only
def provider_edit(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=provider_id)
    form = request.POST
    with _reported(request):
        changes = {
            "name": form.get("name"),
            "base_url": form.get("base_url"),
            "wire_profile": form.get("wire_profile"),
            "enabled": form.get("enabled") == "on",
            "endpoints": form.getlist("endpoints"),
            "images_streaming": form.get("images_streaming") == "on",
            "stored_ids": form.get("stored_ids") == "on",
            "background_resume": form.get("background_resume") == "on",
            "max_retries": form.get("max_retries"),
            "timeout_seconds": form.get("timeout_seconds"),
            "openai_lineup": form.get("openai_lineup") == "on",
            "prices": _json_field(form.get("prices", ""), "prices"),
        }
        services.update_provider(
            provider=provider, changes=changes, api_key=form.get("api_key", "")
        )
        messages.success(request, gettext("Saved."))
    return redirect("providers:detail", provider.pk)


@require_POST
@staff_only
def provider_action(request: HttpRequest, provider_id: int, action: str) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=provider_id)
    with _reported(request):
        if action == "test":
            check = services.test_connection(provider)
            (messages.success if check.ok else messages.error)(request, check.verdict)
        elif action == "refresh":
            messages.success(request, services.refresh_provider_models(provider=provider))
        elif action == "disable":
            services.disable_provider(provider=provider)
            messages.success(
                request, gettext("%(provider)s is disabled.") % {"provider": provider.name}
            )
        else:
            raise Http404
    return redirect("providers:detail", provider.pk)


@require_POST
@staff_only
def model_edit(request: HttpRequest, provider_id: int, model_id: int) -> HttpResponse:
    row = get_object_or_404(ProviderModel, pk=model_id, provider_id=provider_id)
    form = request.POST
    with _reported(request):
        services.update_model(
            row=row,
            offered=form.get("offered") == "on",
            confirmed=form.get("confirmed") == "on",
            available=form.get("available") == "on",
            overrides=_json_field(form.get("overrides", ""), "overrides"),
        )
        messages.success(request, gettext("Saved %(model)s.") % {"model": row.name})
    return redirect("providers:detail", provider_id)


@require_POST
@staff_only
def site_default(request: HttpRequest) -> HttpResponse:
    provider_id, _, model = request.POST.get("default", "").partition(":")
    provider = get_object_or_404(Provider, pk=provider_id if provider_id.isdigit() else 0)
    with _reported(request):
        services.set_site_default(provider=provider, model=model)
        messages.success(
            request,
            gettext("New turns use %(model)s at %(provider)s by default.")
            % {"model": model, "provider": provider.name},
        )
    return redirect("providers:list")


class _reported:
    """Turns a ProviderInputError into a message on the next page instead of a 500."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, traceback) -> bool:
        if isinstance(exc, services.ProviderInputError):
            messages.error(self.request, exc.message)
            return True
        return False


_NOT_JSON = {
    "prices": gettext_lazy("The prices are not valid JSON."),
    "overrides": gettext_lazy("The overrides are not valid JSON."),
}


def _json_field(raw: str, field: str):
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise services.ProviderInputError(str(_NOT_JSON[field]), field=field) from None
