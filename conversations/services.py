"""Every user-initiated write: conversations, starting, cancelling and retrying turns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conversations import imaging, streams
from conversations.dispatch import dispatch_turn
from conversations.errors import InvalidInput
from conversations.events import check_access_on_commit, publish_on_commit
from conversations.models import Conversation, Image, Turn
from conversations.presenters import present_image, turn_event
from conversations.recording import advance_sequence, delete_files, store_image
from moderation.blocked_terms import find_blocked_term
from moderation.policy import moderation_level
from moderation.standing import is_suspended
from providers.models import Provider
from providers.selection import Choice, ChoiceRefused, choose
from teams.access import get_membership
from upstream.capabilities import validate_options
from upstream.errors import InvalidRequest
from usage.limits import check_turn_allowed

TITLE_MAX = 200
IMAGE_MODES = {Turn.ApiMode.EDIT, Turn.ApiMode.VARIATION}
SUSPENDED_MESSAGE = (
    "Your account is suspended, so you cannot start or retry images. You can still look at "
    "your conversations; ask the site's staff if you think this is a mistake."
)


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the view received it."""

    name: str
    data: bytes


# --- Conversations ------------------------------------------------------------------------


def create_conversation(
    *, owner, title: str = "", default_options: dict | None = None
) -> Conversation:
    conversation = Conversation(
        owner=owner,
        title=clean_text(title, field="title", max_length=TITLE_MAX),
        default_options=_options_dict(default_options or {}),
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
        membership = get_membership(conversation.owner, team_id)
        if membership is None:
            raise InvalidInput("That team does not exist.", field="team_id", status=404)
        team = membership.team
    was_shared = conversation.team_id is not None
    with transaction.atomic():
        conversation.team = team
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


def start_turn(
    *,
    conversation: Conversation,
    author,
    prompt: str,
    parent: Turn | None = None,
    api_mode: str = Turn.ApiMode.RESPONSES,
    options: dict | None = None,
    references: list[Upload] = (),
    mask: Upload | None = None,
) -> Turn:
    """Validate everything, then store the turn and its files and dispatch it after commit.

    Nothing is stored when any input is refused: the caller gets InvalidInput with a message
    for the person and the field it concerns. Running-turn limits and budgets are checked
    in the same transaction that stores the turn, before anything is sent upstream.
    """
    if is_suspended(author):
        raise InvalidInput(SUSPENDED_MESSAGE, status=403)
    plan = _plan_turn(conversation, prompt, parent, api_mode, options or {}, references, mask)
    saved: list[Image] = []
    try:
        with transaction.atomic():
            estimate = check_turn_allowed(
                author=author,
                conversation=conversation,
                model=plan.model,
                api_mode=plan.api_mode,
                options=plan.options,
                prices=plan.provider.prices,
            )
            turn = Turn.objects.create(
                conversation=conversation,
                parent=parent,
                author=author,
                provider=plan.provider,
                prompt=plan.prompt,
                api_mode=plan.api_mode,
                image_model=plan.model,
                text_model=settings.STUDIO_TEXT_MODEL if plan.api_mode == "responses" else "",
                options=plan.options,
                **estimate.turn_fields(),
            )
            for position, data in enumerate(plan.references):
                saved.append(store_image(turn, data, role=Image.Role.REFERENCE, position=position))
            if plan.mask is not None:
                saved.append(store_image(turn, plan.mask, role=Image.Role.MASK))
            advance_sequence(turn)
            publish_on_commit(
                conversation.pk,
                turn_event(
                    turn,
                    "turn.queued",
                    prompt=turn.prompt,
                    api_mode=turn.api_mode,
                    images=[present_image(image) for image in saved],
                ),
            )
            transaction.on_commit(lambda: dispatch_turn(turn.pk))
    except BaseException:
        delete_files(saved)
        raise
    return turn


def cancel_turn(*, turn: Turn) -> Turn:
    """Stop a queued or streaming turn; a finished turn is left as it is."""
    with transaction.atomic():
        updated = Turn.objects.filter(pk=turn.pk, status__in=Turn.RUNNING).update(
            status=Turn.Status.CANCELLED,
            completed_at=timezone.now(),
            error_code="cancelled",
            error_message="Cancelled.",
        )
        turn.refresh_from_db()
        if not updated:
            return turn
        advance_sequence(turn)
        publish_on_commit(turn.conversation_id, turn_event(turn, "turn.cancelled"))
    streams.cancel_local(turn.pk)
    return turn


def retry_turn(*, turn: Turn, author) -> Turn:
    """Start the same request again as a sibling of ``turn``, keeping the failed one."""
    if turn.is_running:
        raise InvalidInput("This turn is still running; cancel it first or wait for it.")
    originals = turn.images.filter(role__in=[Image.Role.REFERENCE, Image.Role.MASK])
    if originals.exclude(moderation=Image.Moderation.VISIBLE).exists():
        raise InvalidInput(
            "Moderation took down an image this turn sent, so it cannot be sent again; start "
            "a new turn instead."
        )
    inputs: dict[str, list[Upload]] = {}
    for image in originals:
        with image.file.open("rb") as handle:
            inputs.setdefault(image.role, []).append(Upload(image.file.name, handle.read()))
    return start_turn(
        conversation=turn.conversation,
        author=author,
        prompt=turn.prompt,
        parent=turn.parent,
        api_mode=turn.api_mode,
        options={"model": turn.image_model, "provider": turn.provider_id, **turn.options},
        references=inputs.get(Image.Role.REFERENCE, []),
        mask=(inputs.get(Image.Role.MASK) or [None])[0],
    )


# --- Validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _TurnPlan:
    prompt: str
    api_mode: str
    provider: Provider
    model: str
    options: dict[str, Any]
    references: list[bytes]
    mask: bytes | None


def _plan_turn(conversation, prompt, parent, api_mode, options, references, mask) -> _TurnPlan:
    if api_mode not in Turn.ApiMode.values:
        raise InvalidInput(
            f"Unknown API mode {api_mode!r}; choose one of {', '.join(Turn.ApiMode.values)}.",
            field="api_mode",
        )
    prompt = clean_text(prompt, field="prompt", max_length=None)
    if not prompt and api_mode != Turn.ApiMode.VARIATION:
        raise InvalidInput("Write a prompt first.", field="prompt")
    _check_blocked_terms(prompt)
    if parent is not None:
        _check_parent(conversation, parent)
    merged = {**conversation.default_options, **_options_dict(options)}
    # The provider's moderation level is the site's or the team's policy, not a turn's choice.
    merged.pop("moderation", None)
    choice = _choose(conversation, merged, api_mode)
    model = choice.model
    reference_infos = [
        _inspect(upload, f"reference image {i + 1}") for i, upload in enumerate(references)
    ]
    source = _source_image(parent, reference_infos, api_mode)
    normalized = _validate(
        choice,
        api_mode,
        merged,
        prompt,
        image_count=len(references) or (1 if source else 0),
        has_mask=mask is not None,
    )
    if choice.spec.is_gpt_image:
        normalized["moderation"] = moderation_level(conversation)
    mask_bytes = _mask_bytes(mask, source) if mask is not None else None
    return _TurnPlan(
        prompt,
        api_mode,
        choice.provider,
        model,
        normalized,
        [upload.data for upload in references],
        mask_bytes,
    )


def _choose(conversation: Conversation, options: dict, api_mode: str) -> Choice:
    """The provider and model (taken out of ``options``), refused before anything is sent."""
    try:
        return choose(
            provider_id=options.pop("provider", None),
            model=str(options.pop("model", "") or ""),
            mode=api_mode,
            team=conversation.team if conversation.team_id else None,
        )
    except ChoiceRefused as exc:
        raise InvalidInput(exc.message, field=exc.field, status=exc.status) from None


def _check_parent(conversation: Conversation, parent: Turn) -> None:
    if parent.conversation_id != conversation.pk:
        raise InvalidInput("That earlier turn belongs to another conversation.", field="parent_id")
    if parent.status != Turn.Status.COMPLETED:
        raise InvalidInput(
            "You can continue only from a turn that finished with an image.", field="parent_id"
        )
    finals = parent.images.filter(role=Image.Role.FINAL)
    if not finals.filter(moderation=Image.Moderation.VISIBLE).exists():
        raise InvalidInput(
            "Moderation took down that turn's image; continue from another one.",
            field="parent_id",
        )


def _check_blocked_terms(prompt: str) -> None:
    term = find_blocked_term(prompt)
    if term is not None:
        # The term comes from the staff's list, never from the prompt, so it is safe to name.
        raise InvalidInput(
            f"The prompt contains “{term}”, which is not allowed here; rephrase it.",
            field="prompt",
        )


def _inspect(upload: Upload, label: str) -> imaging.ImageInfo:
    try:
        return imaging.inspect_image(
            upload.data,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_pixels=settings.UPLOAD_MAX_PIXELS,
            label=label,
        )
    except imaging.InvalidImage as exc:
        raise InvalidInput(str(exc), field="references") from None


def _source_image(parent, reference_infos, api_mode) -> tuple[int, int] | None:
    """The size of the image this turn edits: the first reference, else the parent's image."""
    if reference_infos:
        return (reference_infos[0].width, reference_infos[0].height)
    final = None
    if parent is not None:
        visible = parent.images.filter(moderation=Image.Moderation.VISIBLE)
        final = visible.filter(role=Image.Role.FINAL).first()
    if final is not None:
        return (final.width, final.height)
    if api_mode in IMAGE_MODES:
        raise InvalidInput(
            f"The {api_mode} mode needs an image: add a reference image or continue from a "
            "turn with an image.",
            field="references",
        )
    return None


def _mask_bytes(mask: Upload, source: tuple[int, int] | None) -> bytes:
    if source is None:
        raise InvalidInput(
            "A mask needs an image to edit: continue from an image or add a reference image.",
            field="mask",
        )
    try:
        imaging.inspect_image(
            mask.data,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_pixels=settings.UPLOAD_MAX_PIXELS,
            label="mask",
        )
        return imaging.prepare_mask(mask.data, size=source)
    except imaging.InvalidImage as exc:
        raise InvalidInput(str(exc), field="mask") from None


def _validate(choice: Choice, api_mode, options, prompt, *, image_count, has_mask) -> dict:
    profile = choice.profile
    try:
        normalized = validate_options(
            model=choice.model,
            mode=api_mode,
            options=options,
            profile=profile,
            prompt=prompt,
            image_count=image_count,
            has_mask=has_mask,
            spec=choice.spec,
        )
    except InvalidRequest as exc:
        raise InvalidInput(exc.message, field=exc.param or "options") from None
    except ValueError as exc:
        raise InvalidInput(str(exc), field="options") from None
    # These would silently answer one image; refusing is better than a surprise.
    if normalized.get("n", 1) > 1 and api_mode == Turn.ApiMode.RESPONSES:
        raise InvalidInput(
            "The Responses API draws one image per turn; ask for several in the prompt or "
            "use the Images API.",
            field="n",
        )
    if normalized.get("n", 1) > 1 and not profile.supports_n:
        raise InvalidInput(
            f"The {profile.name} provider returns one image per request; ask for 1.", field="n"
        )
    return normalized


def _options_dict(options: Any) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise InvalidInput("Options must be a JSON object.", field="options")
    return {str(key): value for key, value in options.items() if value not in (None, "")}


def clean_text(value: Any, *, field: str, max_length: int | None) -> str:
    """Text a person typed, or a clear refusal: no NUL bytes or lone surrogates."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"The {field} must be text.", field=field)
    if "\x00" in value:
        raise InvalidInput(f"The {field} contains a NUL character; remove it.", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"The {field} contains broken characters (lone surrogates); retype it.", field=field
        ) from None
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(f"The {field} is longer than {max_length} characters.", field=field)
    return value
