"""Every user-initiated write: conversations, starting, cancelling and retrying turns."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.errors import InvalidInput
from common.text import clean_text
from conversations import admission, failures, streams
from conversations.admission import Applicant, Candidate
from conversations.dispatch import dispatch_turn
from conversations.events import check_access_on_commit, record_and_announce
from conversations.models import Conversation, Image, Turn
from conversations.planning import (
    TurnPlan,
    TurnRequest,
    Upload,
    options_dict,
    plan_turn,
    read_prompt,
)
from conversations.presenters import present_image
from conversations.recording import delete_files, store_upload
from conversations.selectors import may_share_with

TITLE_MAX = 200


# --- Conversations ------------------------------------------------------------------------


def create_conversation(
    *, owner, title: str = "", default_options: dict | None = None
) -> Conversation:
    conversation = Conversation(
        owner=owner,
        title=clean_text(title, field="title", max_length=TITLE_MAX),
        default_options=options_dict(default_options or {}),
    )
    conversation.save()
    return conversation


def rename_conversation(*, conversation: Conversation, title: str) -> Conversation:
    conversation.title = clean_text(title, field="title", max_length=TITLE_MAX)
    conversation.save(update_fields=["title", "updated_at"])
    return conversation


def share_conversation(*, conversation: Conversation, team_id: Any) -> Conversation:
    """Share with one of the owner's teams, or stop sharing with ``team_id`` None."""
    if team_id is None:
        team = None
    else:
        if not may_share_with(conversation.owner, team_id):
            raise InvalidInput(gettext("That team does not exist."), field="team_id", status=404)
        team = int(team_id)
    was_shared = conversation.team_id is not None
    with transaction.atomic():
        conversation.team_id = team
        conversation.save(update_fields=["team", "updated_at"])
        if was_shared:
            check_access_on_commit(conversation_ids=[conversation.pk])
    return conversation


def delete_conversation(*, conversation: Conversation) -> None:
    images = list(Image.objects.filter(turn__conversation=conversation))
    running = list(conversation.turns.filter(status__in=Turn.RUNNING).values_list("pk", flat=True))
    with transaction.atomic():
        conversation.turns.filter(pk__in=running).update(status=Turn.Status.CANCELLED)
        conversation_id = conversation.pk
        conversation.delete()
        transaction.on_commit(lambda: delete_files(images))
        check_access_on_commit(conversation_ids=[conversation_id])
    for turn_id in running:
        streams.cancel_local(turn_id)


# --- Turns --------------------------------------------------------------------------------


def start_turn(request: TurnRequest) -> Turn:
    """Check the request, then store the turn and its files and dispatch it after commit.

    Nothing is stored when any input is refused: the caller gets InvalidInput with a message
    for the person and the field it concerns. The admission checks other apps register
    (conversations.admission) run before the request is planned, once it is, and in the
    transaction that stores the turn, before anything is sent upstream.
    """
    prompt = read_prompt(api_mode=request.api_mode, prompt=request.prompt)
    admission.screen(Applicant(request.author, request.conversation, prompt))
    plan = plan_turn(request=request, prompt=prompt)
    candidate = _candidate(request, plan)
    candidate = replace(candidate, options={**plan.options, **admission.plan_options(candidate)})
    saved: list[Image] = []
    try:
        with transaction.atomic():
            turn = _create_turn(request, candidate, admission.admit(candidate))
            saved.extend(
                store_upload(turn, upload, role=Image.Role.REFERENCE, position=position)
                for position, upload in enumerate(plan.references)
            )
            if plan.mask is not None:
                saved.append(store_upload(turn, plan.mask, role=Image.Role.MASK))
            record_and_announce(
                turn,
                "turn.queued",
                prompt=turn.prompt,
                api_mode=turn.api_mode,
                images=[present_image(image) for image in saved],
            )
            transaction.on_commit(lambda: dispatch_turn(turn.pk))
    except BaseException:
        delete_files(saved)
        raise
    return turn


def _candidate(request: TurnRequest, plan: TurnPlan) -> Candidate:
    return Candidate(
        author=request.author,
        conversation=request.conversation,
        prompt=plan.prompt,
        api_mode=plan.api_mode,
        model=plan.model,
        options=plan.options,
        provider=plan.provider,
        model_spec=plan.model_spec,
    )


def _create_turn(request: TurnRequest, candidate: Candidate, fields: dict[str, Any]) -> Turn:
    return Turn.objects.create(
        conversation=request.conversation,
        parent=request.parent,
        author=request.author,
        provider=candidate.provider,
        prompt=candidate.prompt,
        api_mode=candidate.api_mode,
        image_model=candidate.model,
        text_model=settings.STUDIO_TEXT_MODEL if candidate.api_mode == "responses" else "",
        options=dict(candidate.options),
        **fields,
    )


def cancel_turn(*, turn: Turn) -> Turn:
    """Stop a queued or streaming turn; a finished turn is left as it is."""
    with transaction.atomic():
        updated = Turn.objects.filter(pk=turn.pk, status__in=Turn.RUNNING).update(
            status=Turn.Status.CANCELLED,
            completed_at=timezone.now(),
            error_code="cancelled",
            error_message=failures.english(failures.failure("cancelled")),
            error_detail=failures.stored(failures.failure("cancelled")),
        )
        turn.refresh_from_db()
        if not updated:
            return turn
        record_and_announce(turn, "turn.cancelled")
    streams.cancel_local(turn.pk)
    return turn


def retry_turn(*, turn: Turn, author) -> Turn:
    """Start the same request again as a sibling of ``turn``, keeping the failed one."""
    if turn.is_running:
        raise InvalidInput(gettext("This turn is still running; cancel it first or wait for it."))
    originals = turn.images.filter(role__in=[Image.Role.REFERENCE, Image.Role.MASK])
    if originals.exclude(moderation=Image.Moderation.VISIBLE).exists():
        raise InvalidInput(
            gettext(
                "Moderation took down an image this turn sent, so it cannot be sent again; start "
                "a new turn instead."
            )
        )
    inputs: dict[str, list[Upload]] = {}
    for image in originals:
        with image.file.open("rb") as handle:
            inputs.setdefault(image.role, []).append(Upload(image.file.name, handle.read()))
    return start_turn(
        TurnRequest(
            conversation=turn.conversation,
            author=author,
            prompt=turn.prompt,
            parent=turn.parent,
            api_mode=turn.api_mode,
            options={"model": turn.image_model, "provider": turn.provider_id, **turn.options},
            references=inputs.get(Image.Role.REFERENCE, []),
            mask=(inputs.get(Image.Role.MASK) or [None])[0],
        )
    )
