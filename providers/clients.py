"""From a Provider row to what the upstream package needs: a client and a wire profile.

The only place a provider's key is decrypted; it goes into the client's header and nowhere
else.
"""

from __future__ import annotations

import dataclasses

import httpx

from providers.crypto import decrypt
from providers.models import Provider
from upstream.client import UpstreamClient
from upstream.profiles import RESEND_IMAGE, ProviderProfile, get_profile

# Providers without a key (the simulator, a keyless local proxy) still get a bearer header.
NO_KEY = "sk-no-key"


def client_for(
    provider: Provider, *, timeout: float | None = None, max_retries: int | None = None
) -> UpstreamClient:
    """A client with the provider's key, retries and timeout (a generation at high quality
    has taken about 235 s, so the read timeout is the provider's, 300 s by default)."""
    read = float(timeout or provider.timeout_seconds)
    return UpstreamClient(
        provider.base_url,
        decrypt(provider.api_key_encrypted) or NO_KEY,
        max_retries=provider.max_retries if max_retries is None else max_retries,
        timeout=httpx.Timeout(connect=min(10.0, read), read=read, write=60.0, pool=10.0),
    )


def profile_for(provider: Provider) -> ProviderProfile:
    """The wire profile with this provider's switches applied, named after the provider."""
    base = get_profile(provider.wire_profile)
    stored = provider.stored_ids
    return dataclasses.replace(
        base,
        name=provider.name,
        supports_previous_response_id=base.supports_previous_response_id and stored,
        supports_item_reference=base.supports_item_reference and stored,
        supports_files_api=base.supports_files_api and "files" in provider.endpoints,
        # Resuming needs the provider to keep and replay background responses (its switch,
        # on for the OpenAI preset) and a wire profile that can ask for them.
        background_resume=base.background_resume and stored and provider.background_resume,
        continuation_strategies=tuple(
            s for s in base.continuation_strategies if stored or s == RESEND_IMAGE
        ),
    )
