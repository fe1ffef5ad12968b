from __future__ import annotations

import dataclasses

import pytest

from upstream import events as ev
from upstream.events import parse_event

RESPONSE = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
ITEM = {"id": "ig_1", "type": "image_generation_call", "status": "in_progress", "result": None}
CALL = {"item_id": "ig_1", "output_index": 0, "sequence_number": 4}
TEXT_IDS = {"item_id": "msg_1", "output_index": 1, "content_index": 0}
IMAGES_META = {
    "b64_json": "AAAA",
    "created_at": 1713833628,
    "size": "1024x1024",
    "quality": "low",
    "background": "opaque",
    "output_format": "png",
}

CASES = [
    ({"type": "response.created", "response": RESPONSE}, ev.ResponseCreatedEvent),
    ({"type": "response.in_progress", "response": RESPONSE}, ev.ResponseInProgressEvent),
    ({"type": "response.completed", "response": RESPONSE}, ev.ResponseCompletedEvent),
    ({"type": "response.failed", "response": RESPONSE}, ev.ResponseFailedEvent),
    ({"type": "response.incomplete", "response": RESPONSE}, ev.ResponseIncompleteEvent),
    (
        {"type": "response.output_item.added", "output_index": 0, "item": ITEM},
        ev.OutputItemAddedEvent,
    ),
    (
        {"type": "response.output_item.done", "output_index": 0, "item": ITEM},
        ev.OutputItemDoneEvent,
    ),
    (
        {"type": "response.image_generation_call.in_progress", **CALL},
        ev.ImageGenCallInProgressEvent,
    ),
    ({"type": "response.image_generation_call.generating", **CALL}, ev.ImageGenCallGeneratingEvent),
    ({"type": "response.image_generation_call.completed", **CALL}, ev.ImageGenCallCompletedEvent),
    (
        {"type": "response.content_part.added", **TEXT_IDS, "part": {"type": "output_text"}},
        ev.ContentPartAddedEvent,
    ),
    (
        {"type": "response.content_part.done", **TEXT_IDS, "part": {"type": "output_text"}},
        ev.ContentPartDoneEvent,
    ),
    ({"type": "response.output_text.delta", **TEXT_IDS, "delta": "Hi"}, ev.OutputTextDeltaEvent),
    ({"type": "response.output_text.done", **TEXT_IDS, "text": "Hi"}, ev.OutputTextDoneEvent),
    ({"type": "keepalive"}, ev.KeepaliveEvent),
    (
        {"type": "image_generation.partial_image", "partial_image_index": 0, **IMAGES_META},
        ev.ImageGenerationPartialImageEvent,
    ),
    ({"type": "image_generation.completed", **IMAGES_META}, ev.ImageGenerationCompletedEvent),
    (
        {"type": "image_edit.partial_image", "partial_image_index": 1, **IMAGES_META},
        ev.ImageEditPartialImageEvent,
    ),
    ({"type": "image_edit.completed", **IMAGES_META, "usage": {}}, ev.ImageEditCompletedEvent),
    ({"type": "error", "code": "x", "message": "y"}, ev.ErrorEvent),
]


@pytest.mark.parametrize(("data", "cls"), CASES, ids=[case[0]["type"] for case in CASES])
def test_every_documented_type_parses_to_its_class(data, cls):
    event = parse_event(data)
    assert type(event) is cls
    assert event.type == data["type"]
    assert event.raw is data


def test_fields_are_read():
    event = parse_event(
        {
            "type": "response.image_generation_call.partial_image",
            **CALL,
            "partial_image_index": 1,
            "partial_image_b64": "QUJD",
            "output_format": "webp",
            "size": "1536x1024",
        }
    )
    assert isinstance(event, ev.ImageGenCallPartialImageEvent)
    assert (event.item_id, event.output_index, event.sequence_number) == ("ig_1", 0, 4)
    assert (event.partial_image_index, event.partial_image_b64) == (1, "QUJD")
    assert (event.output_format, event.size, event.quality) == ("webp", "1536x1024", None)


def test_item_and_response_helpers():
    done = parse_event({"type": "response.output_item.done", "output_index": 0, "item": ITEM})
    assert (done.item_id, done.item_type) == ("ig_1", "image_generation_call")
    created = parse_event({"type": "response.created", "response": RESPONSE})
    assert created.response_id == "resp_1"


def test_images_completed_carries_usage():
    usage = {"input_tokens": 50, "output_tokens": 272, "total_tokens": 322}
    event = parse_event({"type": "image_generation.completed", **IMAGES_META, "usage": usage})
    assert event.usage == usage
    assert event.b64_json == "AAAA" and event.size == "1024x1024"


def test_events_are_frozen():
    event = parse_event({"type": "keepalive"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.type = "other"


def test_unknown_type_is_kept_not_fatal():
    data = {"type": "response.reasoning_summary_text.delta", "delta": "thinking"}
    event = parse_event(data)
    assert isinstance(event, ev.UnknownEvent)
    assert event.type == "response.reasoning_summary_text.delta"
    assert event.data == data


def test_missing_and_malformed_fields_become_none():
    event = parse_event({"type": "response.output_item.done", "output_index": "x", "item": "?"})
    assert event.output_index is None
    assert event.item == {}
    assert parse_event({"type": "response.output_text.delta"}).delta == ""


def test_sse_event_name_is_used_when_data_has_no_type():
    event = parse_event(
        {"item_id": "ig_1"}, default_type="response.image_generation_call.generating"
    )
    assert isinstance(event, ev.ImageGenCallGeneratingEvent)


def test_nested_error_wins_over_flat_fields():
    event = parse_event(
        {
            "type": "error",
            "sequence_number": 2,
            "code": "flat",
            "message": "flat message",
            "error": {
                "type": "invalid_request_error",
                "code": "nested",
                "message": "nested message",
                "param": "input",
            },
        }
    )
    assert isinstance(event, ev.ErrorEvent)
    assert (event.code, event.message, event.param) == ("nested", "nested message", "input")
    assert event.error_type == "invalid_request_error"
    assert event.sequence_number == 2


def test_flat_error_fields_are_read():
    event = parse_event({"type": "error", "code": "server_error", "message": "boom", "param": None})
    assert (event.code, event.message, event.param, event.error_type) == (
        "server_error",
        "boom",
        None,
        None,
    )


def test_a_bare_error_object_is_an_error_event():
    event = parse_event({"error": {"code": "rate_limit_exceeded", "message": "slow down"}})
    assert isinstance(event, ev.ErrorEvent)
    assert event.code == "rate_limit_exceeded"
