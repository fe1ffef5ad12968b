"""An API key the provider quotes in a stream's error event reaches no person: not the
turn's JSON, the websocket snapshot nor the turn.failed event."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from conversations import events
from conversations.selectors import conversation_snapshot
from providers.seeding import seed_from_environment
from tests.upstream.loopback import LoopbackServer, Reply, sse

pytestmark = pytest.mark.django_db

GATEWAY_KEY = "gw-live-7Q2xVb9LmN4pK8sT"
OPENAI_KEY = "sk-proj-Zr4Wq8Tn2Lx6Vb1Mc9Hd"


@pytest.fixture
def gateway() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.stop()


@pytest.fixture
def published(monkeypatch) -> list[dict]:
    sent: list[dict] = []
    monkeypatch.setattr(
        events, "_send_event", lambda conversation_id, text: sent.append(json.loads(text))
    )
    return sent


@pytest.mark.parametrize("key", [GATEWAY_KEY, OPENAI_KEY])
def test_a_key_quoted_in_an_sse_error_event_is_redacted_everywhere(
    key, gateway, published, run, conversation, alice, studio_settings, client
):
    studio_settings.OPENAI_BASE_URL = gateway.url
    studio_settings.OPENAI_API_KEY = key
    seed_from_environment()  # the environment's provider follows the new address and key
    error = {
        "type": "error",
        "code": "invalid_api_key",
        "message": f"Incorrect API key provided: {key}. You can find your key at ...",
        "param": None,
    }
    gateway.add(Reply(chunks=[sse(error)]))

    turn = run(conversation=conversation, author=alice, prompt="a red fox")

    assert turn.status == "failed"
    assert "redacted" in turn.error_message
    client.force_login(alice)
    page = client.get(f"/api/turns/{turn.pk}/").content.decode()
    snapshot = json.dumps(conversation_snapshot(conversation, user=alice))
    failed = [event for event in published if event.get("type") == "turn.failed"]
    assert failed
    for text in (turn.error_message, page, snapshot, json.dumps(failed)):
        assert key not in text
        assert key[-10:] not in text
