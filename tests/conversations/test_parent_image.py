"""A follow-up continues from the picture a person chose among its parent's several."""

from __future__ import annotations

import hashlib
import json

import pytest

from conversations.models import Image, Turn
from providers.services import create_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuzi(sim, studio_settings):
    sim.configure(persona="tuzi")
    return create_provider(name="tu-zi", preset="tuzi", base_url=sim.url, api_key="sk-tuzi-0000")


@pytest.fixture
def four(run, conversation, alice, tuzi) -> Turn:
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="four red foxes",
        api_mode="generate",
        options={"provider": tuzi.pk, "model": "gpt-4o-image-vip"},
    )
    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    return turn


def finals(turn: Turn) -> list[Image]:
    return list(turn.images.filter(role=Image.Role.FINAL).order_by("position", "id"))


def sha256(image: Image) -> str:
    with image.file.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def sent_picture(sim) -> dict:
    calls = [r for r in sim.requests() if r["path"] == "/v1/chat/completions"]
    parts = calls[-1]["json"]["messages"][-1]["content"]
    (picture,) = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    return picture


def post_follow_up(client, conversation, parent: Turn, **fields):
    data = {
        "prompt": "the third one, at night",
        "api_mode": "edit",
        "parent_id": parent.pk,
        "options": json.dumps({"provider": parent.provider_id, "model": parent.image_model}),
        **fields,
    }
    return client.post(f"/api/conversations/{conversation.pk}/turns/", data)


def test_a_follow_up_sends_the_chosen_picture_and_records_it(
    client, alice, conversation, sim, four, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    third = finals(four)[2]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_follow_up(client, conversation, four, parent_image_id=third.pk)

    assert response.status_code == 201, response.content
    assert response.json()["parent_image_id"] == third.pk
    follow_up = Turn.objects.get(pk=response.json()["id"])
    assert follow_up.status == Turn.Status.COMPLETED, follow_up.error_message
    assert sent_picture(sim)["sha256"] == sha256(third) != sha256(finals(four)[0])


def test_without_a_choice_the_first_picture_is_sent(
    client, alice, conversation, sim, four, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_follow_up(client, conversation, four)
    assert response.status_code == 201, response.content
    assert sent_picture(sim)["sha256"] == sha256(finals(four)[0])


def test_a_picture_of_another_turn_is_refused_and_nothing_is_stored(
    client, alice, conversation, sim, four, run, tuzi
):
    other = run(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        api_mode="generate",
        options={"provider": tuzi.pk, "model": "gpt-4o-image"},
    )
    client.force_login(alice)
    turns = Turn.objects.count()
    response = post_follow_up(client, conversation, four, parent_image_id=finals(other)[0].pk)

    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "That picture is not one of the earlier turn's images; choose another.",
        "field": "parent_image_id",
    }
    assert Turn.objects.count() == turns


def test_a_picture_id_that_is_not_a_number_is_refused(client, alice, conversation, four):
    client.force_login(alice)
    response = post_follow_up(client, conversation, four, parent_image_id="third")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "parent_image_id"
