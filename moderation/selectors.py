"""Reads for the review queue and for flagging, with access built in (None means 404)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import pgettext_lazy

from common.ids import is_id
from conversations.models import Image, Turn
from conversations.presenters import staff_image_url
from moderation.models import AccountStanding, Case, Decision, Flag, Reason

# The image's role and visibility as a reviewer reads them beside its thumbnail (the stored
# values are English words).
IMAGE_ROLE_LABELS = {
    Image.Role.FINAL: pgettext_lazy("image role", "final"),
    Image.Role.PARTIAL: pgettext_lazy("image role", "partial"),
    Image.Role.REFERENCE: pgettext_lazy("image role", "reference"),
    Image.Role.MASK: pgettext_lazy("image role", "mask"),
}
IMAGE_MODERATION_LABELS = {
    Image.Moderation.HIDDEN: pgettext_lazy("image visibility", "hidden"),
    Image.Moderation.REMOVED: pgettext_lazy("image visibility", "removed"),
}

# How far up the conversation a card shows the prompts that led to the reviewed turn.
CONTEXT_DEPTH = 6
BLOCKED_REASON = "blocked"


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_staff


# --- The queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: str = Case.Status.OPEN  # open, decided, or "" for both
    reason: str = ""  # a flag reason, or "blocked" for provider blocks
    user: str = ""  # the author's or a reporter's username
    team_id: int | None = None


def review_queue(filters: QueueFilters) -> QuerySet[Case]:
    cases = (
        Case.objects.select_related(
            "turn__author", "turn__conversation__team", "image", "decided_by"
        )
        .annotate(flag_count=Count("flags"))
        # Explicit: an aggregate drops the model's default ordering, and pages need one.
        .order_by("-updated_at", "-id")
    )
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.reason == BLOCKED_REASON:
        cases = cases.filter(kind=Case.Kind.BLOCKED)
    elif filters.reason:
        cases = cases.filter(pk__in=Flag.objects.filter(reason=filters.reason).values("case_id"))
    if filters.user:
        reported = Flag.objects.filter(reporter__username__iexact=filters.user)
        cases = cases.filter(
            Q(turn__author__username__iexact=filters.user) | Q(pk__in=reported.values("case_id"))
        )
    if filters.team_id is not None:
        in_gallery = Flag.objects.filter(gallery_item__gallery__team_id=filters.team_id)
        cases = cases.filter(
            Q(turn__conversation__team_id=filters.team_id) | Q(pk__in=in_gallery.values("case_id"))
        )
    return cases


def get_cases_for_staff(user, case_ids: list[Any]) -> list[Case]:
    if not is_staff(user):
        return []
    ids = [int(pk) for pk in case_ids if is_id(pk)]
    return list(
        Case.objects.filter(pk__in=ids)
        .select_related("turn__author", "image")
        .prefetch_related("flags")
    )


@dataclass
class ReviewCard:
    """Everything a reviewer needs about one case, read in a handful of queries per page."""

    case: Case
    images: list[Image]
    flags: list[Flag]
    decisions: list[Decision]
    reasons: list[tuple[str, int]]
    context: list[Turn] = field(default_factory=list)
    standing: AccountStanding | None = None

    @property
    def thumbs(self) -> list[dict[str, Any]]:
        return [
            {
                "image": image,
                "role": IMAGE_ROLE_LABELS.get(image.role, image.role),
                "moderation": IMAGE_MODERATION_LABELS.get(image.moderation, image.moderation),
                "url": staff_image_url(image),
                "thumbnail_url": staff_image_url(image, thumbnail=True),
            }
            for image in self.images
        ]


def review_cards(cases: list[Case]) -> list[ReviewCard]:
    flags = _by_case(Flag.objects.select_related("reporter", "gallery_item__gallery"), cases)
    decisions = _by_case(Decision.objects.select_related("actor"), cases)
    blocked_turns = [c.turn_id for c in cases if c.kind == Case.Kind.BLOCKED]
    turn_images: dict[int, list[Image]] = {}
    for image in Image.objects.filter(turn_id__in=blocked_turns):
        turn_images.setdefault(image.turn_id, []).append(image)
    ancestors = _ancestors([c.turn for c in cases])
    standings = AccountStanding.objects.in_bulk(
        [c.turn.author_id for c in cases], field_name="user_id"
    )
    return [
        ReviewCard(
            case=case,
            images=[case.image] if case.image else turn_images.get(case.turn_id, []),
            flags=flags.get(case.pk, []),
            decisions=decisions.get(case.pk, []),
            reasons=[
                (Reason(reason).label, count)
                for reason, count in Counter(f.reason for f in flags.get(case.pk, [])).most_common()
            ],
            context=ancestors.get(case.turn_id, []),
            standing=standings.get(case.turn.author_id),
        )
        for case in cases
    ]


def _by_case(rows: QuerySet, cases: list[Case]) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows.filter(case__in=cases):
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def _ancestors(turns: list[Turn]) -> dict[int, list[Turn]]:
    """The turns each turn continued, oldest first: one query per level, not per turn."""
    known: dict[int, Turn] = {turn.pk: turn for turn in turns}
    wanted = {turn.parent_id for turn in turns} - {None}
    for _level in range(CONTEXT_DEPTH):
        wanted -= set(known)
        if not wanted:
            break
        found = list(Turn.objects.filter(pk__in=wanted).only("id", "parent_id", "prompt"))
        for turn in found:
            known[turn.pk] = turn
        wanted = {turn.parent_id for turn in found} - {None}
    chains: dict[int, list[Turn]] = {}
    for turn in turns:
        chain, parent_id = [], turn.parent_id
        while parent_id in known and len(chain) < CONTEXT_DEPTH:
            chain.append(known[parent_id])
            parent_id = known[parent_id].parent_id
        chains[turn.pk] = list(reversed(chain))
    return chains
