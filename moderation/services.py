"""Every moderation write: flags, staff decisions on cases, warnings and suspensions.

Each staff decision leaves a Decision row (who, when, what, why, which images) in the same
transaction as its effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.errors import InvalidInput
from common.text import clean_text
from conversations.image_visibility import set_image_moderation
from conversations.models import Image
from moderation.models import AccountStanding, Case, Decision, Flag, Reason

NOTE_MAX = 1000
Action = Decision.Action

# What each content decision does to the images a case covers.
IMAGE_STATES = {
    Action.KEEP: Image.Moderation.VISIBLE,
    Action.HIDE: Image.Moderation.HIDDEN,
    Action.REMOVE: Image.Moderation.REMOVED,
}


@dataclass(frozen=True)
class FlagResult:
    flag: Flag
    merged: bool


# --- Flags --------------------------------------------------------------------------------


def flag_image(
    *, reporter, image: Image, reason: Any, note: Any = "", gallery_item=None
) -> FlagResult:
    """Report an image the reporter can see; a repeated report by the same person is merged.

    A new reporter reopens a case staff already decided: they may have seen something new.
    """
    reason = _reason(reason)
    note = _note(note)
    with transaction.atomic():
        case, _ = Case.objects.get_or_create(
            kind=Case.Kind.FLAG, image=image, defaults={"turn_id": image.turn_id}
        )
        flag, created = Flag.objects.get_or_create(
            case=case,
            reporter=reporter,
            defaults={"reason": reason, "note": note, "gallery_item": gallery_item},
        )
        if not created:
            flag.reason = reason
            flag.note = note or flag.note
            flag.gallery_item = gallery_item or flag.gallery_item
            flag.save()
        if created and not case.is_open:
            case.status = Case.Status.OPEN
        # Saved either way: updated_at puts fresh activity at the top of the queue.
        case.save()
    return FlagResult(flag=flag, merged=not created)


# --- Decisions ----------------------------------------------------------------------------


def decide_cases(
    *, actor, cases: Iterable[Case], action: str, author_action: str = "", note: Any = ""
) -> list[Decision]:
    """Keep, hide or remove what each case covers, optionally warning or suspending authors.

    Every case ends decided; a decided case may be decided again (keeping a hidden image
    shows it again; a removed image's files are gone for good).
    """
    if action not in Decision.CONTENT_ACTIONS:
        raise InvalidInput(gettext("Choose keep, hide or remove."), field="action")
    if author_action and author_action not in Decision.AUTHOR_ACTIONS:
        raise InvalidInput(gettext("The author can be warned or suspended."), field="author_action")
    note = _note(note)
    cases = list(cases)
    decisions: list[Decision] = []
    with transaction.atomic():
        for case in cases:
            decisions.append(_decide(case, actor, action, note))
        if author_action:
            decisions += _act_on_authors(cases, actor, author_action, note)
    return decisions


def _decide(case: Case, actor, action: str, note: str) -> Decision:
    changed = set_image_moderation(case_images(case), IMAGE_STATES[action])
    case.status = Case.Status.DECIDED
    case.resolution = action
    case.decided_at = timezone.now()
    case.decided_by = actor
    case.save()
    return Decision.objects.create(
        case=case,
        actor=actor,
        subject=case.turn.author,
        action=action,
        note=note,
        turn_id=case.turn_id,
        image_ids=[image.pk for image in changed],
    )


def _act_on_authors(cases: Iterable[Case], actor, action: str, note: str) -> list[Decision]:
    """One warning or suspension per author, however many of their cases were selected."""
    first_case_by_author: dict[int, Case] = {}
    for case in cases:
        first_case_by_author.setdefault(case.turn.author_id, case)
    decisions = []
    for case in first_case_by_author.values():
        author = case.turn.author
        if action == Action.WARN:
            warn_user(user=author, reason=case_reason_label(case))
        else:
            suspend_user(user=author, reason=case_reason_label(case))
        decisions.append(
            Decision.objects.create(
                case=case,
                actor=actor,
                subject=author,
                action=action,
                note=note,
                turn_id=case.turn_id,
            )
        )
    return decisions


def case_images(case: Case) -> list[Image]:
    """What a decision acts on: the flagged image with the previews that led to it, or
    everything a blocked turn holds (the images it sent and any partial it streamed)."""
    if case.kind == Case.Kind.BLOCKED:
        return list(case.turn.images.all())
    if case.image.role != Image.Role.FINAL:
        return [case.image]
    partials = case.turn.images.filter(role=Image.Role.PARTIAL)
    return [case.image, *partials]


def case_reason_label(case: Case) -> str:
    """The rule the author is told about: the reporters' most common reason."""
    if case.kind == Case.Kind.BLOCKED:
        return gettext("blocked by the image provider's safety system")
    reasons = [flag.reason for flag in case.flags.all()]
    if not reasons:
        return Reason.OTHER.label
    top = max(set(reasons), key=reasons.count)
    return Reason(top).label


# --- Standing -----------------------------------------------------------------------------


def warn_user(*, user, reason: str) -> AccountStanding:
    standing, _ = AccountStanding.objects.get_or_create(user=user)
    standing.warned_count += 1
    standing.last_warned_at = timezone.now()
    standing.warning_reason = reason[:200]
    standing.save()
    return standing


def suspend_user(*, user, reason: str) -> AccountStanding:
    standing, _ = AccountStanding.objects.get_or_create(user=user)
    if standing.suspended_at is None:
        standing.suspended_at = timezone.now()
    standing.suspension_reason = reason[:200]
    standing.save()
    return standing


def lift_suspension(*, actor, user, note: Any = "") -> Decision | None:
    """Let a suspended person start turns again; None when they were not suspended."""
    note = _note(note)
    with transaction.atomic():
        updated = AccountStanding.objects.filter(user=user, suspended_at__isnull=False).update(
            suspended_at=None, suspension_reason="", updated_at=timezone.now()
        )
        if not updated:
            return None
        return Decision.objects.create(
            actor=actor, subject=user, action=Action.LIFT_SUSPENSION, note=note
        )


def dismiss_warning(*, user) -> None:
    AccountStanding.objects.filter(user=user).update(warning_dismissed_at=timezone.now())


# --- Input --------------------------------------------------------------------------------


def _reason(value: Any) -> str:
    if value not in Reason.values:
        raise InvalidInput(
            gettext("Choose a reason: %(reasons)s.") % {"reasons": ", ".join(Reason.values)},
            field="reason",
        )
    return value


def _note(value: Any) -> str:
    return clean_text(value, field="note", max_length=NOTE_MAX)
