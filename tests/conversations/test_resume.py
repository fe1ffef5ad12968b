"""Turns on background responses against the simulated provider: a turn whose worker died
resumes the same response, records one that finished meanwhile, starts afresh only when
the response is gone; cancelling and handing back on a warm shutdown."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from conversations import engine, handback, resume
from conversations.models import Image, Turn
from conversations.services import cancel_turn
from conversations.turn_output import TurnOutput
from providers.models import Provider

pytestmark = pytest.mark.django_db

PARTIALS = {"partial_images": 3}


class WorkerDied(BaseException):
    """Stops the engine where it stands, as SIGKILL stops a worker: no handler runs."""


@pytest.fixture
def dies_after_first_partial(monkeypatch):
    """The worker dies right after it recorded the first partial image."""
    write_partial = TurnOutput.partial

    def partial_then_die(output, item):
        write_partial(output, item)
        raise WorkerDied

    monkeypatch.setattr(TurnOutput, "partial", partial_then_die)
    return lambda: monkeypatch.setattr(TurnOutput, "partial", write_partial)


def start_and_die(run, conversation, alice, revive) -> Turn:
    with pytest.raises(WorkerDied):
        run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)
    revive()
    turn = Turn.objects.get(conversation=conversation)
    # The dead worker's lease runs out.
    Turn.objects.filter(pk=turn.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    return turn


def generations(sim) -> dict[str, int]:
    return {e["response_id"]: e["generations"] for e in sim.state.generations.all()["responses"]}


def wait_upstream(sim, response_id: str, status: str) -> None:
    deadline = time.monotonic() + 15
    while httpx.get(f"{sim.url}/responses/{response_id}").json()["status"] != status:
        assert time.monotonic() < deadline, f"{response_id} never became {status}"
        time.sleep(0.05)


def partial_indexes(turn: Turn) -> list[int]:
    partials = turn.images.filter(role=Image.Role.PARTIAL).order_by("partial_index")
    return list(partials.values_list("partial_index", flat=True))


def finals(turn: Turn) -> list[Image]:
    return list(turn.images.filter(role=Image.Role.FINAL))


def test_a_turn_is_created_as_a_background_response_and_keeps_its_resume_point(
    run, conversation, alice, sim
):
    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)

    (call,) = [r for r in sim.requests() if r["path"] == "/v1/responses"]
    assert call["json"]["background"] is True and call["json"]["stream"] is True
    assert turn.status == "completed"
    assert turn.upstream_response_id == turn.response_id
    assert turn.upstream_sequence > 0
    assert generations(sim) == {turn.response_id: 1}


def test_a_provider_with_background_resume_switched_off_streams_as_before(
    run, conversation, alice, sim
):
    Provider.objects.filter(from_environment=True).update(background_resume=False)

    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)

    (call,) = [r for r in sim.requests() if r["path"] == "/v1/responses"]
    assert "background" not in call["json"] and call["json"]["stream"] is True
    assert turn.status == "completed" and len(finals(turn)) == 1
    assert not turn.upstream_response_id


def test_a_turn_whose_worker_died_resumes_the_running_response(
    run, conversation, alice, sim, dies_after_first_partial
):
    sim.configure(latency=(3.0, 3.0))
    turn = start_and_die(run, conversation, alice, dies_after_first_partial)
    response_id, resume_point = turn.upstream_response_id, turn.upstream_sequence
    assert response_id and resume_point is not None and partial_indexes(turn) == [0]

    engine.run_turn(turn.pk)

    turn.refresh_from_db()
    assert turn.status == "completed" and turn.response_id == response_id
    assert partial_indexes(turn) == [0, 1, 2]
    assert len(finals(turn)) == 1 and turn.revised_prompt
    assert generations(sim) == {response_id: 1}
    resumed = [r for r in sim.requests() if r["path"] == f"/v1/responses/{response_id}"]
    assert [r["method"] for r in resumed] == ["GET", "GET"]  # retrieved, then resumed


def test_a_response_that_finished_meanwhile_is_recorded_from_its_events(
    run, conversation, alice, sim, dies_after_first_partial
):
    turn = start_and_die(run, conversation, alice, dies_after_first_partial)
    wait_upstream(sim, turn.upstream_response_id, "completed")

    engine.run_turn(turn.pk)

    turn.refresh_from_db()
    assert turn.status == "completed" and turn.attempts == 2
    assert partial_indexes(turn) == [0, 1, 2]
    assert len(finals(turn)) == 1
    assert turn.usage and turn.assistant_text
    assert generations(sim) == {turn.response_id: 1}


def test_a_response_the_provider_no_longer_has_is_generated_afresh(
    run, conversation, alice, sim, dies_after_first_partial
):
    turn = start_and_die(run, conversation, alice, dies_after_first_partial)
    gone = turn.upstream_response_id
    httpx.delete(f"{sim.url}/responses/{gone}").raise_for_status()

    engine.run_turn(turn.pk)

    turn.refresh_from_db()
    assert turn.status == "completed"
    assert turn.response_id != gone
    assert "no longer had the response" in turn.continuation_note and gone in turn.continuation_note
    assert partial_indexes(turn) == [0, 1, 2]
    assert len(finals(turn)) == 1
    assert sorted(generations(sim).values()) == [1, 1]


def test_a_stream_cut_half_way_resumes_the_same_response(run, conversation, alice, sim):
    sim.inject("cut", times=1)

    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)

    assert turn.status == "completed" and turn.attempts == 1
    assert partial_indexes(turn) == [0, 1, 2]
    assert generations(sim) == {turn.response_id: 1}


def test_a_failed_response_fails_the_turn_when_resumed(
    run, conversation, alice, sim, dies_after_first_partial
):
    turn = start_and_die(run, conversation, alice, dies_after_first_partial)
    wait_upstream(sim, turn.upstream_response_id, "completed")
    run_response = sim.state.store.runs.get(turn.upstream_response_id)
    error = {"code": "server_error", "message": "The server had an error."}
    run_response.response = {**run_response.response, "status": "failed", "error": error}

    engine.run_turn(turn.pk)

    turn.refresh_from_db()
    assert turn.status == "failed" and turn.error_code == "server_error"


def test_cancelling_the_turn_cancels_the_response_upstream(
    run, conversation, alice, sim, monkeypatch
):
    sim.configure(latency=(3.0, 3.0))
    write_partial = TurnOutput.partial

    def partial_then_cancel(output, item):
        write_partial(output, item)
        cancel_turn(turn=output.turn)

    monkeypatch.setattr(TurnOutput, "partial", partial_then_cancel)

    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)

    assert turn.status == "cancelled"
    upstream = httpx.get(f"{sim.url}/responses/{turn.upstream_response_id}").json()
    assert upstream["status"] == "cancelled"


def test_a_warm_shutdown_hands_the_turn_back_for_another_worker(
    run, conversation, alice, sim, monkeypatch
):
    sim.configure(latency=(2.0, 2.0))
    dispatched = []
    write_partial = TurnOutput.partial

    def partial_then_shut_down(output, item):
        write_partial(output, item)
        handback.hand_back_all()

    monkeypatch.setattr(TurnOutput, "partial", partial_then_shut_down)
    monkeypatch.setattr("conversations.dispatch.dispatch_turn", dispatched.append)
    turn = run(conversation=conversation, author=alice, prompt="a red fox", options=PARTIALS)

    assert turn.status == "streaming" and dispatched == []
    assert turn.heartbeat_at < timezone.now() - timedelta(seconds=30)
    # Once the worker consumes no more tasks, the turn goes back to the queue.
    assert handback.dispatch_released() == [turn.pk] and dispatched == [turn.pk]
    monkeypatch.setattr(TurnOutput, "partial", write_partial)
    engine.run_turn(turn.pk)  # the next worker
    turn.refresh_from_db()
    assert turn.status == "completed" and turn.attempts == 2
    assert partial_indexes(turn) == [0, 1, 2]
    assert generations(sim) == {turn.response_id: 1}


def test_only_responses_calls_on_a_resuming_provider_run_in_the_background(conversation):
    from conversations.chain import UpstreamCall

    turn = Turn(conversation=conversation)
    responses_call = UpstreamCall(mode=Turn.ApiMode.RESPONSES, payload={})
    images_call = UpstreamCall(mode=Turn.ApiMode.GENERATE, payload={})

    assert resume.applies(responses_call, turn)
    assert not resume.applies(images_call, turn)
    conversation.provider_profile = "gateway"
    assert not resume.applies(responses_call, turn)
