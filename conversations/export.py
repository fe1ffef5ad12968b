"""A conversation as a zip: its images, and beside them a JSON file with every turn's prompt,
revised prompt, options and which images it sent and received."""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from typing import IO, Any

from django.utils import timezone

from conversations.failures import failure_text
from conversations.models import Conversation, Image, Turn

# Partial previews are steps toward a final image, not results: they are left out.
EXPORTED_ROLES = (Image.Role.FINAL, Image.Role.REFERENCE, Image.Role.MASK)
SPOOL_BYTES = 32 * 1024 * 1024


def export_conversation(conversation: Conversation, *, user) -> IO[bytes]:
    """A zip file, rewound, of what ``user`` may see of ``conversation``."""
    turns = list(conversation.turns.select_related("author").order_by("id"))
    images = (
        Image.objects.visible_to(user)
        .filter(turn__conversation=conversation, role__in=EXPORTED_ROLES)
        .exclude(file="")
        .order_by("turn_id", "role", "position", "id")
    )
    by_turn: dict[int, list[Image]] = {}
    for image in images:
        by_turn.setdefault(image.turn_id, []).append(image)
    # Handed to the response, which closes it once sent.
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        described = [_turn(turn, by_turn.get(turn.pk, []), zipped) for turn in turns]
        manifest = {
            "conversation": {
                "id": conversation.pk,
                "title": conversation.title,
                "owner": conversation.owner.get_username(),
                "created_at": conversation.created_at.isoformat(),
                "exported_at": timezone.now().isoformat(),
            },
            "turns": described,
        }
        zipped.writestr("conversation.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    archive.seek(0)
    return archive


def export_filename(conversation: Conversation) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", (conversation.title or "conversation").lower()).strip("-")
    return f"{slug[:60] or 'conversation'}-{conversation.pk}.zip"


def _turn(turn: Turn, images: list[Image], zipped: zipfile.ZipFile) -> dict[str, Any]:
    files = []
    for image in images:
        name = f"images/turn-{turn.pk}-{image.role}-{image.position}-{image.pk}.{image.format}"
        with image.file.open("rb") as handle:
            # Images are already compressed: storing them saves time and changes nothing.
            zipped.writestr(name, handle.read(), compress_type=zipfile.ZIP_STORED)
        files.append(
            {"file": name, "role": image.role, "width": image.width, "height": image.height}
        )
    return {
        "id": turn.pk,
        "parent_id": turn.parent_id,
        "author": turn.author.get_username(),
        "prompt": turn.prompt,
        "revised_prompt": turn.revised_prompt or None,
        "api_mode": turn.api_mode,
        "image_model": turn.image_model,
        "text_model": turn.text_model or None,
        "options": turn.options,
        "status": turn.status,
        "error": failure_text(turn.error_detail, turn.error_message) or None,
        "queued_at": turn.queued_at.isoformat(),
        "completed_at": turn.completed_at.isoformat() if turn.completed_at else None,
        "images": files,
    }
