"""Upstream's messages: stable codes and parameters, the same English as before."""

from __future__ import annotations

import httpx

from upstream.errors import APIConnectionError, ResponseFailed, error_from_response
from upstream.messages import MESSAGES, PROVIDER_MESSAGE, describe, for_status


def _status_error(status: int, body=b""):
    return error_from_response(httpx.Response(status, content=body))


def test_a_bare_status_gets_a_code_and_our_sentence():
    error = _status_error(429)
    assert describe(error).code == "provider_rate_limited"
    assert error.user_message == "The image provider is rate limiting requests; try again shortly."


def test_a_server_error_keeps_its_status_as_a_parameter():
    message = describe(_status_error(503))
    assert (message.code, dict(message.params)) == ("provider_internal_error", {"status": 503})
    assert message.english == "The image provider had an internal error (HTTP 503)."
    assert describe(_status_error(418)).english == "The image provider answered HTTP 418."


def test_a_moderation_block_and_an_empty_account_have_codes():
    blocked = ResponseFailed("Your request was rejected", code="moderation_blocked")
    assert describe(blocked).code == "moderation_blocked"
    quota = _status_error(429, b'{"error": {"message": "quota", "code": "insufficient_quota"}}')
    assert describe(quota).code == "insufficient_quota"
    assert quota.user_message == "The image provider account has run out of credit."


def test_the_providers_own_words_pass_through():
    error = _status_error(400, b'{"error": {"message": "Invalid size 7x7."}}')
    message = describe(error)
    assert message.code == PROVIDER_MESSAGE
    assert message.english == error.user_message == "Invalid size 7x7."
    assert describe(APIConnectionError("Connection refused")).english == "Connection refused"


def test_every_status_sentence_is_in_the_table():
    for status in (400, 401, 403, 404, 408, 409, 422, 429, 500, 451):
        assert for_status(status).code in MESSAGES
