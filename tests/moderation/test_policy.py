"""The provider's moderation level: the site setting, a team's own choice, never the turn's."""

from __future__ import annotations

import pytest

from moderation.policy import moderation_setting
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def sent_tool(sim) -> dict:
    return [r for r in sim.requests() if r["path"] == "/v1/responses"][-1]["json"]["tools"][0]


def test_the_site_level_is_sent_upstream(run, conversation, alice, sim, settings):
    settings.STUDIO_MODERATION = "low"
    turn = run(conversation=conversation, author=alice, prompt="a fox")
    assert sent_tool(sim)["moderation"] == "low"
    assert turn.options["moderation"] == "low"


def test_a_team_level_wins_over_the_site(run, conversation, alice, sim, settings):
    settings.STUDIO_MODERATION = "auto"
    conversation.team = TeamFactory(moderation="low")
    conversation.save()
    run(conversation=conversation, author=alice, prompt="a fox")
    assert sent_tool(sim)["moderation"] == "low"
    assert moderation_setting(conversation) == {"level": "low", "source": "team"}


def test_a_team_on_the_site_default_follows_the_site(conversation, settings):
    settings.STUDIO_MODERATION = "low"
    conversation.team = TeamFactory(moderation="")
    assert moderation_setting(conversation) == {"level": "low", "source": "site"}


def test_the_turn_cannot_choose_its_own_level(run, conversation, alice, sim, settings):
    settings.STUDIO_MODERATION = "auto"
    conversation.default_options = {"moderation": "low"}
    conversation.save()
    turn = run(
        conversation=conversation, author=alice, prompt="a fox", options={"moderation": "low"}
    )
    assert sent_tool(sim)["moderation"] == "auto"
    assert turn.options["moderation"] == "auto"


def test_images_api_generate_carries_the_level(run, conversation, alice, sim, settings):
    settings.STUDIO_MODERATION = "low"
    run(conversation=conversation, author=alice, prompt="a fox", api_mode="generate")
    call = [r for r in sim.requests() if r["path"] == "/v1/images/generations"][-1]
    assert call["json"]["moderation"] == "low"


def test_dall_e_gets_no_moderation_option(run, conversation, alice, sim):
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a fox",
        api_mode="generate",
        options={"model": "dall-e-3", "moderation": "low"},
    )
    assert turn.status == "completed", turn.error_message
    assert "moderation" not in turn.options
    call = [r for r in sim.requests() if r["path"] == "/v1/images/generations"][-1]
    assert "moderation" not in call["json"]


def test_the_page_shows_the_level_read_only(client, alice, conversation, settings):
    settings.STUDIO_MODERATION = "low"
    client.force_login(alice)
    capabilities = client.get("/api/capabilities/").json()
    assert capabilities["moderation"] == {"level": "low", "source": "site"}
    assert {"value": "violence", "label": "Violence"} in capabilities["flag_reasons"]
    conversation.team = TeamFactory(moderation="auto")
    conversation.save()
    snapshot = client.get(f"/api/conversations/{conversation.pk}/").json()
    assert snapshot["conversation"]["moderation"] == {"level": "auto", "source": "team"}


def test_an_unknown_site_level_stops_the_app_at_start(tmp_path):
    from tests.studio.test_settings import run_manage

    result = run_manage("check", DEBUG="1", STUDIO_VAR_DIR=str(tmp_path), STUDIO_MODERATION="off")
    assert result.returncode != 0
    assert "STUDIO_MODERATION must be auto or low" in result.stderr
