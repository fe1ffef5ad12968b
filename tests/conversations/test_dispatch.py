"""Dispatch: a queued turn goes to Celery, to this process's threads, or runs at once."""

from __future__ import annotations

import logging
import threading

import pytest

from conversations import dispatch
from conversations.dispatch import dispatch_turn, wait_for_in_process_turns
from conversations.tasks import run_turn_task


@pytest.fixture
def runs(monkeypatch):
    """Turns the engine was asked to run, with the thread that ran each."""
    ran: list[tuple[int, str]] = []
    monkeypatch.setattr(
        dispatch.engine,
        "run_turn",
        lambda turn_id: ran.append((turn_id, threading.current_thread().name)),
    )
    return ran


def test_inline_dispatch_runs_the_turn_before_returning(settings, runs):
    settings.TURN_DISPATCH = "inline"
    dispatch_turn(7)
    assert runs == [(7, threading.current_thread().name)]


def test_in_process_dispatch_returns_at_once_and_runs_on_a_turn_thread(settings, monkeypatch):
    settings.TURN_DISPATCH = "in_process"
    release = threading.Event()
    ran: list[str] = []

    def slow_turn(turn_id: int) -> None:
        release.wait(timeout=30)
        ran.append(threading.current_thread().name)

    monkeypatch.setattr(dispatch.engine, "run_turn", slow_turn)
    dispatch_turn(7)
    # The turn waits for the release, so it cannot have run inside dispatch_turn.
    assert ran == []
    release.set()
    wait_for_in_process_turns()
    assert len(ran) == 1 and ran[0].startswith("turn")


def test_a_turn_that_crashes_on_a_thread_is_logged_not_raised(settings, monkeypatch, caplog):
    settings.TURN_DISPATCH = "in_process"

    def crash(turn_id: int) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(dispatch.engine, "run_turn", crash)
    with caplog.at_level(logging.ERROR, logger="conversations.dispatch"):
        dispatch_turn(7)
        wait_for_in_process_turns()
    assert "turn 7 crashed" in caplog.text and "the engine broke" in caplog.text


def test_celery_dispatch_queues_the_task(settings, monkeypatch, runs):
    settings.TURN_DISPATCH = "celery"
    queued: list[int] = []
    monkeypatch.setattr(run_turn_task, "delay", queued.append)
    dispatch_turn(7)
    assert queued == [7] and runs == []


def test_an_unknown_dispatch_setting_is_an_error(settings, runs):
    settings.TURN_DISPATCH = "carrier pigeon"
    with pytest.raises(ValueError, match="carrier pigeon"):
        dispatch_turn(7)
