"""A person's own collection of images they liked, without a team or a gallery."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    # The image itself, not a copy: deleting the image or its turn removes the favourite.
    image = models.ForeignKey(
        "conversations.Image", on_delete=models.CASCADE, related_name="favourites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "image"], name="one_favourite_per_image")
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} likes image {self.image_id}"
