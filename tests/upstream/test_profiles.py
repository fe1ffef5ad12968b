from __future__ import annotations

import dataclasses

import pytest

from upstream.profiles import (
    DEFAULT_INSTRUCTIONS,
    GATEWAY,
    IMAGE_CALL,
    OPENAI,
    PREVIOUS_RESPONSE_ID,
    PROFILES,
    RESEND_IMAGE,
    ProviderProfile,
    get_profile,
)


def test_profiles_are_openai_and_gateway():
    assert set(PROFILES) == {"openai", "gateway"}
    assert get_profile("openai") is OPENAI
    assert get_profile(" Gateway ") is GATEWAY


def test_unknown_profile_names_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown provider profile 'azure'.*gateway, openai"):
        get_profile("azure")


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        OPENAI.stream_only = True  # type: ignore[misc]


def test_openai_flags_match_protocol_table():
    assert not OPENAI.requires_instructions
    assert not OPENAI.input_must_be_list
    assert not OPENAI.stream_only
    assert OPENAI.supports_previous_response_id
    assert OPENAI.supports_item_reference
    assert OPENAI.supports_n
    assert OPENAI.multi_image_via_prompt
    assert OPENAI.supports_files_api
    assert OPENAI.image_return == "https_url"
    assert not OPENAI.final_image_in_partial_event
    assert OPENAI.emits_keepalive
    assert OPENAI.image_usage_location == "tool_usage.image_gen"
    assert not OPENAI.done_status_may_be_generating
    assert OPENAI.rejects_input_fidelity_models == frozenset()
    assert OPENAI.continuation_strategies == (PREVIOUS_RESPONSE_ID, IMAGE_CALL, RESEND_IMAGE)


def test_gateway_flags_match_protocol_table():
    assert GATEWAY.requires_instructions
    assert GATEWAY.input_must_be_list
    assert GATEWAY.stream_only
    assert not GATEWAY.supports_previous_response_id
    assert not GATEWAY.supports_item_reference
    assert not GATEWAY.supports_n
    assert GATEWAY.multi_image_via_prompt
    assert not GATEWAY.supports_files_api
    assert GATEWAY.image_return == "data_url"
    assert GATEWAY.final_image_in_partial_event
    assert GATEWAY.emits_keepalive
    assert GATEWAY.done_status_may_be_generating
    assert "gpt-image-2" in GATEWAY.rejects_input_fidelity_models
    assert GATEWAY.default_instructions == DEFAULT_INSTRUCTIONS
    assert GATEWAY.continuation_strategies == (RESEND_IMAGE,)


@pytest.mark.parametrize(
    ("has_response_id", "has_image_call_id", "is_branch", "expected"),
    [
        (True, True, False, PREVIOUS_RESPONSE_ID),
        (False, True, False, IMAGE_CALL),
        (False, False, False, RESEND_IMAGE),
        (True, True, True, IMAGE_CALL),
        (True, False, True, PREVIOUS_RESPONSE_ID),
        (False, False, True, RESEND_IMAGE),
    ],
)
def test_openai_continuation(has_response_id, has_image_call_id, is_branch, expected):
    chosen = OPENAI.choose_continuation(
        has_response_id=has_response_id, has_image_call_id=has_image_call_id, is_branch=is_branch
    )
    assert chosen == expected


@pytest.mark.parametrize("is_branch", [False, True])
def test_gateway_always_resends_the_image(is_branch):
    chosen = GATEWAY.choose_continuation(
        has_response_id=True, has_image_call_id=True, is_branch=is_branch
    )
    assert chosen == RESEND_IMAGE


def test_a_mask_needs_the_image_resent():
    chosen = OPENAI.choose_continuation(
        has_response_id=True, has_image_call_id=True, is_branch=False, has_mask=True
    )
    assert chosen == RESEND_IMAGE


def test_continuation_respects_a_profiles_strategy_list():
    no_chaining = ProviderProfile(name="x", continuation_strategies=(IMAGE_CALL, RESEND_IMAGE))
    chosen = no_chaining.choose_continuation(
        has_response_id=True, has_image_call_id=True, is_branch=False
    )
    assert chosen == IMAGE_CALL
    only_ids = ProviderProfile(name="y", continuation_strategies=(PREVIOUS_RESPONSE_ID,))
    chosen = only_ids.choose_continuation(
        has_response_id=True, has_image_call_id=True, is_branch=True
    )
    assert chosen == PREVIOUS_RESPONSE_ID


def test_only_openai_resumes_background_responses():
    assert get_profile("openai").background_resume
    assert not get_profile("gateway").background_resume
