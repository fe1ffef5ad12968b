"""A -vip chat image model draws four pictures in one call at one call's price: the estimate
before the turn and the cost the turn records are that one price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conversations.models import Image
from providers.services import create_provider
from usage.pricing import estimate_turn

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuzi(sim, studio_settings):
    sim.configure(persona="tuzi")
    return create_provider(name="tu-zi", preset="tuzi", base_url=sim.url, api_key="sk-tuzi-0000")


def vip_turn(run, conversation, alice, provider):
    return run(
        conversation=conversation,
        author=alice,
        prompt="four red foxes",
        api_mode="generate",
        options={"provider": provider.pk, "model": "gpt-4o-image-vip"},
    )


def test_the_estimate_of_a_vip_turn_equals_what_it_records_at_the_gateways_price(
    run, conversation, alice, tuzi
):
    turn = vip_turn(run, conversation, alice, tuzi)

    assert turn.status == "completed", turn.error_message
    assert turn.images.filter(role=Image.Role.FINAL).count() == 4
    # gpt-4o-image-vip is 0.10 a call in the gateway price list: not 0.40, not 0.025.
    assert turn.estimated_cost == Decimal("0.1")
    assert turn.cost == Decimal("0.1")


def test_a_providers_own_per_call_price_is_charged_once_per_call(run, conversation, alice, tuzi):
    tuzi.prices = {"gpt-4o-image-vip": {"per_call": 0.2}}
    tuzi.save()
    turn = vip_turn(run, conversation, alice, tuzi)

    assert turn.status == "completed", turn.error_message
    assert turn.estimated_cost == turn.cost == Decimal("0.2")


def test_the_options_panels_estimate_is_the_same_price(tuzi):
    estimate = estimate_turn(
        model="gpt-4o-image-vip", api_mode="generate", options={}, prices=tuzi.prices
    )
    assert estimate.cost == Decimal("0.1") and estimate.priced
