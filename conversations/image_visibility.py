"""Hiding, removing and restoring images, and telling open pages what their viewers lose.

Called by moderation decisions. A hidden image stays on disk for staff; a removed one loses
its files for good. Each turn touched takes a new sequence number and announces the images
everyone may still see, so open pages drop the rest and a reconnecting page's snapshot
leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from conversations.events import record_and_announce
from conversations.models import Image, Turn
from conversations.presenters import present_image
from conversations.recording import delete_files

Moderation = Image.Moderation


def set_image_moderation(images: Iterable[Image], state: str) -> list[Image]:
    """Put ``images`` in ``state`` (visible, hidden or removed); returns the ones that changed.

    Removed is final: its files are gone, so a removed image stays removed.
    """
    if state not in Moderation.values:
        raise ValueError(f"unknown moderation state {state!r}")
    changing = [i for i in images if i.moderation != state and i.moderation != Moderation.REMOVED]
    if not changing:
        return []
    with transaction.atomic():
        rows = Image.objects.filter(pk__in=[image.pk for image in changing])
        if state == Moderation.REMOVED:
            doomed = list(rows)
            rows.update(moderation=state, file="", preview="", thumbnail="")
            transaction.on_commit(lambda: delete_files(doomed))
        else:
            rows.update(moderation=state)
        for image in changing:
            image.moderation = state
        for turn in Turn.objects.filter(pk__in={image.turn_id for image in changing}):
            _announce_images(turn)
    return changing


def _announce_images(turn: Turn) -> None:
    images = list(turn.images.all())
    visible = [image for image in images if image.moderation == Moderation.VISIBLE]
    record_and_announce(
        turn,
        "turn.images_changed",
        images=[present_image(image) for image in visible],
        hidden_image_ids=[i.pk for i in images if i.moderation == Moderation.HIDDEN],
        removed_image_ids=[i.pk for i in images if i.moderation == Moderation.REMOVED],
    )
