"""The JSON shapes the page, scripts and websocket events share (docs/api.md)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from conversations.failures import failure_text
from conversations.models import Conversation, Image, Turn

# Fields other apps add to a conversation's JSON (moderation adds "moderation", the level a
# team chose), registered from their AppConfig.ready(): this app does not know them.
_conversation_fields: dict[str, Callable[[Conversation], Any]] = {}


def register_conversation_field(name: str, present: Callable[[Conversation], Any]) -> None:
    _conversation_fields[name] = present


def image_url(image: Image, *, thumbnail: bool = False) -> str:
    url = reverse("conversations:image", args=[image.pk])
    return f"{url}?thumbnail=1" if thumbnail and image.thumbnail else url


def preview_url(image: Image) -> str | None:
    """The light WebP the live view shows; None for images stored without one."""
    if not image.preview:
        return None
    return f"{reverse('conversations:image', args=[image.pk])}?preview=1"


def staff_image_url(image: Image, *, thumbnail: bool = False) -> str | None:
    """Staff's link to any image, hidden ones too; None once removed (its files are gone)."""
    if image.moderation == Image.Moderation.REMOVED:
        return None
    url = reverse("conversations:staff-image", args=[image.pk])
    return f"{url}?thumbnail=1" if thumbnail and image.thumbnail else url


def image_preview(image: Image | None, *, height: int = 48) -> SafeString | str:
    """A small linked thumbnail for admin lists, or a word when there is nothing to show."""
    if image is None:
        return "-"
    url = staff_image_url(image, thumbnail=True)
    if url is None:
        return "removed"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="image {}" '
        'height="{}" loading="lazy"></a>',
        staff_image_url(image),
        url,
        image.pk,
        height,
    )


def present_image(image: Image) -> dict[str, Any]:
    return {
        "id": image.pk,
        "role": image.role,
        "url": image_url(image),
        "thumbnail_url": image_url(image, thumbnail=True),
        "preview_url": preview_url(image),
        "width": image.width,
        "height": image.height,
        "format": image.format,
        "bytes": image.bytes,
        "partial_index": image.partial_index,
        "image_call_id": image.image_call_id or None,
        # "hidden" only ever reaches staff; everyone else never gets a hidden image.
        "moderation": image.moderation or None,
    }


def present_turn(turn: Turn, images: list[Image] | None = None) -> dict[str, Any]:
    images = list(turn.images.all()) if images is None else images
    return {
        "id": turn.pk,
        "conversation_id": turn.conversation_id,
        "parent_id": turn.parent_id,
        "author": turn.author.get_username() if turn.author_id else None,
        "prompt": turn.prompt,
        "api_mode": turn.api_mode,
        "provider_id": turn.provider_id,
        "image_model": turn.image_model,
        "text_model": turn.text_model,
        "options": turn.options,
        "status": turn.status,
        "sequence": turn.sequence,
        "response_id": turn.response_id or None,
        "previous_response_id": turn.previous_response_id or None,
        "continuation": turn.continuation or None,
        # A note with values (which provider, which response) has no translation: as stored.
        "continuation_note": gettext(turn.continuation_note) if turn.continuation_note else None,
        "revised_prompt": turn.revised_prompt or None,
        "assistant_text": turn.assistant_text or None,
        "usage": turn.usage or None,
        **present_spend(turn),
        "error": present_error(turn),
        "attempts": turn.attempts,
        "queued_at": _iso(turn.queued_at),
        "started_at": _iso(turn.started_at),
        "first_partial_at": _iso(turn.first_partial_at),
        "completed_at": _iso(turn.completed_at),
        "images": [present_image(image) for image in images],
    }


def present_spend(turn: Turn) -> dict[str, Any]:
    """What the turn used and cost (USD), and what it was estimated to, before it ran."""
    return {
        "tokens": {
            "input_text": turn.input_text_tokens,
            "input_image": turn.input_image_tokens,
            "output_text": turn.output_text_tokens,
            "output_image": turn.output_image_tokens,
            "total": turn.total_tokens,
        },
        "cost": _dollars(turn.cost),
        "estimate": {"tokens": turn.estimated_tokens, "cost": _dollars(turn.estimated_cost)},
    }


def present_conversation(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "title": conversation.title or "Untitled",
        "owner": conversation.owner.get_username(),
        "team": (
            {"id": conversation.team_id, "name": conversation.team.name}
            if conversation.team_id
            else None
        ),
        "provider_profile": conversation.provider_profile,
        **{name: present(conversation) for name, present in _conversation_fields.items()},
        "default_options": conversation.default_options,
        "last_sequence": conversation.last_sequence,
        "created_at": _iso(conversation.created_at),
        "updated_at": _iso(conversation.updated_at),
    }


def turn_event(turn: Turn, kind: str, **fields: Any) -> dict[str, Any]:
    """A websocket event about ``turn``: small, and carrying the sequence it was written at."""
    return {
        "type": kind,
        "sequence": turn.sequence,
        "conversation_id": turn.conversation_id,
        "turn_id": turn.pk,
        "parent_id": turn.parent_id,
        "status": turn.status,
        **fields,
    }


def present_error(turn: Turn) -> dict[str, Any] | None:
    """Why the turn failed, in the active language; ``detail`` lets a reader in another
    language (a websocket's) say it again in theirs (conversations.failures)."""
    if not (turn.error_code or turn.error_message):
        return None
    return {
        "code": turn.error_code,
        "message": failure_text(turn.error_detail, turn.error_message),
        "detail": turn.error_detail or None,
    }


def _dollars(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _iso(value) -> str | None:
    return value.isoformat() if value else None
