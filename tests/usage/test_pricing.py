"""Reported usage read by kind and priced per model; estimates from the protocol's table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from usage.pricing import Tokens, estimate_turn, price_for, price_usage

# The gpt-image-1 output-token table of openai-image-protocol.md §6, copied by hand.
PROTOCOL_TOKENS = {
    ("low", "1024x1024"): 272,
    ("low", "1024x1536"): 408,
    ("low", "1536x1024"): 400,
    ("medium", "1024x1024"): 1056,
    ("medium", "1024x1536"): 1584,
    ("medium", "1536x1024"): 1568,
    ("high", "1024x1024"): 4160,
    ("high", "1024x1536"): 6240,
    ("high", "1536x1024"): 6208,
}
IMAGE_GEN = {
    "input_tokens": 50,
    "input_tokens_details": {"text_tokens": 10, "image_tokens": 40},
    "output_tokens": 272,
    "total_tokens": 322,
}


def priced(usage, *, api_mode="generate", image_model="gpt-image-1", options=None, images=1):
    return price_usage(
        usage,
        api_mode=api_mode,
        image_model=image_model,
        text_model="gpt-5" if api_mode == "responses" else "",
        options=options or {},
        images=images,
    )


def test_responses_usage_prices_the_text_model_and_the_image_tool_separately(prices):
    usage = {
        "input_tokens": 200,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 100,
        "total_tokens": 300,
        "tool_usage": {"image_gen": IMAGE_GEN, "web_search": {"num_requests": 0}},
    }
    spend = priced(usage, api_mode="responses")

    assert spend.tokens == Tokens(input_text=210, input_image=40, output_text=100, output_image=272)
    text_model = Decimal(200 * 1 + 100 * 10) / 1_000_000
    image_tool = Decimal(10 * 5 + 40 * 10 + 272 * 40) / 1_000_000
    assert spend.cost == text_model + image_tool == Decimal("0.01253")
    assert spend.turn_fields()["total_tokens"] == 622


def test_images_api_usage_is_the_image_model_alone(prices):
    spend = priced(IMAGE_GEN)
    assert spend.tokens == Tokens(input_text=10, input_image=40, output_image=272)
    assert spend.cost == Decimal("0.01133")


def test_text_output_of_an_image_model_is_priced_as_text_output(settings):
    settings.STUDIO_PRICES = {"gpt-image-1.5": {"text_output": 10, "image_output": 32}}
    usage = {"output_tokens": 300, "output_tokens_details": {"text_tokens": 28}}
    spend = priced(usage, image_model="gpt-image-1.5")
    assert spend.tokens == Tokens(output_text=28, output_image=272)
    assert spend.cost == Decimal(28 * 10 + 272 * 32) / 1_000_000


def test_input_without_details_counts_as_text(prices):
    spend = priced({"input_tokens": 30, "output_tokens": 0})
    assert spend.tokens == Tokens(input_text=30)


def test_models_billed_per_image_cost_their_size_times_the_images(prices):
    spend = priced({}, image_model="dall-e-2", options={"size": "256x256"}, images=2)
    assert spend.tokens.total == 0
    assert spend.cost == Decimal("0.032")


def test_a_model_without_a_price_has_no_cost_only_when_something_was_used(prices):
    assert priced(IMAGE_GEN, image_model="imagine-9").cost is None
    assert priced({}, image_model="imagine-9", images=0).cost == 0


def test_nothing_reported_costs_nothing(prices):
    spend = priced(None, api_mode="responses", images=0)
    assert spend.tokens.total == 0 and spend.cost == 0


def test_snapshot_names_are_priced_as_their_model(prices):
    assert price_for("gpt-image-1-2025-04-15") == price_for("gpt-image-1")


def test_the_default_table_prices_every_known_image_and_text_model():
    from upstream.capabilities import MODELS

    for model in [*MODELS, "gpt-5"]:
        assert price_for(model) is not None, model


@pytest.mark.parametrize("partial_images", [0, 1, 2, 3])
@pytest.mark.parametrize(("quality", "size"), list(PROTOCOL_TOKENS))
def test_the_estimate_for_each_quality_and_size_equals_the_table(
    prices, quality, size, partial_images
):
    options = {"size": size, "quality": quality, "partial_images": partial_images}
    estimate = estimate_turn(model="gpt-image-1", api_mode="responses", options=options)

    expected = PROTOCOL_TOKENS[quality, size] + 100 * partial_images
    assert estimate.tokens == expected
    assert estimate.cost == Decimal(expected * 40) / 1_000_000
    assert estimate.priced


def test_the_estimate_counts_each_image_the_images_api_makes(prices):
    options = {"size": "1024x1024", "quality": "low", "n": 3}
    assert estimate_turn(model="gpt-image-1", api_mode="generate", options=options).tokens == 816
    # The Responses image tool draws one image whatever n says.
    assert estimate_turn(model="gpt-image-1", api_mode="responses", options=options).tokens == 272


def test_the_estimate_for_a_model_billed_per_image(prices):
    options = {"size": "1024x1024", "n": 2}
    estimate = estimate_turn(model="dall-e-2", api_mode="generate", options=options)
    assert (estimate.tokens, estimate.cost) == (0, Decimal("0.04"))


def test_the_estimate_without_a_price_is_marked_unpriced(prices):
    estimate = estimate_turn(model="gpt-image-1.5", api_mode="responses", options={})
    assert estimate.tokens == 4160 and estimate.cost == 0 and not estimate.priced
