from __future__ import annotations

import httpx
import pytest

from upstream import errors
from upstream.errors import error_from_response


def response(status: int, error: dict | None = None, **headers: str) -> httpx.Response:
    body = {"error": {"message": "m", "type": "t", "param": None, "code": None, **(error or {})}}
    return httpx.Response(status, json=body, headers=headers)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (422, errors.UnprocessableEntityError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.InternalServerError),
        (418, errors.APIStatusError),
    ],
)
def test_status_maps_to_class(status, cls):
    error = error_from_response(response(status))
    assert type(error) is cls
    assert isinstance(error, errors.APIStatusError)
    assert isinstance(error, errors.UpstreamError)


def test_fields_are_carried():
    error = error_from_response(
        response(
            400,
            {
                "message": "Invalid 'n': below 1.",
                "type": "invalid_request_error",
                "param": "n",
                "code": "decimal_below_min_value",
            },
            **{"x-request-id": "req_123"},
        ),
        retry_after=2.0,
    )
    assert error.status == 400
    assert (error.code, error.type, error.param) == (
        "decimal_below_min_value",
        "invalid_request_error",
        "n",
    )
    assert error.message == "Invalid 'n': below 1."
    assert error.request_id == "req_123"
    assert error.retry_after == 2.0
    assert "Invalid 'n': below 1." in str(error) and "HTTP 400" in str(error)


def test_moderation_block_is_recognised():
    blocked = error_from_response(
        response(
            400,
            {
                "type": "image_generation_user_error",
                "code": "moderation_blocked",
                "message": "Your request was rejected by the safety system.",
            },
        )
    )
    assert blocked.is_moderation_block
    assert "safety system" in blocked.user_message
    for code in ("content_policy_violation", "image_content_policy_violation"):
        assert error_from_response(response(400, {"code": code})).is_moderation_block
    assert errors.ResponseFailed("x", code="image_content_policy_violation").is_moderation_block


def test_moderation_categories_come_from_the_details_or_the_message():
    detailed = error_from_response(
        response(
            400,
            {
                "code": "moderation_blocked",
                "moderation_details": {"moderation_stage": "input", "categories": ["violence"]},
            },
        )
    )
    assert detailed.moderation_categories == ["violence"]
    in_stream = errors.ResponseFailed(
        "Rejected by the safety system. safety_violations=[sexual, hate].",
        code="moderation_blocked",
        body={"type": "response.failed", "response": {"error": {"code": "moderation_blocked"}}},
    )
    assert in_stream.moderation_categories == ["sexual", "hate"]
    assert errors.ResponseFailed("x", code="moderation_blocked").moderation_categories == []


def test_other_user_errors_are_not_moderation():
    error = error_from_response(
        response(400, {"type": "image_generation_user_error", "code": "invalid_image_file"})
    )
    assert not error.is_moderation_block


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (
            400,
            {
                "code": "previous_response_not_found",
                "param": "previous_response_id",
                "message": "Previous response with id 'resp_1' not found.",
            },
        ),
        (400, {"param": "previous_response_id", "message": "Unsupported parameter."}),
        (404, {"message": "Item with id 'ig_abc' not found.", "param": "input"}),
        (400, {"message": "Image generation call ig_abc could not be found."}),
        (400, {"message": "previous_response_id is not supported by this provider."}),
    ],
)
def test_stored_id_rejections_are_recognised(status, error):
    assert error_from_response(response(status, error)).is_stored_id_rejected


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, {"code": "decimal_below_min_value", "param": "n", "message": "Invalid 'n'."}),
        (500, {"message": "Item ig_1 not found."}),
        (401, {"code": "invalid_api_key", "message": "Incorrect API key provided."}),
    ],
)
def test_other_errors_are_not_stored_id_rejections(status, error):
    assert not error_from_response(response(status, error)).is_stored_id_rejected


def test_retryable_errors():
    assert error_from_response(response(429, {"code": "rate_limit_exceeded"})).is_retryable
    assert not error_from_response(response(429, {"code": "insufficient_quota"})).is_retryable
    assert error_from_response(response(500)).is_retryable
    assert error_from_response(response(408)).is_retryable
    assert not error_from_response(response(400)).is_retryable
    assert errors.APIConnectionError("x").is_retryable
    assert errors.APITimeoutError("x").is_retryable
    assert errors.StreamInterrupted("x").is_retryable
    assert errors.ResponseFailed("x", code="server_error").is_retryable
    assert not errors.ResponseFailed("x", code="invalid_prompt").is_retryable
    assert not errors.StreamClosed("x").is_retryable
    assert not errors.InvalidRequest("x", param="size").is_retryable


def test_insufficient_quota_has_a_clear_message():
    error = error_from_response(response(429, {"code": "insufficient_quota", "message": ""}))
    assert "credit" in error.user_message


def test_non_json_body_gives_a_readable_message():
    error = error_from_response(httpx.Response(502, text="<html><body>Bad gateway</body></html>"))
    assert isinstance(error, errors.InternalServerError)
    assert error.message == "The image provider had an internal error (HTTP 502)."
    plain = error_from_response(httpx.Response(400, text="Instructions are required"))
    assert plain.message == "Instructions are required"


def test_top_level_and_string_error_bodies():
    flat = error_from_response(httpx.Response(400, json={"message": "bad", "code": "c"}))
    assert (flat.message, flat.code) == ("bad", "c")
    bare = error_from_response(httpx.Response(400, json={"error": "Input must be a list"}))
    assert bare.message == "Input must be a list"


def test_api_key_never_appears_in_messages():
    key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"
    error = error_from_response(
        response(401, {"message": f"Incorrect API key provided: {key}."}), secret=key
    )
    assert key not in str(error) and key not in repr(error)
    other = error_from_response(response(401, {"message": "Bad key sk-abcdefghijklmnopqrst."}))
    assert "sk-abcdefghijklmnopqrst" not in str(other)


def test_stream_errors_are_upstream_errors():
    assert issubclass(errors.ResponseFailed, errors.StreamError)
    assert issubclass(errors.StreamInterrupted, errors.StreamError)
    assert issubclass(errors.StreamClosed, errors.StreamError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.InvalidRequest, errors.UpstreamError)
