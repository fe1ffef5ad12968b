"""Upstream's messages reach people in their language."""

from __future__ import annotations

import httpx
from django.utils import translation

from common.translate import translate, user_message
from upstream.errors import ResponseFailed, error_from_response
from upstream.presets import get_preset


def test_a_provider_failure_reads_in_the_active_language():
    error = error_from_response(httpx.Response(500))
    with translation.override("zh-hans"):
        assert user_message(error) == "图像提供商发生内部错误（HTTP 500）。"
    with translation.override("zh-hant"):
        assert user_message(error) == "影像供應商發生內部錯誤（HTTP 500）。"
    with translation.override("en"):
        assert user_message(error) == error.user_message


def test_a_moderation_block_reads_in_chinese():
    blocked = ResponseFailed("rejected", code="moderation_blocked")
    with translation.override("zh-hans"):
        assert user_message(blocked) == "图像提供商的安全系统拦截了此请求。"


def test_the_providers_own_words_are_left_as_they_came():
    error = error_from_response(httpx.Response(400, json={"error": {"message": "尺寸无效"}}))
    with translation.override("zh-hant"):
        assert user_message(error) == "尺寸无效"


def test_a_missing_endpoint_reads_in_the_active_language():
    message = get_preset("oneapi").missing_endpoint_message("responses")
    with translation.override("zh-hans"):
        assert translate(message) == "此提供商（one-api (and older new-api)）没有 Responses API。"
    with translation.override("en"):
        assert translate(message) == (
            "This provider (one-api (and older new-api)) has no Responses API."
        )
