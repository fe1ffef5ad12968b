"""The provider API key stays on the server: after turns that succeed, retry, fail, break
and get blocked, the key is in no page, no API answer, no websocket frame and no log line
of any process. The stack runs with a real-looking key (stack.API_KEY); the simulator
accepts any."""

from __future__ import annotations

import asyncio

import httpx
import psycopg
import pytest

from tests.integration.client import open_socket
from tests.integration.stack import API_KEY, POSTGRES_URL, Browser, Stack

pytestmark = pytest.mark.integration

# Partial leaks count too: the key without its prefix, and its last characters alone.
FRAGMENTS = [API_KEY, API_KEY.removeprefix("sk-proj-"), API_KEY[-12:]]
FAULTS = [None, "rate_limit", "server_error", "cut", "moderation"]


def test_the_api_key_appears_in_no_page_event_or_log_line(stack: Stack, alice: Browser):
    conversation_id = alice.create_conversation("Secrets")

    async def scenario() -> list[str]:
        frames = []
        async with open_socket(stack, alice, conversation_id) as socket:
            frames.append(await socket.connection.recv())
            for fault in FAULTS:
                if fault:
                    stack.simulator_fault(fault, times=3 if fault == "server_error" else 1)
                turn = alice.start_turn(conversation_id, f"a safe with {fault}", partial_images=1)
                while True:
                    raw = await asyncio.wait_for(socket.connection.recv(), 30)
                    frames.append(raw)
                    message = socket.view.apply_raw(raw)
                    if message.get("turn_id") == turn["id"] and message["type"].startswith(
                        ("turn.completed", "turn.failed", "turn.blocked")
                    ):
                        break
        return frames

    frames = asyncio.run(scenario())
    pages = visit_everything(stack, alice, conversation_id)

    places = {
        **{f"page {url}": body for url, body in pages.items()},
        **{f"websocket frame {i}": frame for i, frame in enumerate(frames)},
        **{f"{name} log": text for name, text in stack.log_texts().items()},
    }
    places["the providers table"] = provider_rows(stack)
    leaks = [place for place, text in places.items() if any(part in text for part in FRAGMENTS)]
    assert leaks == []
    # The scan saw what it should have: every fault's outcome reached the browser.
    seen = "".join(frames)
    assert all(kind in seen for kind in ("turn.completed", "turn.failed", "turn.blocked"))


def provider_rows(stack: Stack) -> str:
    """Every column of every provider as the database holds it: the key is encrypted."""
    with psycopg.connect(f"{POSTGRES_URL}/{stack.db_name}") as db:
        rows = db.execute("SELECT * FROM providers_provider").fetchall()
    assert rows, "the environment's provider was seeded"
    return repr(rows)


def visit_everything(stack: Stack, browser: Browser, conversation_id: int) -> dict[str, str]:
    snapshot = browser.snapshot(conversation_id)
    turn_ids = [turn["id"] for turn in snapshot["turns"]]
    urls = [
        "/",
        f"/c/{conversation_id}/",
        "/api/capabilities/",
        "/api/conversations/",
        f"/api/conversations/{conversation_id}/",
        *(f"/api/turns/{turn_id}/" for turn_id in turn_ids),
        "/health/",
        "/providers/",
        "/no-such-page/",
    ]
    pages = {url: browser.http.get(url).text for url in urls}
    with httpx.Client(base_url=stack.base_url) as anonymous:
        for url in ("/accounts/login/", "/accounts/signup/", "/api/conversations/"):
            pages[f"{url} (signed out)"] = anonymous.get(url).text
    return pages
