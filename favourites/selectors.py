"""A person's favourites, limited to images they may still see."""

from __future__ import annotations

from django.db.models import QuerySet

from conversations.models import Image
from conversations.selectors import visible_conversations
from favourites.models import Favourite

MAX_LISTED = 500


def list_favourites(user) -> QuerySet[Favourite]:
    """Newest first; an image moderation took down, or in a conversation the person can no
    longer open (they left its team), drops out of the list but comes back with access."""
    visible = Image.objects.visible_to(user).filter(
        turn__conversation__in=visible_conversations(user)
    )
    return (
        Favourite.objects.filter(user=user, image__in=visible)
        .select_related("image__turn")
        .order_by("-created_at", "-id")[:MAX_LISTED]
    )
