"""From a turn and its ancestors to the upstream call that continues the conversation.

Continuation is a strategy chosen by the provider profile (architecture decision 4): the
parent's response id, a reference to the parent's image call, or the parent's image resent
as input. When a provider rejects a stored id the call falls back to resending the image.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from conversations.models import Image, Turn
from providers.clients import profile_for
from upstream.capabilities import get_model
from upstream.chat.request import ChatTurn, build_chat_body
from upstream.client import InputFile, UpstreamClient
from upstream.gateway_models import gateway_model, is_chat_image_model
from upstream.profiles import ProviderProfile, get_profile
from upstream.requests import Continuation, build_images_params, build_responses_body
from upstream.stream import ImagesResult, ImageStream

RESEND_IMAGE = Turn.Continuation.RESEND_IMAGE

# Stored in English; the sentence is its own msgid, translated when shown (presenters).
NOTES = {
    Turn.Continuation.PREVIOUS_RESPONSE_ID: gettext_noop(
        "Continued from the parent's stored response."
    ),
    Turn.Continuation.IMAGE_CALL: gettext_noop(
        "Referenced the parent's image by its image-call id."
    ),
    Turn.Continuation.RESEND_IMAGE: gettext_noop("Resent the parent's image as input."),
    Turn.Continuation.NONE: "",
}


@dataclass(frozen=True)
class UpstreamCall:
    """One request to the provider, ready to send, and how it continues the chain."""

    mode: str
    payload: dict[str, Any]
    continuation: str = ""
    previous_response_id: str = ""
    note: str = ""
    images: list[InputFile] = field(default_factory=list)
    mask: InputFile | None = None
    # A gateway's chat image model: POST /chat/completions, whatever the turn's mode.
    chat: bool = False

    @property
    def streams(self) -> bool:
        if self.chat or self.mode == Turn.ApiMode.RESPONSES:
            return True
        return self.payload.get("stream") in (True, "true")

    def open(self, client: UpstreamClient) -> ImageStream:
        if self.chat:
            return client.stream_chat_images(self.payload)
        if self.mode == Turn.ApiMode.RESPONSES:
            return client.stream_response(self.payload)
        if self.mode == Turn.ApiMode.GENERATE:
            return client.stream_generate_images(self.payload)
        return client.stream_edit_images(self.payload, self.images, self.mask)

    def send(self, client: UpstreamClient) -> ImagesResult:
        if self.mode == Turn.ApiMode.GENERATE:
            return client.generate_images(self.payload)
        if self.mode == Turn.ApiMode.EDIT:
            return client.edit_images(self.payload, self.images, self.mask)
        return client.create_variation(self.payload, self.images[0])


@dataclass(frozen=True)
class CallPlan:
    """The call to make, and the one to make instead if the provider rejects a stored id:
    the same request resending the parent's image. None when no stored id is used."""

    primary: UpstreamCall
    fallback: UpstreamCall | None = None


def plan_call(turn: Turn) -> CallPlan:
    profile = turn_profile(turn)
    references = [_input_file(image) for image in _images(turn, Image.Role.REFERENCE)]
    masks = _images(turn, Image.Role.MASK)
    mask = _input_file(masks[0]) if masks else None
    parent_image = _parent_final(turn)
    if is_chat_image_model(turn.image_model):
        return CallPlan(_chat_call(turn, references, parent_image))
    if turn.api_mode == Turn.ApiMode.RESPONSES:
        return _responses_call(turn, profile, references, mask, parent_image)
    return _images_call(turn, profile, references, mask, parent_image)


def _responses_call(turn, profile, references, mask, parent_image) -> CallPlan:
    parent = turn.parent
    build = _responses_builder(turn, profile, references, mask)
    if parent is None or parent_image is None:
        return CallPlan(build(None, ""))
    if parent.provider_id != turn.provider_id:
        # Stored ids live at the provider that made them; another one has never seen them.
        resend = build(Continuation(RESEND_IMAGE, image=_input_file(parent_image)), "")
        return CallPlan(replace(resend, note=_other_provider_note(parent)))
    # The parent's picture is the image being edited: with a mask (which applies to the
    # first input image) or references beside it, it must be in the request itself, first,
    # or the model edits a reference instead.
    strategy = profile.choose_continuation(
        has_response_id=bool(parent.response_id),
        has_image_call_id=bool(parent_image.image_call_id),
        is_branch=_is_branch(turn),
        has_mask=mask is not None,
        has_references=bool(references),
    )
    resend = build(Continuation(RESEND_IMAGE, image=_input_file(parent_image)), parent.response_id)
    if strategy == RESEND_IMAGE:
        return CallPlan(resend)
    continuation = Continuation(
        strategy,
        previous_response_id=parent.response_id or None,
        image_call_id=parent_image.image_call_id or None,
    )
    return CallPlan(build(continuation, parent.response_id), fallback=resend)


def _responses_builder(turn, profile: ProviderProfile, references, mask):
    def build(continuation: Continuation | None, parent_response_id: str) -> UpstreamCall:
        body = build_responses_body(
            profile=profile,
            text_model=turn.text_model or settings.STUDIO_TEXT_MODEL,
            prompt=turn.prompt,
            tool_options={"model": turn.image_model, **turn.options},
            continuation=continuation,
            input_images=references,
            mask=mask,
        )
        strategy = continuation.strategy if continuation else Turn.Continuation.NONE
        uses_id = strategy == Turn.Continuation.PREVIOUS_RESPONSE_ID
        return UpstreamCall(
            mode=Turn.ApiMode.RESPONSES,
            payload=body,
            continuation=strategy,
            previous_response_id=parent_response_id if uses_id else "",
            note=NOTES[strategy],
        )

    return build


def _images_call(turn, profile, references, mask, parent_image) -> CallPlan:
    # The image being edited goes first, references after it: a mask applies to the first.
    images = ([_input_file(parent_image)] if parent_image else []) + references
    spec = get_model(turn.image_model)
    may_stream = turn.provider.images_streaming if turn.provider_id else True
    payload = build_images_params(
        profile=profile,
        mode=turn.api_mode,
        model=turn.image_model,
        prompt=turn.prompt,
        options=turn.options,
        stream=spec.supports_streaming and may_stream,
    )
    resent = turn.api_mode != Turn.ApiMode.GENERATE and parent_image is not None
    call = UpstreamCall(
        mode=turn.api_mode,
        payload=payload,
        continuation=RESEND_IMAGE if resent else "",
        note=NOTES[RESEND_IMAGE] if resent else "",
        images=images,
        mask=mask,
    )
    return CallPlan(call)


def _chat_call(turn: Turn, references, parent_image) -> UpstreamCall:
    """A chat image model edits by seeing the parent's picture and the earlier prompts."""
    spec = gateway_model(turn.image_model)
    body = build_chat_body(
        model=turn.image_model,
        prompt=turn.prompt,
        references=references,
        parent_image=_input_file(parent_image) if parent_image else None,
        history=[ChatTurn(prompt) for prompt in _earlier_prompts(turn)],
        size=turn.options.get("size"),
        size_param=spec.size_param,
    )
    resent = parent_image is not None
    return UpstreamCall(
        mode=turn.api_mode,
        payload=body,
        continuation=RESEND_IMAGE if resent else "",
        note=NOTES[RESEND_IMAGE] if resent else "",
        chat=True,
    )


def _earlier_prompts(turn: Turn) -> list[str]:
    prompts = []
    ancestor = turn.parent
    while ancestor is not None:
        prompts.append(ancestor.prompt)
        ancestor = ancestor.parent
    return list(reversed(prompts))


def turn_profile(turn: Turn) -> ProviderProfile:
    """The profile of the provider the turn runs on (the conversation's for older turns)."""
    if turn.provider_id is None:
        return get_profile(turn.conversation.provider_profile)
    return profile_for(turn.provider)


def _other_provider_note(parent: Turn) -> str:
    made_by = parent.provider.name if parent.provider_id else "the provider Studio used before"
    return (
        f"Resent the parent's image as input: it was made at {made_by}, whose stored ids "
        "another provider cannot read."
    )


def _is_branch(turn: Turn) -> bool:
    """True when the parent already had another child: this turn starts a new branch."""
    return turn.parent.children.filter(pk__lt=turn.pk).exists()


def _images(turn: Turn, role: str) -> list[Image]:
    return list(turn.images.filter(role=role).order_by("position", "id"))


def _parent_final(turn: Turn) -> Image | None:
    if turn.parent_id is None:
        return None
    # An image taken down by moderation is never sent on, not even to continue from.
    finals = turn.parent.images.filter(role=Image.Role.FINAL, moderation=Image.Moderation.VISIBLE)
    return finals.order_by("position", "id").first()


def _input_file(image: Image) -> InputFile:
    with image.file.open("rb") as handle:
        data = handle.read()
    return InputFile(f"{image.role}-{image.pk}.{image.format}", data, image.content_type)
