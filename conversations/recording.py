"""Stores the images a turn sends and receives, and deletes their files again.

Files are written before their rows; a transaction that does not commit takes its files
with it (``keeping_files_on_commit``), so a failed write leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction

from conversations import imaging, previews
from conversations.models import Image, Turn

log = logging.getLogger(__name__)


def store_image(
    turn: Turn,
    data: bytes,
    *,
    role: str,
    position: int = 0,
    partial_index: int | None = None,
    image_call_id: str = "",
    thumbnail: bool | None = None,
    derived: previews.Derived | None = None,
) -> Image:
    """Put the bytes in storage and record them, with the light preview the live view shows
    (partials and finals) and a thumbnail (all but partials, unless told). Pass ``derived``
    (``previews.derive``) made before the transaction, to keep Pillow out of it."""
    if derived is None:
        wanted = thumbnail if thumbnail is not None else role != Image.Role.PARTIAL
        derived = previews.derive(data, role=role, thumbnail=wanted)
    return _store(
        turn,
        data,
        imaging.describe(data),
        derived=derived,
        role=role,
        position=position,
        partial_index=partial_index,
        image_call_id=image_call_id,
    )


def store_upload(
    turn: Turn, upload: imaging.CheckedImage, *, role: str, position: int = 0
) -> Image:
    """Store an upload that was checked, and thumbnailed, when the turn was planned."""
    return _store(
        turn,
        upload.data,
        upload.info,
        derived=previews.Derived(preview=None, thumbnail=upload.thumbnail),
        role=role,
        position=position,
    )


def _store(
    turn: Turn,
    data: bytes,
    info: imaging.ImageInfo,
    *,
    derived: previews.Derived,
    role: str,
    position: int = 0,
    partial_index: int | None = None,
    image_call_id: str = "",
) -> Image:
    image = Image(
        turn=turn,
        role=role,
        position=position,
        partial_index=partial_index,
        image_call_id=image_call_id or "",
        width=info.width,
        height=info.height,
        format=info.format,
        bytes=info.bytes,
        sha256=info.sha256,
    )
    stem = f"{role}-{partial_index if partial_index is not None else position}-{info.sha256[:12]}"
    image.file.save(f"{stem}.{info.format}", ContentFile(data), save=False)
    try:
        previews.attach_derived(image, derived, stem)
        image.save()
    except BaseException:
        delete_files([image])
        raise
    return image


@contextmanager
def keeping_files_on_commit() -> Iterator[list[Image]]:
    """A transaction whose stored images (append them to the list) are deleted again when
    it does not commit, so a failed write leaves no file behind."""
    stored: list[Image] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        delete_files(stored)
        raise


def delete_files(images: Iterable[Image]) -> None:
    for image in images:
        for field in (image.file, image.preview, image.thumbnail):
            if field:
                try:
                    field.storage.delete(field.name)
                # Disk raises OSError, S3 botocore's errors: either way a file left behind
                # is logged rather than undoing the change that let it go.
                except Exception:
                    log.warning("could not delete %s", field.name, exc_info=True)


def discard_attempt_output(turn: Turn) -> None:
    """Forget what an interrupted attempt produced, so the next attempt starts clean."""
    produced = list(turn.images.filter(role__in=[Image.Role.PARTIAL, Image.Role.FINAL]))
    with transaction.atomic():
        Image.objects.filter(pk__in=[image.pk for image in produced]).delete()
        transaction.on_commit(lambda: delete_files(produced))
