"""Deleting part of a conversation: a turn with the branch that grew from it, or one image.

Open pages hear of it at once (`turn.deleted`, `turn.images_changed`); a page that missed
the event drops what is gone at its next snapshot, which lists every turn id that remains.
Apps that must keep something (moderation keeps what its cases are about) register a guard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils.translation import gettext

from common.errors import InvalidInput
from conversations.events import record_and_announce
from conversations.models import Image, Turn
from conversations.presenters import present_image
from conversations.recording import delete_files

VISIBLE, HIDDEN = Image.Moderation.VISIBLE, Image.Moderation.HIDDEN

# (turn ids, image ids) about to be deleted -> a message refusing it, or None.
Guard = Callable[[Sequence[int], Sequence[int]], str | None]
_guards: list[Guard] = []


def register_guard(guard: Guard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def delete_turn(*, turn: Turn, user) -> list[int]:
    """Delete ``turn`` and every turn continued from it; returns their ids."""
    branch = branch_ids(turn)
    turns = Turn.objects.filter(pk__in=branch)
    if turns.filter(status__in=Turn.RUNNING).exists():
        raise InvalidInput(
            gettext("A turn in this branch is still running; cancel it or wait for it.")
        )
    owner = turn.conversation.owner_id == user.pk
    if not owner and turns.exclude(author=user).exists():
        raise InvalidInput(
            gettext(
                "This branch holds turns other people wrote; only the conversation's owner can "
                "delete it."
            ),
            status=403,
        )
    images = list(Image.objects.filter(turn__in=branch))
    _check_guards(branch, [image.pk for image in images])
    with transaction.atomic():
        record_and_announce(turn, "turn.deleted", deleted_turn_ids=branch)
        turns.delete()
        transaction.on_commit(lambda: delete_files(images))
    return branch


def delete_image(*, image: Image, user) -> Turn:
    """Delete one of a turn's finished images; the turn keeps the others."""
    turn = image.turn
    if image.role != Image.Role.FINAL:
        raise InvalidInput(gettext("Only a turn's finished images can be deleted on their own."))
    if turn.conversation.owner_id != user.pk and turn.author_id != user.pk:
        raise InvalidInput(
            gettext("Only the conversation's owner and the turn's author can delete its images."),
            status=403,
        )
    others = turn.images.filter(role=Image.Role.FINAL, moderation=VISIBLE).exclude(pk=image.pk)
    if not others.exists():
        raise InvalidInput(gettext("This is the turn's only image; delete the turn instead."))
    _check_guards([], [image.pk])
    with transaction.atomic():
        Image.objects.filter(pk=image.pk).delete()
        transaction.on_commit(lambda: delete_files([image]))
        remaining = list(turn.images.all())
        record_and_announce(
            turn,
            "turn.images_changed",
            images=[present_image(i) for i in remaining if i.moderation == VISIBLE],
            hidden_image_ids=[i.pk for i in remaining if i.moderation == HIDDEN],
            removed_image_ids=[image.pk],
        )
    return turn


def branch_ids(turn: Turn) -> list[int]:
    """``turn`` and its descendants, parents before children."""
    ids, frontier = [turn.pk], [turn.pk]
    while frontier:
        frontier = list(Turn.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _check_guards(turn_ids: Sequence[int], image_ids: Sequence[int]) -> None:
    for guard in _guards:
        refusal = guard(turn_ids, image_ids)
        if refusal:
            raise InvalidInput(refusal)
