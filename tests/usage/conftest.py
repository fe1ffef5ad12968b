"""Shared by the usage tests: round prices, and a turn run to its end against the simulator."""

from __future__ import annotations

import pytest

# Round numbers, so the expected costs are easy to check by hand (USD per million tokens).
PRICES = {
    "gpt-image-1": {"text_input": 5, "image_input": 10, "image_output": 40},
    "gpt-image-2": {"text_input": 5, "image_input": 10, "image_output": 40},
    "gpt-5": {"text_input": 1, "text_output": 10},
    "dall-e-2": {"per_image": {"standard": {"256x256": 0.016, "1024x1024": 0.02}}},
}


@pytest.fixture
def prices(settings):
    settings.STUDIO_PRICES = PRICES
    return PRICES


@pytest.fixture
def run(run, prices):
    """The shared ``run``, with this package's prices in force."""
    return run
