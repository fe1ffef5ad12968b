"""What providers say to a person, in the reader's language: a model's note, a shutdown
warning, a model the provider no longer has, a key that cannot be read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.utils import translation

from conversations.failures import failure_text
from providers.catalogue import refresh_models
from providers.presenters import present_options
from providers.selection import ChoiceRefused, choose
from providers.services import set_team_policy
from teams.services import create_team

pytestmark = pytest.mark.django_db

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def offer(provider, model: str, language: str) -> dict:
    with translation.override(language):
        return present_options()["models"][f"{provider.pk}:{model}"]


def read(turn, language: str) -> str:
    with translation.override(language):
        return failure_text(turn.error_detail, turn.error_message)


def test_an_unverified_models_note_is_in_the_readers_language(environment_provider, sim):
    sim.configure(models=["gpt-image-2", "acme-image-pro"])
    refresh_models(environment_provider)
    assert (
        "acme-image-pro is unverified"
        in offer(environment_provider, "acme-image-pro", "en")["note"]
    )
    assert (
        "acme-image-pro 未经验证"
        in offer(environment_provider, "acme-image-pro", "zh-hans")["note"]
    )
    assert (
        "acme-image-pro 未經驗證"
        in offer(environment_provider, "acme-image-pro", "zh-hant")["note"]
    )


def test_a_shutdown_warning_has_the_languages_words_and_date(environment_provider, sim):
    soon = date.today() + timedelta(days=20)
    sim.configure(models=[{"id": "gpt-image-1.5", "shutdown_date": soon.isoformat()}])
    refresh_models(environment_provider)
    warning = offer(environment_provider, "gpt-image-1.5", "zh-hans")["warning"]
    assert f"{soon.year}年{soon.month}月{soon.day}日" in warning
    assert "shuts down" not in warning and "gpt-image-1.5" in warning


def test_a_model_the_provider_no_longer_has_is_told_in_each_readers_language(
    run, conversation, alice, sim, environment_provider
):
    sim.configure(models=[{"id": "gpt-image-1.5", "shutdown_date": YESTERDAY}])
    turn = run(
        conversation=conversation, author=alice, prompt="a fox", options={"model": "gpt-image-1.5"}
    )
    assert turn.error_detail["code"] == "model_gone"
    assert read(turn, "en") == turn.error_message
    chinese = read(turn, "zh-hans")
    assert "模型 gpt-image-1.5 不存在或已停用" in chinese and "gpt-image-2" in chinese
    assert "回合無法執行" in read(turn, "zh-hant")


def test_a_key_that_cannot_be_read_fails_the_turn_in_each_readers_language(
    run, conversation, alice, gateway, settings
):
    settings.STUDIO_ENCRYPTION_KEY = Fernet.generate_key().decode()
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a kite",
        options={"provider": gateway.pk, "model": "gpt-image-2"},
    )
    assert turn.status == "failed" and turn.error_code == "provider_key_unreadable"
    assert "cannot be decrypted" in read(turn, "en")
    assert "无法用 STUDIO_ENCRYPTION_KEY 解密" in read(turn, "zh-hans")
    assert "無法用 STUDIO_ENCRYPTION_KEY 解密" in read(turn, "zh-hant")


def test_staff_refreshing_a_provider_whose_key_cannot_be_read_get_a_message(
    client, staff, gateway, settings
):
    settings.STUDIO_ENCRYPTION_KEY = Fernet.generate_key().decode()
    client.force_login(staff)
    response = client.post(
        f"/providers/{gateway.pk}/refresh/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert response.status_code == 200
    said = " ".join(str(m) for m in response.context["messages"])
    assert "请恢复保存时使用的密钥" in said


def test_a_teams_models_are_listed_with_the_languages_separator(alice, environment_provider):
    team = create_team(creator=alice, name="Kites")
    pk = environment_provider.pk
    set_team_policy(
        team=team, by=alice, provider_ids=[], models=[f"{pk}:gpt-image-2", f"{pk}:gpt-image-1"]
    )
    with translation.override("zh-hans"), pytest.raises(ChoiceRefused) as refused:
        choose(provider_id=pk, model="dall-e-2", mode="generate", team=team)
    assert "gpt-image-1、gpt-image-2" in refused.value.message
