"""Turns recorded before pricing, or priced at old rates, can be priced again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from conversations.models import Turn

LOW = {"quality": "low", "size": "1024x1024", "partial_images": 0}

pytestmark = pytest.mark.django_db


def test_price_turns_recomputes_tokens_and_cost_from_the_stored_usage(
    run, conversation, alice, settings
):
    turn = run(conversation=conversation, author=alice, prompt="a kite", options=LOW)
    priced = (turn.total_tokens, turn.cost)
    Turn.objects.filter(pk=turn.pk).update(total_tokens=0, output_image_tokens=0, cost=0)

    call_command("price_turns")
    turn.refresh_from_db()
    assert (turn.total_tokens, turn.cost) == priced

    # The image model's output doubles in price; its text input becomes free.
    settings.STUDIO_PRICES = {**settings.STUDIO_PRICES, "gpt-image-2": {"image_output": 80}}
    call_command("price_turns", model="gpt-image-2")
    turn.refresh_from_db()
    text_model = turn.usage["input_tokens"] * 1 + turn.usage["output_tokens"] * 10
    assert turn.cost == Decimal(text_model + 272 * 80) / 1_000_000
