"""Shared by the usage tests: round prices, and a turn run to its end against the simulator."""

from __future__ import annotations

import pytest

from conversations.models import Turn
from conversations.services import start_turn

# Round numbers, so the expected costs are easy to check by hand (USD per million tokens).
PRICES = {
    "gpt-image-1": {"text_input": 5, "image_input": 10, "image_output": 40},
    "gpt-5": {"text_input": 1, "text_output": 10},
    "dall-e-2": {"per_image": {"standard": {"256x256": 0.016, "1024x1024": 0.02}}},
}


@pytest.fixture
def prices(settings):
    settings.STUDIO_PRICES = PRICES
    return PRICES


@pytest.fixture
def run(django_capture_on_commit_callbacks, prices):
    """Start a turn and run it to the end (turns dispatch inline on commit in these tests)."""

    def start(**kwargs) -> Turn:
        with django_capture_on_commit_callbacks(execute=True):
            turn = start_turn(**kwargs)
        turn.refresh_from_db()
        return turn

    return start
