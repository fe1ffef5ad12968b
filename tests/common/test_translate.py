"""Upstream's messages reach people in their language."""

from __future__ import annotations

import httpx
import pytest
from django.utils import translation

from common.translate import user_message
from upstream.capabilities import validate_options
from upstream.errors import InvalidRequest, ResponseFailed, error_from_response
from upstream.profiles import OPENAI


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


def _refusal(**request) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as refused:
        validate_options(profile=OPENAI, prompt="a fox", **request)
    return refused.value


def test_a_refusal_naming_what_a_model_can_do_reads_in_chinese():
    refused = _refusal(model="dall-e-2", mode="responses", options={})
    assert refused.message == (
        "dall-e-2 cannot use the Responses image tool; it can generate images, edit images, "
        "make variations."
    )
    with translation.override("zh-hans"):
        assert user_message(refused) == (
            "dall-e-2 不能使用 Responses 图像工具；它可以生成图片、编辑图片、生成变体。"
        )
    with translation.override("zh-hant"):
        assert user_message(refused) == (
            "dall-e-2 不能使用 Responses 影像工具；它可以產生圖片、編輯圖片、產生變體。"
        )


def test_the_size_rules_a_size_breaks_are_listed_in_chinese():
    refused = _refusal(model="gpt-image-2", mode="generate", options={"size": "1000x3990"})
    assert refused.message == (
        "1000x3990 does not fit gpt-image-2's size rules: both edges must be multiples of 16 "
        "(1000 and 3990 is not); the longest edge may be at most 3840 px; the long edge may be "
        "at most 3 times the short one (this is 3.99:1)."
    )
    with translation.override("zh-hans"):
        assert user_message(refused) == (
            "1000x3990 不符合 gpt-image-2 的尺寸规则："
            "两条边都必须是 16 的倍数（1000 和 3990 不是）；"
            "最长边不能超过 3840 像素；"
            "长边最多为短边的 3 倍（当前为 3.99:1）。"
        )
