"""Providers and models as JSON for pages; never the key, only its last four characters."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from providers.clients import profile_for
from providers.models import Provider, ProviderModel
from providers.selection import (
    Offer,
    default_model,
    default_model_for,
    default_provider,
    offers_for,
    team_default_provider,
    team_policy,
)
from upstream.capabilities import allowed_choices


def present_options(team=None) -> dict[str, Any]:
    """The options panel's models, grouped by provider, with the default to preselect."""
    offers = offers_for(team)
    models: dict[str, Any] = {}
    groups: dict[int, dict[str, Any]] = {}
    for offer in offers:
        models[offer.key] = _present_offer(offer)
        group = groups.setdefault(
            offer.provider.pk, {"id": offer.provider.pk, "name": offer.provider.name, "models": []}
        )
        group["models"].append(offer.key)
    return {
        "models": models,
        "providers": list(groups.values()),
        "default_model": _default_key(offers, team),
    }


def _present_offer(offer: Offer) -> dict[str, Any]:
    choices = allowed_choices(offer.model, profile_for(offer.provider), offer.spec)
    modes = [m for m in choices["modes"] if m in offer.provider.endpoints]
    return {
        **choices,
        "model": offer.model,
        "modes": modes,
        "provider_id": offer.provider.pk,
        "provider": offer.provider.name,
        "status": "verified" if offer.spec.known else "unverified",
        "shutdown_date": offer.shutdown.isoformat() if offer.shutdown else None,
        "warning": offer.warning,
    }


def _default_key(offers: list[Offer], team) -> str | None:

    policy = team_policy(team)
    provider = team_default_provider(policy) or default_provider()
    wanted = {
        f"{provider.pk}:{default_model_for(provider, policy)}",
        f"{provider.pk}:{default_model()}",
    }
    for offer in offers:
        if offer.key in wanted:
            return offer.key
    return offers[0].key if offers else None


def present_provider(provider: Provider) -> dict[str, Any]:
    return {
        "id": provider.pk,
        "name": provider.name,
        "base_url": provider.base_url,
        "key": provider.key_hint,
        "preset": provider.preset,
        "wire_profile": provider.wire_profile,
        "enabled": provider.enabled,
        "endpoints": provider.endpoints,
        "images_streaming": provider.images_streaming,
        "stored_ids": provider.stored_ids,
        "background_resume": provider.background_resume,
        "max_retries": provider.max_retries,
        "timeout_seconds": provider.timeout_seconds,
        "prices": provider.prices,
        "models_refreshed_at": (
            provider.models_refreshed_at.isoformat() if provider.models_refreshed_at else None
        ),
    }


def model_status(row: ProviderModel) -> str:
    if row.unavailable:
        return _("unavailable")
    if not row.listed:
        return _("no longer listed")
    if row.is_retired():
        return _("retired")
    if row.retires_soon():
        return _("shuts down %(date)s") % {"date": date_format(row.effective_shutdown())}
    if row.kind != ProviderModel.Kind.IMAGE and not row.confirmed:
        return _("not an image model") if row.kind == ProviderModel.Kind.TEXT else _("unverified")
    from providers.capabilities import is_known

    return _("verified") if is_known(row.name) or row.confirmed else _("unverified")


def team_policy_form(team) -> dict[str, Any]:
    """What a team owner's form shows: every enabled provider and offered model, and which
    of them the team is limited to (nothing ticked: all of them)."""
    policy = team_policy(team)
    providers = {p.pk for p in policy.allowed_providers.all()} if policy else set()
    models = set(policy.allowed_models) if policy else set()
    default = (
        f"{policy.default_provider_id}:{policy.default_model}"
        if policy and policy.default_model
        else ""
    )
    offers = offers_for(None)
    return {
        "providers": [
            {"id": p.pk, "name": p.name, "checked": p.pk in providers}
            for p in Provider.objects.filter(enabled=True)
        ],
        "models": [
            {"key": o.key, "label": f"{o.provider.name} · {o.model}", "checked": o.key in models}
            for o in offers
        ],
        "default": default,
    }
