"""The JSON shapes of galleries, their items and public links (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from galleries.models import Gallery, GalleryItem, PublicLink
from galleries.selectors import gallery_permissions


def present_gallery(gallery: Gallery) -> dict[str, Any]:
    cover_id = getattr(gallery, "cover_item_id", None)
    return {
        "id": gallery.pk,
        "name": gallery.name,
        "team": {"id": gallery.team_id, "name": gallery.team.name},
        "role": gallery.viewer_role,
        "permissions": gallery_permissions(gallery),
        "created_by": _username(gallery.created_by),
        "created_at": _iso(gallery.created_at),
        "updated_at": _iso(gallery.updated_at),
        "url": reverse("galleries:gallery", args=[gallery.pk]),
        "cover_url": (
            _thumbnail(reverse("galleries:item-image", args=[gallery.pk, cover_id]))
            if cover_id
            else None
        ),
    }


def present_item(item: GalleryItem) -> dict[str, Any]:
    """An item as a member of the gallery's team sees it."""
    turn = item.image.turn
    turn_url = None
    if getattr(item, "can_see_turn", False):
        conversation_url = reverse("conversations:conversation", args=[turn.conversation_id])
        turn_url = f"{conversation_url}#turn-{turn.pk}"
    return {
        **_describe(item, reverse("galleries:item-image", args=[item.gallery_id, item.pk])),
        "gallery_id": item.gallery_id,
        "image_id": item.image_id,
        "position": item.position,
        "added_by": _username(item.added_by),
        "turn_url": turn_url,
    }


def present_public_item(item: GalleryItem, token: str) -> dict[str, Any]:
    """An item as anyone with the link sees it: the picture and its prompt, no names or ids."""
    return _describe(item, reverse("galleries:public-item-image", args=[token, item.pk]))


def present_link(link: PublicLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "url": reverse("galleries:public", args=[link.token]),
        "created_by": _username(link.created_by),
        "created_at": _iso(link.created_at),
        "expires_at": _iso(link.expires_at),
        "revoked_at": _iso(link.revoked_at),
        "is_open": link.is_open,
    }


def _describe(item: GalleryItem, image_url: str) -> dict[str, Any]:
    image = item.image
    turn = image.turn
    return {
        "id": item.pk,
        "caption": item.caption,
        "added_at": _iso(item.created_at),
        "prompt": turn.prompt,
        "revised_prompt": turn.revised_prompt or None,
        "model": turn.image_model,
        "options": turn.options,
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "url": image_url,
        "thumbnail_url": _thumbnail(image_url) if image.thumbnail else image_url,
        "download_url": f"{image_url}?download=1",
    }


def _thumbnail(url: str) -> str:
    return f"{url}?thumbnail=1"


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def _iso(value) -> str | None:
    return value.isoformat() if value else None
