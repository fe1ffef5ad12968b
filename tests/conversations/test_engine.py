"""The engine against the simulated provider: chains, strategies, Images API modes, faults."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from conversations import engine
from conversations.models import Image, Turn
from conversations.planning import Upload
from tests.factories import png_bytes, use_gateway_provider

pytestmark = pytest.mark.django_db


def upstream_calls(sim, path="/v1/responses"):
    return [r for r in sim.requests() if r["path"] == path]


def finals(turn: Turn) -> list[Image]:
    return list(turn.images.filter(role=Image.Role.FINAL))


def test_three_turns_continue_by_response_id_then_branch_by_image_call(
    run, conversation, alice, sim
):
    first = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox in snow",
        options={"partial_images": 2},
    )
    second = run(conversation=conversation, author=alice, prompt="now more realistic", parent=first)
    branch = run(
        conversation=conversation, author=alice, prompt="make the fox blue instead", parent=first
    )

    assert [t.status for t in (first, second, branch)] == ["completed"] * 3
    calls = upstream_calls(sim)
    assert "previous_response_id" not in calls[0]["json"]
    assert calls[1]["json"]["previous_response_id"] == first.response_id
    assert second.continuation == "previous_response_id"
    assert second.previous_response_id == first.response_id
    reference = {"type": "item_reference", "id": finals(first)[0].image_call_id}
    assert reference in calls[2]["json"]["input"]
    assert "previous_response_id" not in calls[2]["json"]
    assert branch.continuation == "image_call"


def test_first_turn_stores_partials_final_and_revised_prompt(run, conversation, alice):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a blue circle",
        options={"partial_images": 3, "size": "1024x1536"},
    )

    partials = turn.images.filter(role=Image.Role.PARTIAL).order_by("partial_index")
    assert [p.partial_index for p in partials] == [0, 1, 2]
    final = finals(turn)[0]
    assert (final.width, final.height) == (1024, 1536)
    assert final.image_call_id.startswith("ig_")
    assert final.thumbnail and final.file.storage.exists(final.thumbnail.name)
    assert turn.revised_prompt and turn.response_id.startswith("resp_")
    assert turn.usage and turn.first_partial_at and turn.completed_at
    with final.file.open("rb") as handle:
        assert PILImage.open(io.BytesIO(handle.read())).size == (1024, 1536)


def test_gateway_profile_resends_the_image_on_every_continuation(run, conversation, alice, sim):
    use_gateway_provider()
    sim.configure(gateway=True)
    first = run(conversation=conversation, author=alice, prompt="a lighthouse")
    second = run(conversation=conversation, author=alice, prompt="at night", parent=first)
    branch = run(conversation=conversation, author=alice, prompt="in fog", parent=first)

    assert [t.status for t in (first, second, branch)] == ["completed"] * 3
    for call in upstream_calls(sim)[1:]:
        body = call["json"]
        assert "previous_response_id" not in body
        assert body["instructions"]
        parts = body["input"][0]["content"]
        sent = [p for p in parts if p["type"] == "input_image"]
        assert sent and sent[0]["image_url"]["image"] is True
    assert second.continuation == branch.continuation == "resend_image"


def test_rejected_stored_id_falls_back_to_resending_the_image(run, conversation, alice, sim):
    first = run(conversation=conversation, author=alice, prompt="a cat")
    Turn.objects.filter(pk=first.pk).update(response_id="resp_forgotten")
    first.refresh_from_db()

    second = run(conversation=conversation, author=alice, prompt="a hat on it", parent=first)

    assert second.status == "completed"
    assert second.continuation == "resend_image"
    assert "rejected" in second.continuation_note
    calls = upstream_calls(sim)
    assert calls[1]["json"]["previous_response_id"] == "resp_forgotten"
    assert "previous_response_id" not in calls[2]["json"]


def test_images_api_generate_stores_every_image(run, conversation, alice, sim):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="three pears",
        api_mode="generate",
        options={"n": 2, "quality": "low"},
    )

    assert turn.status == "completed", turn.error_message
    assert len(finals(turn)) == 2
    assert upstream_calls(sim, "/v1/images/generations")[0]["json"]["n"] == 2


def test_images_api_edit_sends_two_references_and_the_mask(run, conversation, alice, sim):
    references = [
        Upload("a.png", png_bytes((256, 256))),
        Upload("b.png", png_bytes((256, 256), (0, 0, 255, 255))),
    ]
    mask = Upload("mask.png", png_bytes((256, 256), (0, 0, 0, 0)))

    turn = run(
        conversation=conversation,
        author=alice,
        prompt="merge them",
        api_mode="edit",
        references=references,
        mask=mask,
    )

    assert turn.status == "completed", turn.error_message
    assert finals(turn)
    call = upstream_calls(sim, "/v1/images/edits")[0]
    assert len(call["files"]["image[]"]) == 2
    assert call["files"]["mask"][0]["width"] == 256


def test_images_api_variation_of_the_previous_image(run, conversation, alice, sim):
    square = Upload("sq.png", png_bytes((256, 256)))
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="",
        api_mode="variation",
        options={"model": "dall-e-2", "n": 2, "size": "256x256"},
        references=[square],
    )

    assert turn.status == "completed", turn.error_message
    assert len(finals(turn)) == 2
    assert upstream_calls(sim, "/v1/images/variations")


def test_rate_limit_is_retried_then_succeeds(run, conversation, alice, sim):
    sim.inject("rate_limit", times=1)
    turn = run(conversation=conversation, author=alice, prompt="a dog")
    assert turn.status == "completed"
    assert len(upstream_calls(sim)) == 2


def test_server_errors_three_times_end_in_a_clear_failure(run, conversation, alice, sim):
    sim.inject("server_error", times=3)
    turn = run(conversation=conversation, author=alice, prompt="a dog")
    assert turn.status == "failed"
    assert turn.error_code == "server_error"
    assert turn.error_message
    assert len(upstream_calls(sim)) == 3
    assert not finals(turn)


def on_a_provider_without_background_resume(conversation, sim) -> None:
    use_gateway_provider()
    sim.configure(gateway=True)


def test_a_stream_cut_half_way_gets_one_fresh_attempt(run, conversation, alice, sim):
    on_a_provider_without_background_resume(conversation, sim)
    sim.inject("cut", times=1)
    turn = run(
        conversation=conversation, author=alice, prompt="a dog", options={"partial_images": 2}
    )
    assert turn.status == "completed"
    assert turn.attempts == 2
    assert len(finals(turn)) == 1
    assert len(upstream_calls(sim)) == 2


def test_a_stream_cut_twice_fails_clearly(run, conversation, alice, sim):
    on_a_provider_without_background_resume(conversation, sim)
    sim.inject("cut", times=2)
    turn = run(
        conversation=conversation, author=alice, prompt="a dog", options={"partial_images": 2}
    )
    assert turn.status == "failed"
    assert "stream" in turn.error_message.lower()
    assert not finals(turn)
    assert len(upstream_calls(sim)) == 2


@pytest.mark.parametrize("fault", ["moderation", "moderation_stream"])
def test_a_moderation_block_marks_the_turn_blocked(run, conversation, alice, sim, fault):
    sim.inject(fault)
    turn = run(conversation=conversation, author=alice, prompt="something")
    assert turn.status == "blocked"
    assert turn.error_code == "moderation_blocked"
    assert "safety" in turn.error_message


def test_redelivery_of_a_finished_turn_does_nothing(run, conversation, alice, sim):
    turn = run(conversation=conversation, author=alice, prompt="a dog")
    calls = len(sim.requests())
    engine.run_turn(turn.pk)
    assert len(sim.requests()) == calls
    assert len(finals(turn)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_write_whose_connection_dropped_is_written_once_more(
    run, conversation, alice, sim, monkeypatch
):
    from django.db import OperationalError, connection

    from conversations.turn_output import TurnOutput

    write_partial = TurnOutput.partial
    attempts = []

    def drop_the_first_connection(output, item):
        attempts.append(item.index)
        if len(attempts) == 1:
            connection.close()
            raise OperationalError("terminating connection due to administrator command")
        write_partial(output, item)

    monkeypatch.setattr(TurnOutput, "partial", drop_the_first_connection)
    turn = run(
        conversation=conversation, author=alice, prompt="a dog", options={"partial_images": 2}
    )

    assert attempts == [0, 0, 1]
    assert turn.status == "completed"
    partials = turn.images.filter(role=Image.Role.PARTIAL)
    assert sorted(partials.values_list("partial_index", flat=True)) == [0, 1]
    assert len(upstream_calls(sim)) == 1
