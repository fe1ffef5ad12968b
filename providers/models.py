"""Providers (upstreams with their keys and switches), their models, and who may use which."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers.presets import PRESETS, preset_choices, switches

# A retirement is announced in the options panel and on the provider page this long ahead.
WARN_BEFORE_SHUTDOWN = timedelta(days=30)


def _all_endpoints() -> list[str]:
    return switches(PRESETS["openai"])["endpoints"]


class Provider(models.Model):
    class WireProfile(models.TextChoices):
        OPENAI = "openai", "OpenAI"
        GATEWAY = "gateway", _("constrained gateway")

    name = models.CharField(max_length=80, unique=True)
    base_url = models.URLField(max_length=300)
    # A Fernet token (providers.crypto); the key itself is never stored or shown.
    api_key_encrypted = models.TextField(blank=True)
    api_key_last4 = models.CharField(max_length=4, blank=True)
    preset = models.CharField(max_length=20, choices=preset_choices())
    wire_profile = models.CharField(max_length=20, choices=WireProfile, default=WireProfile.OPENAI)
    enabled = models.BooleanField(default=True)
    endpoints = models.JSONField(default=_all_endpoints)
    images_streaming = models.BooleanField(default=True)
    stored_ids = models.BooleanField(default=True)
    # Responses turns run as background responses whose stream a restarted worker resumes
    # (conversations.resume); only for providers that keep and replay them.
    background_resume = models.BooleanField(default=False)
    max_retries = models.PositiveSmallIntegerField(default=2)
    timeout_seconds = models.PositiveIntegerField(default=300)
    openai_lineup = models.BooleanField(default=False)
    # USD by model, the shape of STUDIO_PRICES: per million tokens by kind, `per_image` by
    # quality and size, or `per_call` (gateways often bill a call, whatever it used).
    prices = models.JSONField(default=dict, blank=True)
    # The provider OPENAI_API_KEY / OPENAI_BASE_URL describe; updated when they change.
    from_environment = models.BooleanField(default=False)
    models_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def key_hint(self) -> str:
        return f"…{self.api_key_last4}" if self.api_key_last4 else str(_("no key"))


class ProviderModel(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        TEXT = "text", _("text")
        OTHER = "other", _("other")

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.OTHER)
    # In the provider's last GET /v1/models answer; a model that left it is retired there.
    listed = models.BooleanField(default=True)
    shutdown_date = models.DateField(null=True, blank=True)
    # The provider answered model_not_found for it; cleared when a refresh lists it again.
    unavailable = models.BooleanField(default=False)
    unavailable_reason = models.CharField(max_length=300, blank=True)
    # Offered in the options panel; unknown models wait for staff.
    offered = models.BooleanField(default=False)
    # Staff confirmed the capabilities of a model the built-in table does not know.
    confirmed = models.BooleanField(default=False)
    # Staff's capability overrides: ImageModelSpec fields (sizes, qualities, ...).
    overrides = models.JSONField(default=dict, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="one_row_per_provider_model")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.provider_id}"

    def effective_shutdown(self) -> date | None:
        """The provider's own date, else OpenAI's from the built-in table where it applies."""
        if self.shutdown_date:
            return self.shutdown_date
        if self.provider.openai_lineup:
            from upstream.model_specs import MODELS, family_of

            family = family_of(self.name)
            return MODELS[family].openai_shutdown if family else None
        return None

    def is_retired(self, today: date | None = None) -> bool:
        shutdown = self.effective_shutdown()
        return shutdown is not None and shutdown <= (today or timezone.localdate())

    def retires_soon(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        shutdown = self.effective_shutdown()
        return shutdown is not None and today < shutdown <= today + WARN_BEFORE_SHUTDOWN

    @property
    def usable(self) -> bool:
        return self.offered and self.listed and not self.unavailable and not self.is_retired()


class SiteDefault(models.Model):
    """The site's default image model (one row); unset: STUDIO_IMAGE_MODEL anywhere."""

    provider = models.ForeignKey(Provider, on_delete=models.SET_NULL, null=True, blank=True)
    model = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.model or "STUDIO_IMAGE_MODEL"


class TeamModelPolicy(models.Model):
    """What a team's shared conversations may use: set by the team's owners.

    Empty provider and model lists mean every provider and model staff enabled.
    """

    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, related_name="model_policy")
    allowed_providers = models.ManyToManyField(Provider, blank=True, related_name="+")
    # "provider id:model name" entries.
    allowed_models = models.JSONField(default=list, blank=True)
    default_provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    default_model = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"model policy of team {self.team_id}"
