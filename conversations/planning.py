"""From what a person sent to a turn that can be stored: validation, decided in one pass.

The view builds a ``TurnRequest`` from the HTTP request (a retry builds one from the
turn it repeats); ``read_prompt`` and ``plan_turn`` check it and refuse with InvalidInput
(a message for the person and the field it concerns). Every upload is decoded once, here:
the plan carries its bytes, description and thumbnail on to storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, pgettext

from common.errors import InvalidInput
from common.text import clean_text
from common.translate import user_message
from conversations import imaging
from conversations.models import Conversation, Image, Turn
from providers.models import Provider
from providers.selection import Choice, ChoiceRefused, choose
from upstream.capabilities import validate_options
from upstream.errors import InvalidRequest
from upstream.model_specs import ImageModelSpec

IMAGE_MODES = {Turn.ApiMode.EDIT, Turn.ApiMode.VARIATION}


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the view received it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class TurnRequest:
    """A new turn as asked for, before any of it is checked."""

    conversation: Conversation
    author: Any
    prompt: Any
    parent: Turn | None = None
    api_mode: Any = Turn.ApiMode.RESPONSES
    options: Any = field(default_factory=dict)
    references: list[Upload] = field(default_factory=list)
    mask: Upload | None = None


@dataclass(frozen=True)
class TurnPlan:
    """A checked turn: what to store and send."""

    prompt: str
    api_mode: str
    provider: Provider
    model: str
    model_spec: ImageModelSpec
    options: dict[str, Any]
    references: list[imaging.CheckedImage]
    mask: imaging.CheckedImage | None


def read_prompt(*, api_mode: Any, prompt: Any) -> str:
    """The API mode is known and the prompt is text (required unless a variation)."""
    if api_mode not in Turn.ApiMode.values:
        raise InvalidInput(
            gettext("Unknown API mode %(mode)r; choose one of %(modes)s.")
            % {"mode": api_mode, "modes": ", ".join(Turn.ApiMode.values)},
            field="api_mode",
        )
    prompt = clean_text(prompt, field="prompt", max_length=None)
    if not prompt and api_mode != Turn.ApiMode.VARIATION:
        raise InvalidInput(gettext("Write a prompt first."), field="prompt")
    return prompt


def plan_turn(*, request: TurnRequest, prompt: str) -> TurnPlan:
    """Check the parent, the uploads and the options of a request whose prompt was read."""
    conversation, parent, api_mode = request.conversation, request.parent, request.api_mode
    if parent is not None:
        _check_parent(conversation=conversation, parent=parent)
    merged = {**conversation.default_options, **options_dict(request.options)}
    # The provider's moderation level is the site's or the team's policy, not a turn's choice.
    merged.pop("moderation", None)
    choice = _choose(conversation=conversation, options=merged, api_mode=api_mode)
    references = [
        _check_upload(
            upload,
            label=gettext("reference image %(number)s") % {"number": i + 1},
            field="references",
        )
        for i, upload in enumerate(request.references)
    ]
    parent_image = _parent_image(parent)
    source = _source_size(parent_image=parent_image, references=references, api_mode=api_mode)
    normalized = _validate_options(
        choice=choice,
        api_mode=api_mode,
        options=merged,
        prompt=prompt,
        image_count=len(references) + (1 if parent_image else 0),
        has_mask=request.mask is not None,
    )
    mask = None
    if request.mask is not None:
        mask = _check_mask(request.mask, source=source)
    return TurnPlan(
        prompt, api_mode, choice.provider, choice.model, choice.spec, normalized, references, mask
    )


def options_dict(options: Any) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise InvalidInput(gettext("Options must be a JSON object."), field="options")
    return {str(key): value for key, value in options.items() if value not in (None, "")}


def _choose(*, conversation: Conversation, options: dict, api_mode: str) -> Choice:
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


def _check_parent(*, conversation: Conversation, parent: Turn) -> None:
    if parent.conversation_id != conversation.pk:
        raise InvalidInput(
            gettext("That earlier turn belongs to another conversation."), field="parent_id"
        )
    if parent.status != Turn.Status.COMPLETED:
        raise InvalidInput(
            gettext("You can continue only from a turn that finished with an image."),
            field="parent_id",
        )
    finals = parent.images.filter(role=Image.Role.FINAL)
    if not finals.filter(moderation=Image.Moderation.VISIBLE).exists():
        raise InvalidInput(
            gettext("Moderation took down that turn's image; continue from another one."),
            field="parent_id",
        )


def _check_upload(
    upload: Upload, *, label: str, field: str, mask_for: tuple[int, int] | None = None
) -> imaging.CheckedImage:
    try:
        return imaging.check_upload(
            upload.data,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_pixels=settings.UPLOAD_MAX_PIXELS,
            label=label,
            mask_for=mask_for,
        )
    except imaging.InvalidImage as exc:
        raise InvalidInput(str(exc), field=field) from None


def _check_mask(mask: Upload, *, source: tuple[int, int] | None) -> imaging.CheckedImage:
    if source is None:
        raise InvalidInput(
            gettext(
                "A mask needs an image to edit: continue from an image or add a reference image."
            ),
            field="mask",
        )
    return _check_upload(mask, label=pgettext("an upload", "mask"), field="mask", mask_for=source)


def _parent_image(parent: Turn | None) -> Image | None:
    """The parent's picture a follow-up edits (chain.py sends it first)."""
    if parent is None:
        return None
    visible = parent.images.filter(role=Image.Role.FINAL, moderation=Image.Moderation.VISIBLE)
    return visible.order_by("position", "id").first()


def _source_size(
    *, parent_image: Image | None, references: list[imaging.CheckedImage], api_mode: str
) -> tuple[int, int] | None:
    """The size of the image this turn edits: the parent's image, else the first reference."""
    if parent_image is not None:
        return (parent_image.width, parent_image.height)
    if references:
        return (references[0].info.width, references[0].info.height)
    if api_mode in IMAGE_MODES:
        raise InvalidInput(
            gettext(
                "The %(mode)s mode needs an image: add a reference image or continue from a "
                "turn with an image."
            )
            % {"mode": api_mode},
            field="references",
        )
    return None


def _validate_options(
    *,
    choice: Choice,
    api_mode: str,
    options: dict[str, Any],
    prompt: str,
    image_count: int,
    has_mask: bool,
) -> dict[str, Any]:
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
        raise InvalidInput(user_message(exc), field=exc.param or "options") from None
    except ValueError as exc:
        raise InvalidInput(str(exc), field="options") from None
    # These would silently answer one image; refusing is better than a surprise.
    if normalized.get("n", 1) > 1 and api_mode == Turn.ApiMode.RESPONSES:
        raise InvalidInput(
            gettext(
                "The Responses API draws one image per turn; ask for several in the prompt or "
                "use the Images API."
            ),
            field="n",
        )
    if normalized.get("n", 1) > 1 and not profile.supports_n:
        raise InvalidInput(
            gettext("The %(provider)s provider returns one image per request; ask for 1.")
            % {"provider": profile.name},
            field="n",
        )
    return normalized
