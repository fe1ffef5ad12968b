"""Gateway error envelopes, as LiteLLM, new-api and one-api send them."""

from __future__ import annotations

import httpx
import pytest

from upstream import errors
from upstream.events import parse_event
from upstream.gateway_errors import unwrap
from upstream.stream import failure_from_event

LITELLM_BAD_REQUEST = {
    "error": {
        "message": "litellm.BadRequestError: OpenAIException - Invalid value: 'huge'. Supported "
        "values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.. Received Model "
        "Group=gpt-image-1\nAvailable Model Group Fallbacks=None",
        "type": None,
        "param": None,
        "code": "400",
    }
}
LITELLM_WRAPPED_JSON = {
    "error": {
        "message": "litellm.BadRequestError: OpenAIException - Error code: 400 - {'error': "
        "{'message': 'Your request was rejected by the safety system.', 'type': "
        "'image_generation_user_error', 'param': None, 'code': 'moderation_blocked'}}. "
        "Received Model Group=gpt-image-1\nAvailable Model Group Fallbacks=None",
        "type": None,
        "param": None,
        "code": "400",
    }
}
LITELLM_RATE_LIMIT = {
    "error": {
        "message": "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached "
        "for requests per min. Please try again in 1s.. Received Model Group=gpt-image-1\n"
        "Available Model Group Fallbacks=None",
        "type": None,
        "param": None,
        "code": "429",
    }
}
NEW_API_RELAYED = {
    "error": {
        "message": "Invalid 'n': expected a value from 1 to 10, but got 12 instead. "
        "(request id: 20250330123456789012345678abcdef)",
        "type": "invalid_request_error",
        "param": "n",
        "code": "integer_above_max_value",
    }
}
NEW_API_NO_CHANNEL = {
    "error": {
        "message": "当前分组 default 下对于模型 gpt-4o-image 无可用渠道 (request id: 2025033012)",
        "type": "new_api_error",
        "param": "",
        "code": "",
    }
}
NEW_API_QUOTA = {
    "error": {
        "message": "用户额度不足, 剩余额度: $0.01 (request id: 2025033013)",
        "type": "new_api_error",
        "param": "",
        "code": "insufficient_user_quota",
    }
}
ONE_API_UPSTREAM = {
    "error": {
        "message": "Your request was rejected as a result of our safety system.",
        "type": "upstream_error",
        "param": "",
        "code": "bad_response_status_code",
    }
}


def error_for(status: int, body: dict, headers: dict | None = None) -> errors.APIStatusError:
    return errors.error_from_response(httpx.Response(status, json=body, headers=headers))


def test_litellm_prefix_and_model_group_are_removed_and_the_status_is_no_code():
    error = error_for(400, LITELLM_BAD_REQUEST)

    assert error.message.startswith("Invalid value: 'huge'. Supported values are:")
    assert "litellm" not in error.message and "Model Group" not in error.message
    assert error.code is None
    assert isinstance(error, errors.BadRequestError)


def test_the_providers_error_inside_litellm_text_is_read():
    error = error_for(400, LITELLM_WRAPPED_JSON)

    assert error.message == "Your request was rejected by the safety system."
    assert error.code == "moderation_blocked"
    assert error.type == "image_generation_user_error"
    assert error.is_moderation_block and not error.is_retryable


def test_litellm_drops_retry_after_so_the_wait_is_read_from_the_words():
    error = error_for(429, LITELLM_RATE_LIMIT)

    assert error.message == "Rate limit reached for requests per min. Please try again in 1s."
    assert error.retry_after == 1.0
    assert error.is_retryable


def test_new_api_request_id_suffix_is_removed_and_kept_as_the_request_id():
    error = error_for(400, NEW_API_RELAYED)

    assert error.message.endswith("but got 12 instead.")
    assert error.request_id == "20250330123456789012345678abcdef"
    assert error.code == "integer_above_max_value" and error.param == "n"


def test_the_header_request_id_wins_over_the_suffix():
    error = error_for(400, NEW_API_RELAYED, headers={"x-request-id": "req_header"})
    assert error.request_id == "req_header"


def test_an_unknown_model_is_recognised_from_the_words_and_not_retried():
    error = error_for(503, NEW_API_NO_CHANNEL)

    assert error.code == "model_not_found"
    assert error.type == "new_api_error"
    assert not error.is_retryable
    assert "does not offer this model" in error.user_message
    assert "无可用渠道" in error.user_message


def test_gateway_quota_codes_mean_the_credit_ran_out():
    error = error_for(403, NEW_API_QUOTA)

    assert error.code == "insufficient_quota"
    assert error.user_message == "The image provider account has run out of credit."
    assert not error.is_retryable


def test_a_vague_upstream_code_gives_way_to_the_words():
    error = error_for(400, ONE_API_UPSTREAM)
    assert error.is_moderation_block


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("You exceeded your current quota, please check your plan.", "insufficient_quota"),
        (
            "The model `gpt-image-9` does not exist or you do not have access to it.",
            "model_not_found",
        ),
        ("litellm.ContentPolicyViolationError: OpenAIException - nope", "moderation_blocked"),
        ("prompt contains sensitive words: x", "moderation_blocked"),
        ("Something else broke.", None),
    ],
)
def test_causes_recognised_when_the_code_was_lost(message, code):
    assert unwrap(message, code="500").code == code


def test_a_known_code_is_kept():
    assert unwrap("whatever quota", code="rate_limit_exceeded").code == "rate_limit_exceeded"


def test_errors_inside_streams_are_unwrapped_too():
    event = parse_event({"type": "error", "error": LITELLM_WRAPPED_JSON["error"]})

    failure = failure_from_event(event)
    assert failure.message == "Your request was rejected by the safety system."
    assert failure.is_moderation_block
