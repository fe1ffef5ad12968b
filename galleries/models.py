"""Galleries belong to a team and hold images picked from its members' turns."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Gallery(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="galleries")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = _("galleries")

    def __str__(self) -> str:
        return self.name


class GalleryItem(models.Model):
    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="items")
    # The item is the image itself, not a copy: removing the image removes it everywhere.
    image = models.ForeignKey(
        "conversations.Image", on_delete=models.CASCADE, related_name="gallery_items"
    )
    caption = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The hand-sorted order; gaps between positions let one item move with one write.
    position = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["gallery", "image"], name="image_once_per_gallery")
        ]
        indexes = [
            models.Index(fields=["gallery", "-created_at", "-id"]),
            models.Index(fields=["gallery", "position", "id"]),
        ]

    def __str__(self) -> str:
        return f"Image {self.image_id} in {self.gallery}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class PublicLink(models.Model):
    """A read-only link to one gallery, for people without an account."""

    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="public_links")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Public link to {self.gallery}"

    @property
    def is_open(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
