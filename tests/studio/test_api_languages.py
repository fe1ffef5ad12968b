"""The JSON API answers in the request's language: refusals, budgets, failed turns, errors."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from conversations.models import Turn
from usage.budgets import budget_statuses
from usage.models import Budget

pytestmark = pytest.mark.django_db

SIMPLIFIED, TRADITIONAL, ENGLISH = "zh-CN", "zh-TW", "en-GB"


@pytest.fixture
def api(client, alice, studio_settings):
    client.force_login(alice)
    return client


def post_turn(api, conversation, language, **fields):
    return api.post(
        f"/api/conversations/{conversation.pk}/turns/",
        json.dumps({"prompt": "a red fox", **fields}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def error_of(response) -> str:
    return response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            SIMPLIFIED,
            "output_compression 仅适用于 JPEG 或 WebP 输出；PNG 是无损格式。"
            "请选择 jpeg 或 webp，或不设置压缩。",
        ),
        (
            TRADITIONAL,
            "output_compression 僅適用於 JPEG 或 WebP 輸出；PNG 是無損格式。"
            "請選擇 jpeg 或 webp，或不設定壓縮。",
        ),
        (
            ENGLISH,
            "output_compression only applies to JPEG or WebP output; PNG is lossless. "
            "Choose jpeg or webp, or leave compression out.",
        ),
    ],
)
def test_compression_for_a_png_is_refused_in_the_readers_language(
    api, conversation, language, message
):
    response = post_turn(api, conversation, language, options={"output_compression": 50})
    assert response.status_code == 400
    assert error_of(response) == message
    assert response.json()["error"]["field"] == "output_compression"
    assert not Turn.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (SIMPLIFIED, "gpt-image-2 不支持 style（style 是 dall-e-3 的选项）。"),
        (TRADITIONAL, "gpt-image-2 不支援 style（style 是 dall-e-3 的選項）。"),
        (ENGLISH, "gpt-image-2 does not support style (style is a dall-e-3 option)."),
    ],
)
def test_an_option_the_model_lacks_is_refused_in_the_readers_language(
    api, conversation, language, message
):
    response = post_turn(api, conversation, language, options={"style": "vivid"})
    assert (response.status_code, error_of(response)) == (400, message)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (SIMPLIFIED, "请先写提示词。"),
        (TRADITIONAL, "請先寫提示詞。"),
        (ENGLISH, "Write a prompt first."),
    ],
)
def test_an_empty_prompt_is_refused_in_the_readers_language(api, conversation, language, message):
    response = post_turn(api, conversation, language, prompt="   ")
    assert (response.status_code, error_of(response)) == (400, message)


@pytest.mark.parametrize(
    ("language", "active", "message"),
    [
        (SIMPLIFIED, "zh-hans", "你的每日 Token 预算（0 Token）已用完，将于 {resets} 重置。"),
        (TRADITIONAL, "zh-hant", "你的每日 Token 預算（0 Token）已用完，將於 {resets} 重設。"),
        (ENGLISH, "en", "Your daily token budget of 0 tokens is used up. It resets at {resets}."),
    ],
)
def test_a_budget_refusal_reads_in_the_readers_language(
    api, alice, conversation, language, active, message
):
    budget = Budget.objects.create(user=alice, metric="tokens", period="day", limit=0)
    with translation.override(active):
        resets = budget_statuses([budget], Turn.objects.none())[0].resets_label
    response = post_turn(api, conversation, language)
    assert response.status_code == 402
    assert error_of(response) == message.format(resets=resets)


def test_the_reset_time_is_written_the_chinese_way():
    budget = Budget(metric="cost", period="month", limit=5)
    with translation.override("zh-hans"):
        label = budget_statuses([budget], Turn.objects.none())[0].resets_label
    assert "年" in label and " on " not in label


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (SIMPLIFIED, "图像提供商账户的余额已用完。"),
        (TRADITIONAL, "影像供應商帳戶的餘額已用完。"),
        (ENGLISH, "The image provider account has run out of credit."),
    ],
)
def test_a_turn_that_failed_upstream_reads_in_each_readers_language(
    api, conversation, sim, django_capture_on_commit_callbacks, language, message
):
    sim.inject("insufficient_quota")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_turn(api, conversation, ENGLISH).status_code == 201
    # Failed once, read later by someone in another language.
    snapshot = api.get(f"/api/conversations/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    turn = snapshot.json()["turns"][0]
    assert turn["status"] == "failed"
    assert turn["error"]["message"] == message
    assert turn["error"]["code"] == "insufficient_quota"


def test_a_blocked_turn_keeps_the_providers_words_inside_the_translation(
    api, conversation, sim, django_capture_on_commit_callbacks
):
    sim.inject("moderation")
    with django_capture_on_commit_callbacks(execute=True):
        post_turn(api, conversation, ENGLISH)
    turn = Turn.objects.get()
    said = turn.error_detail["params"]["message"]
    snapshot = api.get(f"/api/conversations/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE=TRADITIONAL)
    assert snapshot.json()["turns"][0]["error"]["message"] == (
        "影像供應商的安全系統攔截了此請求。請換個說法重寫提示詞，或使用其他圖片。"
        f"（供應商：{said}）"
    )
    assert turn.error_message.startswith("The image provider's safety system blocked")


@pytest.mark.parametrize(
    ("language", "message"),
    [(SIMPLIFIED, "未找到。"), (TRADITIONAL, "未找到。"), (ENGLISH, "Not found.")],
)
def test_a_missing_conversation_is_not_found_in_the_readers_language(api, language, message):
    response = api.get("/api/conversations/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert (response.status_code, error_of(response)) == (404, message)


@pytest.mark.parametrize(
    ("language", "heading"),
    [(SIMPLIFIED, "这里什么都没有"), (TRADITIONAL, "這裡什麼都沒有"), (ENGLISH, "Nothing here")],
)
def test_the_404_page_speaks_the_readers_language(client, studio_settings, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [(SIMPLIFIED, "表单已过期"), (TRADITIONAL, "表單已過期"), (ENGLISH, "The form had expired")],
)
def test_the_csrf_failure_page_speaks_the_readers_language(
    alice, studio_settings, language, heading
):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (SIMPLIFIED, "你在过去一小时内已创建 1 个对话，已达上限。请在 "),
        (TRADITIONAL, "你在過去一小時內已建立 1 個對話，已達上限。請在 "),
    ],
)
def test_the_creation_limit_speaks_the_readers_language(api, settings, language, message):
    settings.STUDIO_CREATION_LIMITS = {"conversation": 1}
    for _ in range(2):
        response = api.post(
            "/api/conversations/",
            {},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 429
    assert error_of(response).startswith(message)


def test_studios_own_failure_is_stored_once_and_read_in_each_language(api, conversation):
    turn_id = post_turn(api, conversation, ENGLISH).json()["id"]  # stays queued
    api.post(f"/api/turns/{turn_id}/cancel/", HTTP_ACCEPT_LANGUAGE=ENGLISH)
    assert Turn.objects.get(pk=turn_id).error_message == "Cancelled."
    for language, message in ((SIMPLIFIED, "已取消。"), (ENGLISH, "Cancelled.")):
        snapshot = api.get(f"/api/conversations/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert snapshot.json()["turns"][0]["error"]["message"] == message
