"""Planning: a request becomes a checked turn, or a refusal naming the field it concerns."""

from __future__ import annotations

import pytest
from PIL import Image as PILImage

from common.errors import InvalidInput
from conversations.models import Image, Turn
from conversations.planning import TurnRequest, Upload, plan_turn, read_prompt
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def plan(conversation, author, prompt="a fox", **fields):
    request = TurnRequest(conversation=conversation, author=author, prompt=prompt, **fields)
    return plan_turn(request=request, prompt=read_prompt(api_mode=request.api_mode, prompt=prompt))


def refusal(conversation, author, **fields) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        plan(conversation, author, **fields)
    return refused.value


@pytest.fixture
def finished(run, conversation, alice) -> Turn:
    turn = run(conversation=conversation, author=alice, prompt="a red fox")
    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    return turn


def test_the_prompt_is_cleaned_and_required_except_for_a_variation():
    assert read_prompt(api_mode="responses", prompt="  a fox \n") == "a fox"
    with pytest.raises(InvalidInput, match="NUL character"):
        read_prompt(api_mode="responses", prompt="a fox\x00")
    assert read_prompt(api_mode="variation", prompt="") == ""
    with pytest.raises(InvalidInput, match="Write a prompt first") as empty:
        read_prompt(api_mode="generate", prompt="   ")
    assert empty.value.field == "prompt"


def test_an_unknown_api_mode_is_named_with_the_choices():
    with pytest.raises(InvalidInput, match="Unknown API mode 'sketch'") as refused:
        read_prompt(api_mode="sketch", prompt="a fox")
    assert refused.value.field == "api_mode" and "responses" in str(refused.value)


def test_options_merge_over_the_conversations_defaults(conversation, alice):
    conversation.default_options = {"quality": "low", "size": "1024x1024"}
    planned = plan(conversation, alice, options={"quality": "high", "background": ""})
    assert planned.model == "gpt-image-2"
    assert planned.options["quality"] == "high" and planned.options["size"] == "1024x1024"
    assert "background" not in planned.options


def test_the_model_comes_from_the_options_and_a_turn_cannot_pick_its_moderation(
    conversation, alice
):
    planned = plan(conversation, alice, options={"model": "gpt-image-1-mini", "moderation": "low"})
    assert planned.model == "gpt-image-1-mini"
    assert "moderation" not in planned.options and "model" not in planned.options


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"options": ["not", "a", "dict"]}, "options", "JSON object"),
        ({"options": {"quality": "ultra"}}, "quality", "not a valid quality"),
        ({"options": {"n": 2}}, "n", "one image per turn"),
        ({"api_mode": "edit"}, "references", "needs an image"),
        ({"mask": Upload("m.png", png_bytes((64, 64)))}, "mask", "A mask needs an image"),
        ({"api_mode": "edit", "references": [Upload("a.png", b"GIF89a")]}, "references", ""),
    ],
)
def test_bad_requests_are_refused_with_their_field(conversation, alice, fields, field, fragment):
    refused = refusal(conversation, alice, **fields)
    assert refused.field == field
    assert fragment in str(refused)


def test_a_mask_must_match_the_image_it_edits(conversation, alice):
    refused = refusal(
        conversation,
        alice,
        api_mode="edit",
        references=[Upload("a.png", png_bytes((64, 64)))],
        mask=Upload("m.png", png_bytes((32, 32))),
    )
    assert refused.field == "mask" and "32x32" in str(refused)


def test_each_upload_is_decoded_once(conversation, alice, monkeypatch):
    opened = []
    real_open = PILImage.open
    monkeypatch.setattr(PILImage, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    planned = plan(
        conversation,
        alice,
        api_mode="edit",
        references=[Upload("a.png", png_bytes((64, 48))), Upload("b.png", png_bytes((64, 48)))],
        mask=Upload("m.png", png_bytes((64, 48), (0, 0, 0, 0))),
    )
    assert len(opened) == 3
    assert [(r.info.width, r.info.height) for r in planned.references] == [(64, 48), (64, 48)]
    assert planned.mask.thumbnail and planned.references[0].thumbnail


def test_a_continuation_edits_the_parents_image(finished, conversation, alice):
    final = finished.images.get(role=Image.Role.FINAL)
    mask = Upload("m.png", png_bytes((final.width, final.height), (0, 0, 0, 0)))
    planned = plan(conversation, alice, parent=finished, mask=mask)
    assert (planned.mask.info.width, planned.mask.info.height) == (final.width, final.height)


def test_a_parent_from_elsewhere_unfinished_or_taken_down_is_refused(finished, conversation, alice):
    from conversations.services import create_conversation

    other = create_conversation(owner=alice, title="Other")
    assert "another conversation" in str(refusal(other, alice, parent=finished))

    Turn.objects.filter(pk=finished.pk).update(status=Turn.Status.FAILED)
    finished.refresh_from_db()
    assert "finished with an image" in str(refusal(conversation, alice, parent=finished))

    Turn.objects.filter(pk=finished.pk).update(status=Turn.Status.COMPLETED)
    finished.refresh_from_db()
    finished.images.update(moderation=Image.Moderation.HIDDEN)
    refused = refusal(conversation, alice, parent=finished)
    assert refused.field == "parent_id" and "Moderation took down" in str(refused)
