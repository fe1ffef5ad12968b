"""Which provider and model a turn runs on, and what a person may choose from.

Every refusal happens here, before anything is stored or sent: a model a provider retired,
no longer lists or said it does not have, an endpoint the provider lacks, a provider or
model the team does not use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from providers.capabilities import spec_for
from providers.clients import profile_for
from providers.models import (
    WARN_BEFORE_SHUTDOWN,
    Provider,
    ProviderModel,
    SiteDefault,
    TeamModelPolicy,
)
from providers.presets import ENDPOINT_LABELS
from providers.seeding import seed_from_environment
from upstream.gateway_models import GATEWAY_MODELS, is_chat_image_model
from upstream.model_specs import MODELS, ImageModelSpec, family_of
from upstream.profiles import ProviderProfile


class ChoiceRefused(Exception):
    def __init__(self, message: str, *, field: str = "model", status: int = 400) -> None:
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


@dataclass(frozen=True)
class Choice:
    provider: Provider
    model: str
    spec: ImageModelSpec
    profile: ProviderProfile


@dataclass(frozen=True)
class Offer:
    """One model of one provider as the options panel shows it."""

    provider: Provider
    model: str
    spec: ImageModelSpec
    shutdown: date | None
    retires_soon: bool

    @property
    def key(self) -> str:
        return f"{self.provider.pk}:{self.model}"

    @property
    def warning(self) -> str:
        if not self.retires_soon:
            return ""
        return gettext("%(model)s shuts down at %(provider)s on %(date)s.") % {
            "model": self.model,
            "provider": self.provider.name,
            "date": date_format(self.shutdown),
        }


def default_provider() -> Provider:
    """The site default's provider, else the environment's, else the first enabled one."""
    site = SiteDefault.objects.select_related("provider").first()
    if site and site.provider and site.provider.enabled:
        return site.provider
    provider = Provider.objects.filter(enabled=True, from_environment=True).first()
    provider = provider or Provider.objects.filter(enabled=True).first()
    return provider or seed_from_environment()


def default_model() -> str:
    site = SiteDefault.objects.first()
    return (site.model if site and site.model else "") or settings.STUDIO_IMAGE_MODEL


def choose(*, provider_id: Any, model: str, mode: str, team=None) -> Choice:
    """The provider and model for a turn, or ChoiceRefused with a message for the person."""
    policy = team_policy(team)
    provider = _provider(provider_id, policy)
    model = (model or "").strip() or default_model_for(provider, policy)
    _check_team_allows(policy, provider, model)
    row = provider.models.filter(name=model).first()
    _check_available(provider, model, row)
    endpoint = "chat" if is_chat_image_model(model) else mode
    if endpoint not in provider.endpoints:
        label = ENDPOINT_LABELS.get(endpoint, endpoint)
        raise ChoiceRefused(
            gettext("%(provider)s does not offer %(endpoint)s; choose another mode or provider.")
            % {"provider": provider.name, "endpoint": label},
            field="api_mode",
        )
    spec = spec_for(
        model, overrides=row.overrides if row else None, confirmed=bool(row and row.confirmed)
    )
    return Choice(provider, model, spec, profile_for(provider))


def offers_for(team=None) -> list[Offer]:
    """Everything a person may choose for a conversation of `team` (None: personal)."""
    policy = team_policy(team)
    offers = []
    for provider in Provider.objects.filter(enabled=True).prefetch_related("models"):
        if not _provider_allowed(policy, provider):
            continue
        for name, row in _candidates(provider):
            if not _model_allowed(policy, provider, name):
                continue
            shutdown = row.effective_shutdown() if row else _table_shutdown(provider, name)
            today = timezone.localdate()
            if shutdown and shutdown <= today:
                continue
            spec = spec_for(
                name,
                overrides=row.overrides if row else None,
                confirmed=bool(row and row.confirmed),
            )
            soon = bool(shutdown and today < shutdown <= today + WARN_BEFORE_SHUTDOWN)
            offers.append(Offer(provider, name, spec, shutdown, soon))
    return offers


def _candidates(provider: Provider) -> list[tuple[str, ProviderModel | None]]:
    rows = {r.name: r for r in provider.models.all()}
    names = list(rows)
    if provider.models_refreshed_at is None:
        # Never asked yet: the built-in table's image models too, until the first refresh,
        # and a chat-capable gateway's chat image models.
        chat = [
            n for n in GATEWAY_MODELS if "chat" in provider.endpoints and is_chat_image_model(n)
        ]
        table = [*MODELS, *chat]
        names = [*table, *(n for n in rows if n not in table)]
    usable = []
    for name in names:
        row = rows.get(name)
        if row is None or (row.offered and row.listed and not row.unavailable):
            usable.append((name, row))
    return usable


def _provider(provider_id: Any, policy: TeamModelPolicy | None) -> Provider:
    if provider_id in (None, ""):
        provider = team_default_provider(policy) or default_provider()
    else:
        try:
            provider = Provider.objects.filter(enabled=True).get(pk=int(provider_id))
        except (ValueError, TypeError, Provider.DoesNotExist):
            raise ChoiceRefused(
                gettext("That provider does not exist."), field="provider", status=404
            ) from None
    if not provider.enabled:
        raise ChoiceRefused(
            gettext("%(provider)s is disabled.") % {"provider": provider.name}, field="provider"
        )
    if not _provider_allowed(policy, provider):
        raise ChoiceRefused(
            gettext("Your team does not use %(provider)s; choose one of: %(providers)s.")
            % {"provider": provider.name, "providers": _allowed_names(policy)},
            field="provider",
        )
    return provider


def default_model_for(provider: Provider, policy: TeamModelPolicy | None) -> str:
    if policy and policy.default_model and policy.default_provider_id in (None, provider.pk):
        return policy.default_model
    return default_model()


def _check_available(provider: Provider, model: str, row: ProviderModel | None) -> None:
    if row is not None and row.unavailable:
        raise ChoiceRefused(
            gettext("%(provider)s no longer serves %(model)s; choose %(other)s or another model.")
            % {"provider": provider.name, "model": model, "other": replacement(provider, model)}
        )
    shutdown = row.effective_shutdown() if row else _table_shutdown(provider, model)
    if shutdown and shutdown <= timezone.localdate():
        raise ChoiceRefused(
            gettext(
                "%(model)s was shut down at %(provider)s on %(date)s; choose %(other)s instead."
            )
            % {
                "model": model,
                "provider": provider.name,
                "date": date_format(shutdown),
                "other": replacement(provider, model),
            }
        )
    if row is None and provider.models_refreshed_at is not None:
        raise ChoiceRefused(
            gettext("%(provider)s does not list %(model)s; choose one of its models.")
            % {"provider": provider.name, "model": model}
        )
    if row is not None and not row.listed:
        raise ChoiceRefused(
            gettext("%(provider)s no longer lists %(model)s; choose another model.")
            % {"provider": provider.name, "model": model}
        )
    if row is not None and not row.offered:
        raise ChoiceRefused(
            gettext(
                "%(model)s is not offered for images at %(provider)s; staff can offer it on the "
                "provider's page."
            )
            % {"model": model, "provider": provider.name}
        )


def replacement(provider: Provider, model: str) -> str:
    """What to choose instead of a model that is gone: the site default, or gpt-image-2."""
    candidate = default_model()
    return candidate if candidate != model else "gpt-image-2"


def _table_shutdown(provider: Provider, model: str) -> date | None:
    family = family_of(model)
    return MODELS[family].openai_shutdown if family and provider.openai_lineup else None


# --- team policy --------------------------------------------------------------------------


def team_policy(team) -> TeamModelPolicy | None:
    if team is None:
        return None
    return TeamModelPolicy.objects.filter(team=team).prefetch_related("allowed_providers").first()


def team_default_provider(policy: TeamModelPolicy | None) -> Provider | None:
    provider = policy.default_provider if policy else None
    return provider if provider and provider.enabled else None


def _provider_allowed(policy: TeamModelPolicy | None, provider: Provider) -> bool:
    if policy is None:
        return True
    allowed = {p.pk for p in policy.allowed_providers.all()}
    return not allowed or provider.pk in allowed


def _model_allowed(policy: TeamModelPolicy | None, provider: Provider, model: str) -> bool:
    if policy is None or not policy.allowed_models:
        return True
    return f"{provider.pk}:{model}" in policy.allowed_models


def _check_team_allows(policy: TeamModelPolicy | None, provider: Provider, model: str) -> None:
    if not _model_allowed(policy, provider, model):
        names = ", ".join(m.split(":", 1)[1] for m in policy.allowed_models)
        raise ChoiceRefused(
            gettext("Your team uses only %(models)s; %(model)s at %(provider)s is not one of them.")
            % {"models": names, "model": model, "provider": provider.name}
        )


def _allowed_names(policy: TeamModelPolicy | None) -> str:
    return ", ".join(p.name for p in policy.allowed_providers.all()) if policy else ""
