"""Reads with access built in: a user who may not see a thing gets None (views answer 404).

Who may see or continue a conversation shared with a team is read with ORM lookups through
the relations the teams app adds (``Conversation.team`` and a user's ``memberships``, each
with its team and role) rather than by asking that app: a check stays one query, and this
app imports nothing above it. ``EDITING_ROLES`` is the one thing of teams it names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet

from common.ids import is_id
from conversations.models import Conversation, Image, Turn
from conversations.presenters import present_conversation, present_turn

User = AbstractBaseUser | AnonymousUser

# The team roles that may add turns to a conversation shared with the team
# (teams.models.Membership.EDITING_ROLES; a test keeps the two equal).
EDITING_ROLES = ("owner", "editor")


def visible_conversations(user: User) -> QuerySet[Conversation]:
    """The user's own conversations and those shared with any of the user's teams."""
    if not user.is_authenticated:
        return Conversation.objects.none()
    return Conversation.objects.filter(Q(owner=user) | Q(team__in=_team_ids(user)))


def can_add_turns(user: User, conversation: Conversation) -> bool:
    """The owner, and the editors and owners of the team it is shared with."""
    if conversation.owner_id == user.pk:
        return True
    if conversation.team_id is None or not user.is_authenticated:
        return False
    editing = _team_ids(user).filter(role__in=EDITING_ROLES)
    return editing.filter(team_id=conversation.team_id).exists()


def may_share_with(owner: User, team_id: Any) -> bool:
    """An owner shares a conversation only with a team the owner belongs to."""
    return is_id(team_id) and _team_ids(owner).filter(team_id=team_id).exists()


def _team_ids(user: User) -> QuerySet:
    return user.memberships.values("team_id")


def conversation_permissions(user: User, conversation: Conversation) -> dict[str, bool]:
    """What the page may offer this user; the views check the same rules again."""
    return {
        "add_turns": can_add_turns(user, conversation),
        "manage": conversation.owner_id == user.pk,
    }


def list_conversations(user: User, *, query: str = "") -> QuerySet[Conversation]:
    conversations = visible_conversations(user).select_related("owner", "team")
    if query:
        conversations = conversations.filter(
            Q(title__icontains=query) | Q(turns__prompt__icontains=query)
        ).distinct()
    return conversations


def get_conversation_for_user(user: User, conversation_id: Any) -> Conversation | None:
    if not is_id(conversation_id):
        return None
    conversations = visible_conversations(user).select_related("owner", "team")
    return conversations.filter(pk=conversation_id).first()


def get_turn_for_user(user: User, turn_id: Any) -> Turn | None:
    if not is_id(turn_id):
        return None
    return (
        Turn.objects.filter(pk=turn_id, conversation__in=visible_conversations(user))
        .select_related("conversation", "author")
        .first()
    )


def get_image_for_user(user: User, image_id: Any) -> Image | None:
    """An image of a conversation the user may see, unless moderation took it down for them."""
    if not is_id(image_id):
        return None
    return (
        Image.objects.visible_to(user)
        .filter(pk=image_id, turn__conversation__in=visible_conversations(user))
        .select_related("turn")
        .first()
    )


def get_image_for_staff(user: User, image_id: Any) -> Image | None:
    """Any image, hidden ones too, for staff; None for everyone else."""
    if not (user.is_authenticated and user.is_staff) or not is_id(image_id):
        return None
    return Image.objects.visible_to(user).filter(pk=image_id).first()


def turn_images_for_user(user: User, turn: Turn) -> list[Image]:
    return list(Image.objects.visible_to(user).filter(turn=turn))


def present_turn_for_user(user: User, turn: Turn) -> dict[str, Any]:
    return present_turn(turn, turn_images_for_user(user, turn))


def turns_with_images(conversation: Conversation, *, user: User, after: int = 0) -> QuerySet[Turn]:
    images = Image.objects.visible_to(user).order_by("role", "position", "partial_index", "id")
    return (
        conversation.turns.filter(sequence__gt=after)
        .select_related("author")
        .prefetch_related(Prefetch("images", queryset=images))
        .order_by("id")
    )


def conversation_snapshot(
    conversation: Conversation, *, user: User, after: int = 0
) -> dict[str, Any]:
    """The conversation as ``user`` may see it; with ``after``, only the turns changed since.

    Each turn row carries the sequence of its latest event, so "what a browser missed since
    N" is exactly the turns whose sequence is above N, in their current state.
    """
    with one_moment_of_the_database():
        conversation.refresh_from_db(fields=["last_sequence", "title", "team", "updated_at"])
        turns = [
            present_turn(turn, list(turn.images.all()))
            for turn in turns_with_images(conversation, user=user, after=after)
        ]
    return {
        "type": "snapshot",
        "sequence": max([conversation.last_sequence, *(t["sequence"] for t in turns)]),
        "after": after,
        "conversation": present_conversation(conversation),
        "turns": turns,
        # Every turn that still exists, so a page that missed a deletion drops what is gone.
        "turn_ids": list(conversation.turns.values_list("pk", flat=True)),
    }


@contextmanager
def one_moment_of_the_database() -> Iterator[None]:
    """Every query inside reads the database as it was at one moment.

    A snapshot reads the conversation, its turns and their images in separate queries; a
    turn written between two of them would show an image its sequence does not cover, and
    the event announcing that image would then be applied on top of it a second time.
    """
    if connection.in_atomic_block:
        # Inside a caller's transaction, which decides what the reads see.
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
