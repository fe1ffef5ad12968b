"""Every write about providers: staff's changes, keys, catalogue marks, defaults, team limits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy, ngettext

from providers.capabilities import check_overrides
from providers.catalogue import refresh_models
from providers.clients import client_for
from providers.models import Provider, ProviderModel, SiteDefault, TeamModelPolicy
from providers.presets import ENDPOINTS, get_preset, switches
from providers.seeding import set_key
from upstream import errors

log = logging.getLogger(__name__)

# The number fields as the provider page labels them, for messages about them.
FIELD_LABELS = {
    "max_retries": gettext_lazy("Studio's own retries"),
    "timeout_seconds": gettext_lazy("Timeout (seconds)"),
}


class ProviderInputError(ValueError):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


# --- staff: providers ---------------------------------------------------------------------


@transaction.atomic
def create_provider(*, name: str, preset: str, base_url: str = "", api_key: str = "") -> Provider:
    try:
        chosen = get_preset(preset)
    except ValueError as exc:
        raise ProviderInputError(str(exc), field="preset") from None
    provider = Provider(
        name=_name(name),
        base_url=_base_url(base_url or chosen.example_base_url),
        preset=chosen.key,
        **switches(chosen),
    )
    if Provider.objects.filter(name=provider.name).exists():
        raise ProviderInputError(
            gettext("A provider named %(name)s exists already.") % {"name": provider.name},
            field="name",
        )
    set_key(provider, api_key.strip())
    provider.save()
    return provider


SWITCHES = (
    "name",
    "base_url",
    "wire_profile",
    "enabled",
    "endpoints",
    "images_streaming",
    "stored_ids",
    "background_resume",
    "max_retries",
    "timeout_seconds",
    "openai_lineup",
    "prices",
)


@transaction.atomic
def update_provider(*, provider: Provider, changes: dict[str, Any], api_key: str = "") -> Provider:
    """Apply staff's changes; a blank api_key keeps the stored one."""
    cleaners = {
        "name": lambda v: _name(v, keep=provider.pk),
        "base_url": _base_url,
        "wire_profile": _wire_profile,
        "enabled": bool,
        "endpoints": _endpoints,
        "images_streaming": bool,
        "stored_ids": bool,
        "background_resume": bool,
        "max_retries": lambda v: _whole(v, "max_retries", 0, 10),
        "timeout_seconds": lambda v: _whole(v, "timeout_seconds", 10, 3600),
        "openai_lineup": bool,
        "prices": _prices,
    }
    for field, value in changes.items():
        if field in cleaners:
            setattr(provider, field, cleaners[field](value))
    if api_key.strip():
        set_key(provider, api_key.strip())
    provider.save()
    return provider


def disable_provider(*, provider: Provider) -> Provider:
    provider.enabled = False
    provider.save(update_fields=["enabled", "updated_at"])
    return provider


def refresh_provider_models(*, provider: Provider) -> str:
    try:
        return refresh_models(provider).summary()
    except errors.UpstreamError as exc:
        raise ProviderInputError(
            gettext("Could not refresh the models: %(reason)s") % {"reason": verdict_for(exc)}
        ) from None


@transaction.atomic
def update_model(
    *, row: ProviderModel, offered: bool, confirmed: bool, available: bool, overrides: Any
) -> ProviderModel:
    try:
        row.overrides = check_overrides(overrides or {})
    except ValueError as exc:
        raise ProviderInputError(str(exc), field="overrides") from None
    row.offered, row.confirmed = offered, confirmed
    if available:
        row.unavailable, row.unavailable_reason = False, ""
    row.save()
    return row


# --- connection test ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    verdict: str


def test_connection(provider: Provider) -> ConnectionCheck:
    """GET /v1/models with the provider's key, answered in plain words."""
    try:
        with client_for(provider) as client:
            models = client.list_models()
    except errors.UpstreamError as exc:
        return ConnectionCheck(False, verdict_for(exc))
    return ConnectionCheck(
        True,
        ngettext(
            "Works: the provider lists %(count)s model.",
            "Works: the provider lists %(count)s models.",
            len(models),
        )
        % {"count": len(models)},
    )


def verdict_for(exc: errors.UpstreamError) -> str:
    if isinstance(exc, errors.AuthenticationError | errors.PermissionDeniedError):
        return gettext("Wrong key: the provider refused the API key.")
    if isinstance(exc, errors.APIConnectionError):
        return gettext("Unreachable: no answer from that address.")
    if isinstance(exc, errors.RateLimitError):
        return gettext("Works, but the provider is rate limiting requests right now.")
    return gettext("Not OpenAI-compatible: GET /v1/models did not answer with a model list.")


# --- what the provider said about a model -------------------------------------------------


def mark_model_unavailable(*, provider: Provider, model: str, reason: str) -> None:
    row, _ = ProviderModel.objects.get_or_create(
        provider=provider, name=model, defaults={"kind": ProviderModel.Kind.IMAGE}
    )
    row.unavailable, row.unavailable_reason = True, reason[:300]
    row.save(update_fields=["unavailable", "unavailable_reason"])
    log.info("provider %s: model %s marked unavailable", provider.pk, model)


def unavailable_message(provider: Provider, model: str) -> str:
    from providers.selection import replacement

    return (
        f"{provider.name} says the model {model} does not exist or has been shut down, so "
        f"this turn could not run. Choose {replacement(provider, model)} or another model "
        "in the options."
    )


# --- defaults and team limits -------------------------------------------------------------


def set_site_default(*, provider: Provider, model: str) -> SiteDefault:
    from providers.selection import ChoiceRefused, choose

    try:
        choose(provider_id=provider.pk, model=model, mode="generate")
    except ChoiceRefused as exc:
        raise ProviderInputError(exc.message, field="model") from None
    site, _ = SiteDefault.objects.get_or_create(pk=1)
    site.provider, site.model = provider, model
    site.save()
    return site


@transaction.atomic
def set_team_policy(
    *, team, by, provider_ids: list[int], models: list[str], default: str = ""
) -> TeamModelPolicy:
    """Limit a team to providers and "provider id:model" entries (empty: everything)."""
    providers = list(Provider.objects.filter(pk__in=provider_ids, enabled=True))
    if len(providers) != len(set(provider_ids)):
        raise ProviderInputError(
            gettext("One of those providers does not exist."), field="providers"
        )
    policy, _ = TeamModelPolicy.objects.get_or_create(team=team)
    policy.allowed_providers.set(providers)
    policy.allowed_models = sorted(set(models))
    if default and policy.allowed_models and default not in policy.allowed_models:
        raise ProviderInputError(
            gettext("The team default must be one of the team's models."), field="default"
        )
    policy.default_provider, policy.default_model = _team_default(default)
    policy.updated_by = by
    policy.save()
    return policy


def _team_default(default: str) -> tuple[Provider | None, str]:
    if not default:
        return None, ""
    provider_id, _, model = default.partition(":")
    provider = Provider.objects.filter(pk=provider_id if provider_id.isdigit() else 0).first()
    if provider is None or not model:
        raise ProviderInputError(
            gettext("Choose the default as one of the offered models."), field="default"
        )
    return provider, model


# --- cleaning -----------------------------------------------------------------------------


def _name(value: Any, keep: int | None = None) -> str:
    name = str(value or "").strip()
    if not name or len(name) > 80:
        raise ProviderInputError(
            gettext("Give the provider a name of 1 to 80 characters."), field="name"
        )
    if Provider.objects.filter(name=name).exclude(pk=keep).exists():
        raise ProviderInputError(
            gettext("A provider named %(name)s exists already.") % {"name": name}, field="name"
        )
    return name


def _base_url(value: Any) -> str:
    url = str(value or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) > 300 or " " in url:
        raise ProviderInputError(
            gettext("The base URL must be an http:// or https:// address, usually ending in /v1."),
            field="base_url",
        )
    return url


def _wire_profile(value: Any) -> str:
    if value not in Provider.WireProfile.values:
        raise ProviderInputError(
            gettext("Choose the openai or the gateway wire profile."), field="wire_profile"
        )
    return value


def _endpoints(value: Any) -> list[str]:
    chosen = [v for v in (value or []) if v in ENDPOINTS]
    if not chosen:
        raise ProviderInputError(
            gettext("A provider needs at least one endpoint."), field="endpoints"
        )
    return chosen


def _whole(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ProviderInputError(
            gettext("%(field)s must be a whole number.") % {"field": FIELD_LABELS[field]},
            field=field,
        ) from None
    if not low <= number <= high:
        raise ProviderInputError(
            gettext("%(field)s must be between %(low)s and %(high)s.")
            % {"field": FIELD_LABELS[field], "low": low, "high": high},
            field=field,
        )
    return number


def _prices(value: Any) -> dict:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ProviderInputError(
            gettext(
                'Prices must be a JSON object of models, e.g. {"gpt-image-2": {"per_call": 0.04}}.'
            ),
            field="prices",
        )
    return value
