"""Turns on providers: two at once in one conversation, retirements, team limits, prices."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest

from common.errors import InvalidInput
from conversations import events
from conversations.models import Turn
from conversations.planning import TurnRequest
from conversations.services import share_conversation, start_turn
from providers.catalogue import refresh_models
from providers.presenters import present_options
from providers.services import set_team_policy
from teams.services import create_team
from tests.providers.conftest import SECRET

pytestmark = pytest.mark.django_db

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def calls(sim, path="/v1/responses"):
    return [r for r in sim.requests() if r["path"] == path]


def test_one_conversation_uses_two_providers_and_resends_the_image_between_them(
    run, conversation, alice, sim, gateway, gateway_sim, environment_provider
):
    first = run(conversation=conversation, author=alice, prompt="a red kite")
    same = run(conversation=conversation, author=alice, prompt="a blue kite", parent=first)
    other = run(
        conversation=conversation,
        author=alice,
        prompt="a green kite",
        parent=same,
        options={"provider": gateway.pk, "model": "gpt-image-2"},
    )
    back = run(conversation=conversation, author=alice, prompt="at dusk", parent=other)

    assert [t.status for t in (first, same, other, back)] == ["completed"] * 4
    assert [t.provider_id for t in (first, same, other, back)] == [
        environment_provider.pk,
        environment_provider.pk,
        gateway.pk,
        environment_provider.pk,
    ]
    assert same.continuation == "previous_response_id"
    assert other.continuation == back.continuation == "resend_image"
    assert environment_provider.name in other.continuation_note
    assert "Relay" in back.continuation_note
    sent = calls(gateway_sim)[0]["json"]
    assert "previous_response_id" not in sent and sent["instructions"]
    assert any(p["type"] == "input_image" for p in sent["input"][0]["content"])
    assert "previous_response_id" not in calls(sim)[-1]["json"]


def test_cost_is_priced_by_the_provider_of_the_turn(run, conversation, alice, gateway):
    gateway.prices = {"gpt-image-2": {"per_call": 0.04}}
    gateway.save()
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a pear",
        api_mode="generate",
        options={"provider": gateway.pk, "model": "gpt-image-2", "quality": "low"},
    )
    assert turn.status == "completed", turn.error_message
    assert turn.cost == Decimal("0.040000")


def test_a_retired_model_is_refused_before_any_upstream_call(
    conversation, alice, sim, environment_provider
):
    sim.configure(models=[{"id": "gpt-image-1", "shutdown_date": YESTERDAY}, "gpt-image-2"])
    refresh_models(environment_provider)
    sim.clear()
    with pytest.raises(InvalidInput, match="gpt-image-1 was shut down") as refused:
        _start(
            conversation=conversation,
            author=alice,
            prompt="a fox",
            options={"model": "gpt-image-1"},
        )
    assert "gpt-image-2" in refused.value.message
    assert not Turn.objects.exists() and not sim.requests()
    assert "gpt-image-1" not in {o["model"] for o in present_options()["models"].values()}


def test_model_not_found_fails_the_turn_plainly_and_marks_the_model(
    run, conversation, alice, sim, environment_provider
):
    sim.configure(models=[{"id": "gpt-image-1.5", "shutdown_date": YESTERDAY}])
    turn = run(
        conversation=conversation, author=alice, prompt="a fox", options={"model": "gpt-image-1.5"}
    )

    assert turn.status == "failed" and turn.error_code == "model_not_found"
    assert "Simulator" in turn.error_message and "gpt-image-1.5" in turn.error_message
    assert "gpt-image-2" in turn.error_message
    row = environment_provider.models.get(name="gpt-image-1.5")
    assert row.unavailable
    with pytest.raises(InvalidInput, match=r"no longer serves gpt-image-1\.5"):
        _start(
            conversation=conversation,
            author=alice,
            prompt="again",
            options={"model": "gpt-image-1.5"},
        )


def test_a_team_limited_to_one_model_cannot_use_another(
    client, conversation, alice, environment_provider
):
    team = create_team(creator=alice, name="Kites")
    share_conversation(conversation=conversation, team_id=team.pk)
    set_team_policy(
        team=team,
        by=alice,
        provider_ids=[],
        models=[f"{environment_provider.pk}:gpt-image-2"],
    )
    client.force_login(alice)
    url = f"/api/conversations/{conversation.pk}/turns/"
    refused = client.post(url, {"prompt": "a kite", "options": json.dumps({"model": "dall-e-2"})})

    assert refused.status_code == 400
    assert "Your team uses only gpt-image-2" in refused.json()["error"]["message"]
    assert not Turn.objects.exists()
    offered = client.get(f"/api/capabilities/?conversation={conversation.pk}").json()
    assert [m["model"] for m in offered["models"].values()] == ["gpt-image-2"]


def test_a_provider_outside_the_teams_list_is_refused(conversation, alice, gateway):
    team = create_team(creator=alice, name="Kites")
    share_conversation(conversation=conversation, team_id=team.pk)
    set_team_policy(team=team, by=alice, provider_ids=[gateway.pk], models=[])
    with pytest.raises(InvalidInput, match="does not use Simulator"):
        _start(
            conversation=conversation,
            author=alice,
            prompt="a kite",
            options={"provider": _environment_id()},
        )


def _start(**fields):
    return start_turn(TurnRequest(**fields))


def _environment_id() -> int:
    from providers.models import Provider

    return Provider.objects.get(from_environment=True).pk


def test_an_unverified_model_gets_conservative_options(
    conversation, alice, sim, environment_provider
):
    sim.configure(models=["gpt-image-2", "acme-image-pro"])
    refresh_models(environment_provider)
    offer = present_options()["models"][f"{environment_provider.pk}:acme-image-pro"]
    assert offer["status"] == "unverified" and offer["qualities"] == ["auto"]
    with pytest.raises(InvalidInput, match="not a valid quality"):
        _start(
            conversation=conversation,
            author=alice,
            prompt="a kite",
            api_mode="generate",
            options={"model": "acme-image-pro", "quality": "high"},
        )


def test_the_key_is_in_no_event_page_json_or_log_line_of_a_full_run(
    run, client, conversation, alice, gateway, gateway_sim, monkeypatch, caplog, staff
):
    published = []
    real_send = events._send_event
    monkeypatch.setattr(
        events,
        "_send_event",
        lambda cid, text: (published.append(json.loads(text)), real_send(cid, text)),
    )
    caplog.set_level(logging.DEBUG)
    gateway_sim.inject("rate_limit", times=1, path="/v1/responses")
    gateway.max_retries = 1
    gateway.save()
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a kite",
        options={"provider": gateway.pk, "model": "gpt-image-2"},
    )
    assert turn.status == "completed", turn.error_message
    client.force_login(staff)
    pages = [
        client.get("/providers/").content.decode(),
        client.get(f"/providers/{gateway.pk}/").content.decode(),
        client.get("/health/").content.decode(),
        client.get("/api/capabilities/").content.decode(),
    ]
    client.force_login(alice)
    pages.append(client.get(f"/api/conversations/{conversation.pk}/").content.decode())
    everything = json.dumps(published) + "".join(pages) + caplog.text
    assert published and SECRET not in everything
    assert SECRET[:-4] not in everything
    assert "…WXYZ" in pages[0]


def test_team_owners_limit_models_on_the_team_page_and_others_cannot(
    client, alice, bob, environment_provider, studio_settings
):
    from teams.models import Membership

    team = create_team(creator=alice, name="Kites")
    Membership.objects.create(team=team, user=bob, role=Membership.Role.EDITOR)
    key = f"{environment_provider.pk}:gpt-image-2"
    client.force_login(bob)
    assert client.post(f"/teams/{team.pk}/models/", {"models": [key]}).status_code == 403
    client.force_login(alice)
    page = client.get(f"/teams/{team.pk}/").content.decode()
    assert 'id="team-models"' in page and key in page
    client.post(f"/teams/{team.pk}/models/", {"models": [key], "default": key})
    team.model_policy.refresh_from_db()
    assert team.model_policy.allowed_models == [key]
    assert team.model_policy.default_model == "gpt-image-2"
