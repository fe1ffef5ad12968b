"""Which images an edit sends, in which order: the image being edited first, references after.

The image being edited is the one a mask was painted on, or the parent being continued.
Masks are checked against it, and a follow-up that adds references still carries it.
"""

from __future__ import annotations

import pytest

from common.errors import InvalidInput
from conversations.models import Image, Turn
from conversations.planning import TurnRequest, Upload
from conversations.services import start_turn
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def sent_images(call: dict) -> list[dict]:
    """The input_image summaries of a recorded /v1/responses request, in order."""
    parts = call["json"]["input"][0]["content"]
    return [part["image_url"] for part in parts if part["type"] == "input_image"]


def last_call(sim, path: str) -> dict:
    return [r for r in sim.requests() if r["path"] == path][-1]


def final_of(turn: Turn) -> Image:
    return turn.images.get(role=Image.Role.FINAL)


def references() -> list[Upload]:
    return [
        Upload("square.png", png_bytes((1024, 1024), (0, 90, 200, 255))),
        Upload("photo.png", png_bytes((640, 480), (250, 200, 0, 255))),
    ]


def painted_mask(size=(1024, 1024)) -> Upload:
    return Upload("mask.png", png_bytes(size, (0, 0, 0, 0)))


@pytest.fixture
def first(run, conversation, alice):
    turn = run(conversation=conversation, author=alice, prompt="a swimming pool in a garden")
    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    return turn


def test_a_mask_with_references_edits_the_painted_image_first(run, conversation, alice, sim, first):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="put the flamingo from the photos in the pool",
        parent=first,
        references=references(),
        mask=painted_mask(),
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    call = last_call(sim, "/v1/responses")
    images = sent_images(call)
    assert [(i["width"], i["height"]) for i in images] == [(1024, 1024), (1024, 1024), (640, 480)]
    assert images[0]["bytes"] == final_of(first).bytes
    assert call["json"]["tools"][0]["input_image_mask"]["image_url"]["width"] == 1024
    assert turn.continuation == Turn.Continuation.RESEND_IMAGE


def test_a_follow_up_with_references_keeps_the_continued_image(
    run, conversation, alice, sim, first
):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="add the yellow chair from this photo",
        parent=first,
        references=references()[1:],
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    images = sent_images(last_call(sim, "/v1/responses"))
    assert images[0]["bytes"] == final_of(first).bytes
    assert [(i["width"], i["height"]) for i in images] == [(1024, 1024), (640, 480)]
    # The result edits the continued picture, so it keeps that picture's size.
    assert (final_of(turn).width, final_of(turn).height) == (1024, 1024)


def test_a_mask_is_checked_against_the_continued_image_not_the_first_reference(
    conversation, alice, first
):
    photo = Upload("photo.png", png_bytes((640, 480)))

    with pytest.raises(InvalidInput) as refused:
        start_turn(
            TurnRequest(
                conversation=conversation,
                author=alice,
                prompt="change the sky",
                parent=first,
                references=[photo],
                mask=painted_mask((640, 480)),
            )
        )

    assert refused.value.field == "mask"
    assert "1024x1024" in str(refused.value)
    assert conversation.turns.count() == 1


def test_images_api_edit_of_a_parent_sends_it_before_the_references(
    run, conversation, alice, sim, first
):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="blend in the photo",
        parent=first,
        api_mode="edit",
        references=references()[1:],
        mask=painted_mask(),
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    files = last_call(sim, "/v1/images/edits")["files"]
    sent = files["image[]"]
    assert [(i["width"], i["height"]) for i in sent] == [(1024, 1024), (640, 480)]
    assert sent[0]["bytes"] == final_of(first).bytes
    assert turn.continuation == Turn.Continuation.RESEND_IMAGE


def test_references_without_a_parent_still_edit_the_first_reference(run, conversation, alice, sim):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="recolour the square",
        references=references(),
        mask=painted_mask(),
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    images = sent_images(last_call(sim, "/v1/responses"))
    assert [(i["width"], i["height"]) for i in images] == [(1024, 1024), (640, 480)]
