"""Moderation fixtures: a staff reviewer, finished and blocked turns, logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Image, Turn


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "reviewer", password="correct-horse-9", is_staff=True
    )


@pytest.fixture
def finished_turn(run, conversation, alice) -> Turn:
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox in snow",
        options={"partial_images": 1},
    )
    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    return turn


@pytest.fixture
def final_image(finished_turn) -> Image:
    return finished_turn.images.get(role=Image.Role.FINAL)


@pytest.fixture
def login():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for
