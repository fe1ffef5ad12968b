"""Re-encrypt every provider's key under the first STUDIO_ENCRYPTION_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from providers.crypto import rotate
from providers.models import Provider


class Command(BaseCommand):
    help = "Re-encrypt every stored API key under the first key of STUDIO_ENCRYPTION_KEY."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        providers = list(Provider.objects.select_for_update().exclude(api_key_encrypted=""))
        for provider in providers:
            provider.api_key_encrypted = rotate(provider.api_key_encrypted)
            provider.save(update_fields=["api_key_encrypted", "updated_at"])
        self.stdout.write(f"Re-encrypted {len(providers)} keys.")
