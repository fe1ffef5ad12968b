"""The environment's provider: OPENAI_API_KEY / OPENAI_BASE_URL / STUDIO_PROVIDER_PROFILE
create or update it, so both README commands work with no configuration; no key, the
simulator."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

from providers.crypto import decrypt, encrypt
from providers.models import Provider
from providers.presets import Preset, get_preset, switches

log = logging.getLogger(__name__)

DEFAULT_NAMES = {"openai": "OpenAI", "gateway": "Gateway", "simulator": "Simulator"}


def environment_preset() -> Preset:
    if not settings.OPENAI_API_KEY:
        return get_preset("simulator")
    profile = settings.STUDIO_PROVIDER_PROFILE.strip().lower()
    return get_preset("gateway" if profile == "gateway" else "openai")


@transaction.atomic
def seed_from_environment() -> Provider:
    preset = environment_preset()
    key = settings.OPENAI_API_KEY
    fields = {
        "base_url": settings.OPENAI_BASE_URL,
        "preset": preset.key,
        "wire_profile": settings.STUDIO_PROVIDER_PROFILE.strip().lower() or preset.profile,
        "openai_lineup": preset.openai_lineup,
    }
    provider = Provider.objects.select_for_update().filter(from_environment=True).first()
    if provider is None:
        provider = Provider(
            name=_free_name(DEFAULT_NAMES[preset.key]),
            from_environment=True,
            **_switches(preset),
            **fields,
        )
        _set_key(provider, key)
        provider.save()
        return provider
    changed = [name for name, value in fields.items() if getattr(provider, name) != value]
    for name in changed:
        setattr(provider, name, fields[name])
    if "preset" in changed:
        # Another kind of provider now: its switches start from the new preset's.
        switches = _switches(preset)
        for name, value in switches.items():
            setattr(provider, name, value)
        changed += list(switches)
        if provider.name in DEFAULT_NAMES.values():
            provider.name = _free_name(DEFAULT_NAMES[preset.key], keep=provider.pk)
            changed.append("name")
    if _stored_key(provider) != key:
        _set_key(provider, key)
        changed += ["api_key_encrypted", "api_key_last4"]
    if changed:
        provider.save(update_fields=[*changed, "updated_at"])
    return provider


def _switches(preset: Preset) -> dict:
    # The wire profile and OpenAI's lineup follow the environment (the fields above).
    chosen = switches(preset)
    del chosen["wire_profile"], chosen["openai_lineup"]
    return chosen


def set_key(provider: Provider, key: str) -> None:
    _set_key(provider, key)


def _set_key(provider: Provider, key: str) -> None:
    provider.api_key_encrypted = encrypt(key)
    provider.api_key_last4 = key[-4:] if len(key) >= 8 else ""


def _stored_key(provider: Provider) -> str:
    try:
        return decrypt(provider.api_key_encrypted)
    except Exception:
        return ""  # unreadable under the current keys: the environment's replaces it


def _free_name(name: str, keep: int | None = None) -> str:
    taken = Provider.objects.exclude(pk=keep).values_list("name", flat=True)
    candidate, number = name, 2
    while candidate in set(taken):
        candidate, number = f"{name} {number}", number + 1
    return candidate


def seed_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    if using != DEFAULT_DB_ALIAS:
        return
    provider = seed_from_environment()
    log.info("provider from the environment: %s (%s)", provider.name, provider.base_url)
