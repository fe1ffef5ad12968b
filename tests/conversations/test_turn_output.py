"""What a running turn writes as the stream arrives, and how it ends."""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone

from conversations import events
from conversations.failures import FAILURES
from conversations.models import Image, Turn
from conversations.turn_output import TurnOutput
from tests.factories import png_bytes
from upstream.errors import APIStatusError, StreamClosed, UpstreamError
from upstream.stream import FinalImage, PartialImage

# Real commits: each write's events are announced when its own transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

PICTURE = base64.b64encode(png_bytes((64, 64))).decode()


@pytest.fixture
def sent(monkeypatch):
    """The messages announced on the channel layer, in order."""
    messages: list[dict] = []
    monkeypatch.setattr(events, "_group_send", lambda _, message: messages.append(message))
    return messages


def kinds(sent) -> list[str]:
    return [message["event"]["type"] for message in sent]


@pytest.fixture
def output(conversation, alice, media) -> TurnOutput:
    turn = Turn.objects.create(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        image_model="gpt-image-1",
        status=Turn.Status.STREAMING,
        started_at=timezone.now(),
        attempts=1,
    )
    return TurnOutput(turn)


def stored(turn: Turn, role: str) -> list[Image]:
    return list(turn.images.filter(role=role))


def test_a_partial_image_is_stored_and_announced(output, sent):
    output.partial(PartialImage(index=0, b64=PICTURE, item_id="ig_1"))

    output.turn.refresh_from_db()
    [partial] = stored(output.turn, Image.Role.PARTIAL)
    assert partial.image_call_id == "ig_1" and partial.file.read() == base64.b64decode(PICTURE)
    assert output.turn.first_partial_at is not None
    assert kinds(sent) == ["turn.partial_image"]
    assert sent[0]["event"]["image"]["id"] == partial.pk


def test_the_final_images_complete_the_turn_with_its_usage(output, sent):
    output.final(FinalImage(b64=PICTURE, item_id="ig_1", revised_prompt="a red fox"))
    output.final(FinalImage(b64=PICTURE, item_id="ig_2"))
    output.complete(response_id="resp_1", usage={"input_tokens": 10}, text="")

    output.turn.refresh_from_db()
    assert output.turn.status == Turn.Status.COMPLETED
    assert output.turn.response_id == "resp_1" and output.turn.revised_prompt == "a red fox"
    finals = stored(output.turn, Image.Role.FINAL)
    assert sorted(image.position for image in finals) == [0, 1]
    assert kinds(sent) == ["turn.revised_prompt", "turn.completed"]
    completed = sent[-1]["event"]
    assert [image["id"] for image in completed["images"]] == [i.pk for i in output.finals]
    assert completed["sequence"] == output.turn.sequence == 3


def test_a_stream_that_ends_without_an_image_fails_with_the_providers_words(output, sent):
    output.complete(response_id="resp_1", usage={}, text="I can't draw that.")
    output.turn.refresh_from_db()
    assert output.turn.status == Turn.Status.FAILED
    assert (output.turn.error_code, output.turn.error_message) == ("no_image", "I can't draw that.")
    assert kinds(sent) == ["turn.failed"]


def test_nothing_lands_after_a_cancel(output, sent, media):
    Turn.objects.filter(pk=output.turn.pk).update(status=Turn.Status.CANCELLED)
    with pytest.raises(StreamClosed):
        output.partial(PartialImage(index=0, b64=PICTURE))
    with pytest.raises(StreamClosed):
        output.final(FinalImage(b64=PICTURE))
    assert not output.turn.images.exists()
    assert not any(path.is_file() for path in media.MEDIA_ROOT.rglob("*"))
    assert sent == []


def test_an_image_that_cannot_be_decoded_is_the_providers_error(output, sent):
    with pytest.raises(UpstreamError) as caught:
        output.final(FinalImage(b64="not base64!"))
    assert caught.value.code == "bad_image_data"
    assert not output.turn.images.exists()


def test_a_restart_forgets_the_broken_attempt_until_attempts_run_out(output, sent, settings):
    settings.TURN_MAX_ATTEMPTS = 2
    output.partial(PartialImage(index=0, b64=PICTURE))
    output.final(FinalImage(b64=PICTURE))

    assert output.restart(reason="the stream broke") is True
    output.turn.refresh_from_db()
    assert output.turn.attempts == 2 and output.turn.first_partial_at is None
    assert not output.turn.images.exists() and output.finals == []
    assert sent[-1]["event"]["type"] == "turn.started"
    assert sent[-1]["event"]["restarted_because"] == "the stream broke"

    assert output.restart(reason="again") is False


def test_a_safety_refusal_blocks_the_turn_and_keeps_the_providers_reason(output, sent):
    refusal = APIStatusError(
        "Your request was rejected by the safety system.",
        status=400,
        code="moderation_blocked",
        body={"error": {"code": "moderation_blocked"}},
    )
    output.fail_from(refusal)

    output.turn.refresh_from_db()
    assert output.turn.status == Turn.Status.BLOCKED
    assert output.turn.error_message.startswith(FAILURES["blocked"])
    assert "rejected by the safety system" in output.turn.error_message
    assert kinds(sent) == ["turn.blocked"]


def test_a_turn_that_already_ended_is_not_ended_again(output, sent):
    output.fail("server_error", "The provider failed.")
    output.fail("other", "A second ending.")
    output.turn.refresh_from_db()
    assert output.turn.error_code == "server_error"
    assert kinds(sent) == ["turn.failed"]
