"""Each provider's models, learned from its GET /v1/models."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from providers.capabilities import classify
from providers.clients import client_for
from providers.models import Provider, ProviderModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    added: list[str]
    retired: list[str]
    listed: int

    def summary(self) -> str:
        sentences = [
            ngettext("%(count)s model listed.", "%(count)s models listed.", self.listed)
            % {"count": self.listed}
        ]
        if self.added:
            sentences.append(_("New: %(models)s.") % {"models": ", ".join(self.added[:10])})
        if self.retired:
            sentences.append(
                _("No longer listed: %(models)s.") % {"models": ", ".join(self.retired[:10])}
            )
        return " ".join(sentences)


def refresh_models(provider: Provider) -> Refreshed:
    """Ask the provider for its models and bring the catalogue in line (UpstreamError out)."""
    with client_for(provider) as client:
        listed = {m["id"]: _shutdown_date(m.get("shutdown_date")) for m in client.list_models()}
    return _record(provider, listed)


@transaction.atomic
def _record(provider: Provider, listed: dict[str, date | None]) -> Refreshed:
    now = timezone.now()
    existing = {m.name: m for m in provider.models.select_for_update()}
    added = []
    for name, shutdown in listed.items():
        row = existing.get(name)
        if row is None:
            kind = classify(name)
            ProviderModel.objects.create(
                provider=provider,
                name=name,
                kind=kind,
                shutdown_date=shutdown,
                offered=kind == ProviderModel.Kind.IMAGE,
                last_seen_at=now,
            )
            added.append(name)
        else:
            row.listed, row.shutdown_date, row.last_seen_at = True, shutdown, now
            row.save(update_fields=["listed", "shutdown_date", "last_seen_at"])
    retired = sorted(n for n, row in existing.items() if n not in listed and row.listed)
    provider.models.filter(name__in=retired).update(listed=False)
    provider.models_refreshed_at = now
    provider.save(update_fields=["models_refreshed_at", "updated_at"])
    return Refreshed(sorted(added), retired, len(listed))


def _shutdown_date(value: Any) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, tz=timezone.UTC).date()
    return None


def refresh_all() -> dict[str, str]:
    """Refresh every enabled provider; one provider's failure does not stop the others."""
    from upstream.errors import UpstreamError

    report = {}
    for provider in Provider.objects.filter(enabled=True):
        try:
            report[provider.name] = refresh_models(provider).summary()
        except UpstreamError as exc:
            report[provider.name] = f"failed: {exc.user_message}"
            log.warning("refreshing the models of provider %s failed: %s", provider.pk, exc.code)
    return report
