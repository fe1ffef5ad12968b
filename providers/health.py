"""/health/ asks each enabled provider for its models with its key: reachable is not enough,
a refused key is a failure."""

from __future__ import annotations

from collections.abc import Callable

from providers.clients import client_for
from providers.models import Provider
from providers.services import verdict_for
from upstream.errors import UpstreamError

HEALTH_TIMEOUT_SECONDS = 3.0


class ProviderDown(Exception):
    pass


def provider_checks() -> dict[str, Callable[[], str]]:
    return {
        f"provider:{provider.name}": _check(provider)
        for provider in Provider.objects.filter(enabled=True)
    }


def _check(provider: Provider) -> Callable[[], str]:
    def check() -> str:
        try:
            with client_for(provider, timeout=HEALTH_TIMEOUT_SECONDS, max_retries=0) as client:
                models = client.list_models()
        except UpstreamError as exc:
            raise ProviderDown(verdict_for(exc)) from None
        return f"ok ({len(models)} models)"

    return check
