"""The call plan: how a turn continues from its parent, and what it does if that is refused."""

from __future__ import annotations

import json

import pytest

from conversations.chain import plan_call
from conversations.models import Image, Turn
from conversations.recording import store_image
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

CONTINUE = Turn.Continuation


def new_turn(conversation, *, parent=None, api_mode=Turn.ApiMode.RESPONSES, **fields) -> Turn:
    return Turn.objects.create(
        conversation=conversation,
        author=conversation.owner,
        parent=parent,
        prompt="make it blue",
        api_mode=api_mode,
        image_model="gpt-image-1",
        **fields,
    )


@pytest.fixture
def parent(conversation) -> Turn:
    """A finished turn with a stored response id and one image with its image-call id."""
    turn = new_turn(conversation, status=Turn.Status.COMPLETED, response_id="resp_parent")
    store_image(turn, png_bytes((64, 64)), role=Image.Role.FINAL, image_call_id="ig_parent")
    return turn


def sends_an_image(payload: dict) -> bool:
    return "data:image/png;base64," in json.dumps(payload)


def test_a_first_turn_has_nothing_to_continue(conversation):
    plan = plan_call(new_turn(conversation))
    assert plan.fallback is None
    assert plan.primary.continuation == CONTINUE.NONE and plan.primary.note == ""
    assert "previous_response_id" not in plan.primary.payload
    assert plan.primary.streams


def test_a_follow_up_continues_by_response_id_and_falls_back_to_resending(conversation, parent):
    plan = plan_call(new_turn(conversation, parent=parent))
    assert plan.primary.continuation == CONTINUE.PREVIOUS_RESPONSE_ID
    assert plan.primary.payload["previous_response_id"] == "resp_parent"
    assert plan.primary.previous_response_id == "resp_parent"
    assert not sends_an_image(plan.primary.payload)
    assert plan.fallback.continuation == CONTINUE.RESEND_IMAGE
    assert "previous_response_id" not in plan.fallback.payload
    assert sends_an_image(plan.fallback.payload)
    assert plan.fallback.note == "Resent the parent's image as input."


def test_a_branch_names_the_parents_image_call(conversation, parent):
    new_turn(conversation, parent=parent)
    plan = plan_call(new_turn(conversation, parent=parent))
    assert plan.primary.continuation == CONTINUE.IMAGE_CALL
    assert {"type": "item_reference", "id": "ig_parent"} in plan.primary.payload["input"]
    assert plan.fallback.continuation == CONTINUE.RESEND_IMAGE


def test_a_gateway_without_stored_ids_resends_the_image_with_no_fallback(conversation, parent):
    conversation.provider_profile = "gateway"
    conversation.save()
    plan = plan_call(new_turn(conversation, parent=parent))
    assert plan.primary.continuation == CONTINUE.RESEND_IMAGE
    assert sends_an_image(plan.primary.payload)
    assert plan.fallback is None


def test_a_mask_on_the_parents_image_resends_that_image(conversation, parent):
    child = new_turn(conversation, parent=parent)
    store_image(child, png_bytes((64, 64), (0, 0, 0, 0)), role=Image.Role.MASK)
    plan = plan_call(child)
    assert plan.primary.continuation == CONTINUE.RESEND_IMAGE and plan.fallback is None


def test_an_image_taken_down_by_moderation_is_never_sent_on(conversation, parent):
    parent.images.update(moderation=Image.Moderation.HIDDEN)
    plan = plan_call(new_turn(conversation, parent=parent, api_mode=Turn.ApiMode.RESPONSES))
    assert plan.primary.continuation == CONTINUE.NONE and plan.fallback is None
    assert not sends_an_image(plan.primary.payload)
    edit = plan_call(new_turn(conversation, parent=parent, api_mode=Turn.ApiMode.EDIT))
    assert edit.primary.images == []


def test_an_images_api_edit_sends_the_parents_image_first_then_the_references(conversation, parent):
    plan = plan_call(new_turn(conversation, parent=parent, api_mode=Turn.ApiMode.EDIT))
    assert [f.filename for f in plan.primary.images] == [f"final-{parent.images.get().pk}.png"]
    assert plan.primary.continuation == CONTINUE.RESEND_IMAGE and plan.fallback is None

    with_references = new_turn(conversation, parent=parent, api_mode=Turn.ApiMode.EDIT)
    second = store_image(with_references, png_bytes(), role=Image.Role.REFERENCE, position=1)
    first = store_image(with_references, png_bytes(), role=Image.Role.REFERENCE, position=0)
    plan = plan_call(with_references)
    assert [f.filename for f in plan.primary.images] == [
        f"final-{parent.images.get(role=Image.Role.FINAL).pk}.png",
        f"reference-{first.pk}.png",
        f"reference-{second.pk}.png",
    ]
    assert plan.primary.continuation == CONTINUE.RESEND_IMAGE


def test_an_images_api_generation_draws_afresh(conversation, parent):
    plan = plan_call(new_turn(conversation, parent=parent, api_mode=Turn.ApiMode.GENERATE))
    assert plan.primary.continuation == "" and plan.primary.note == ""
    assert plan.fallback is None
    assert plan.primary.payload["prompt"] == "make it blue"
