"""Every finished turn stores the usage the provider reported, by kind, and its cost."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from conversations.models import Turn
from conversations.planning import Upload
from conversations.services import cancel_turn
from conversations.turn_output import TurnOutput
from tests.factories import png_bytes
from upstream.errors import ResponseFailed
from upstream.stream import FinalImage

pytestmark = pytest.mark.django_db

LOW = {"quality": "low", "size": "1024x1024", "partial_images": 0}


def per_million(tokens: int, price: float) -> Decimal:
    return Decimal(tokens) * Decimal(str(price)) / 1_000_000


def test_a_responses_turn_stores_the_text_model_and_image_tool_usage(run, conversation, alice):
    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=LOW)

    assert turn.status == "completed"
    image_gen = turn.usage["tool_usage"]["image_gen"]
    text_in = image_gen["input_tokens_details"]["text_tokens"]
    assert turn.output_image_tokens == image_gen["output_tokens"] == 272
    assert turn.input_text_tokens == turn.usage["input_tokens"] + text_in
    assert turn.output_text_tokens == turn.usage["output_tokens"] > 0
    assert turn.total_tokens == (
        turn.input_text_tokens
        + turn.input_image_tokens
        + turn.output_text_tokens
        + turn.output_image_tokens
    )
    expected = (
        per_million(turn.usage["input_tokens"], 1)
        + per_million(turn.usage["output_tokens"], 10)
        + per_million(text_in, 5)
        + per_million(272, 40)
    )
    assert turn.cost == expected.quantize(Decimal("0.000001"))


def test_a_generate_turn_of_two_images_stores_both_images_output(run, conversation, alice):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="three pears",
        api_mode="generate",
        options={**LOW, "n": 2},
    )

    assert turn.status == "completed"
    text_in = turn.usage["input_tokens_details"]["text_tokens"]
    assert (turn.input_text_tokens, turn.output_image_tokens) == (text_in, 544)
    assert turn.cost == per_million(text_in, 5) + per_million(544, 40)


def test_an_edit_turn_stores_its_input_image_tokens(run, conversation, alice):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="make it blue",
        api_mode="edit",
        options=LOW,
        references=[Upload("a.png", png_bytes((256, 256)))],
    )

    assert turn.status == "completed"
    details = turn.usage["input_tokens_details"]
    assert turn.input_image_tokens == details["image_tokens"] > 0
    assert turn.cost == (
        per_million(details["text_tokens"], 5)
        + per_million(details["image_tokens"], 10)
        + per_million(272, 40)
    )


def test_a_variation_turn_is_priced_per_image(run, conversation, alice):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="",
        api_mode="variation",
        options={"model": "dall-e-2", "n": 2, "size": "256x256"},
        references=[Upload("sq.png", png_bytes((256, 256)))],
    )

    assert turn.status == "completed"
    assert turn.total_tokens == 0
    assert turn.cost == Decimal("0.032")


def test_the_turn_and_its_completed_event_carry_the_actual_and_estimate(
    run, conversation, alice, client
):
    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=LOW)
    client.force_login(alice)

    shown = client.get(f"/api/turns/{turn.pk}/").json()

    assert shown["tokens"]["output_image"] == 272
    assert shown["tokens"]["total"] == turn.total_tokens
    assert shown["cost"] == pytest.approx(float(turn.cost))
    assert shown["estimate"] == {"tokens": 272, "cost": pytest.approx(272 * 40 / 1e6)}


@pytest.mark.parametrize(
    ("fault", "times", "status"),
    [("server_error", 3, "failed"), ("moderation_stream", 1, "blocked")],
)
def test_a_turn_ending_with_nothing_reported_records_zero(
    run, conversation, alice, sim, fault, times, status
):
    sim.inject(fault, times=times)
    turn = run(conversation=conversation, author=alice, prompt="a dog")

    assert turn.status == status
    assert (turn.usage, turn.total_tokens, turn.cost) == ({}, 0, 0)


def streaming_turn(conversation, alice) -> Turn:
    return Turn.objects.create(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        image_model="gpt-image-2",
        text_model="gpt-5",
        status=Turn.Status.STREAMING,
        attempts=1,
    )


def test_a_failure_that_reports_usage_records_and_prices_it(conversation, alice, prices):
    turn = streaming_turn(conversation, alice)
    failed = {
        "type": "response.failed",
        "response": {
            "status": "failed",
            "usage": {"input_tokens": 300, "output_tokens": 64},
            "tool_usage": {"image_gen": {"input_tokens": 12, "output_tokens": 0}},
        },
    }

    TurnOutput(turn).fail_from(ResponseFailed("It failed.", code="server_error", body=failed))

    turn.refresh_from_db()
    assert turn.status == "failed"
    assert (turn.input_text_tokens, turn.output_text_tokens) == (312, 64)
    assert turn.cost == per_million(300, 1) + per_million(64, 10) + per_million(12, 5)


def test_a_turn_finished_without_an_image_keeps_the_text_models_usage(conversation, alice, prices):
    turn = streaming_turn(conversation, alice)
    usage = {"input_tokens": 200, "output_tokens": 50}

    TurnOutput(turn).complete(response_id="resp_1", usage=usage, text="I can't draw that.")

    turn.refresh_from_db()
    assert (turn.status, turn.error_code) == ("failed", "no_image")
    assert turn.total_tokens == 250
    assert turn.cost == per_million(200, 1) + per_million(50, 10)


def test_a_turn_cancelled_as_it_finished_keeps_the_reported_usage(conversation, alice, prices):
    turn = streaming_turn(conversation, alice)
    output = TurnOutput(turn)
    output.final(FinalImage(base64.b64encode(png_bytes()).decode()))
    cancel_turn(turn=Turn.objects.get(pk=turn.pk))
    usage = {
        "input_tokens": 10,
        "output_tokens": 5,
        "tool_usage": {"image_gen": {"output_tokens": 272}},
    }

    with pytest.raises(Exception, match="no longer running"):
        output.complete(response_id="resp_1", usage=usage, text="")

    turn.refresh_from_db()
    assert turn.status == "cancelled"
    assert (turn.output_image_tokens, turn.total_tokens) == (272, 287)
    assert turn.cost == per_million(10, 1) + per_million(5, 10) + per_million(272, 40)
