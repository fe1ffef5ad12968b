"""The official openai SDK, pointed at the simulator, parses everything it sends.

Each model is also validated strictly against its own SDK class (the SDK itself builds
models without validation), so a missing required field in the simulator fails here.
"""

from __future__ import annotations

import openai
import pytest
from openai.types import (
    ImageEditCompletedEvent,
    ImageEditPartialImageEvent,
    ImageGenCompletedEvent,
    ImageGenPartialImageEvent,
)
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseImageGenCallCompletedEvent,
    ResponseImageGenCallGeneratingEvent,
    ResponseImageGenCallInProgressEvent,
    ResponseImageGenCallPartialImageEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
)
from openai.types.responses.response_output_item import ImageGenerationCall
from pydantic import ValidationError

from tests.factories import png_bytes

TOOL = {"type": "image_generation", "quality": "low", "size": "1024x1024", "partial_images": 2}


@pytest.fixture
def sdk(sim) -> openai.OpenAI:
    return openai.OpenAI(base_url=sim.url, api_key="sk-test", max_retries=0)


def strictly(model: object) -> object:
    """Validate what the SDK built (without validation) against its own class."""
    try:
        return type(model).model_validate(model.to_dict())
    except ValidationError as exc:
        raise AssertionError(exc.errors()) from None


def test_streamed_responses_call_parses_into_sdk_events(sdk):
    stream = sdk.responses.create(
        model="gpt-5", input="a red fox in the snow", tools=[TOOL], stream=True
    )
    events = list(stream)
    kinds = [type(event) for event in events]
    for event in events:
        assert type(strictly(event)) is type(event)
        assert event.type == type(event).model_fields["type"].annotation.__args__[0]
    assert kinds[0] is ResponseCreatedEvent and kinds[1] is ResponseInProgressEvent
    for cls in (
        ResponseOutputItemAddedEvent,
        ResponseImageGenCallInProgressEvent,
        ResponseImageGenCallGeneratingEvent,
        ResponseImageGenCallCompletedEvent,
        ResponseOutputItemDoneEvent,
    ):
        assert cls in kinds
    partials = [e for e in events if isinstance(e, ResponseImageGenCallPartialImageEvent)]
    assert [p.partial_image_index for p in partials] == [0, 1]
    assert isinstance(events[-1], ResponseCompletedEvent)
    calls = [o for o in events[-1].response.output if isinstance(o, ImageGenerationCall)]
    assert len(calls) == 1 and calls[0].result
    sequence = [event.sequence_number for event in events]
    assert sequence == sorted(sequence)


def test_continuing_with_previous_response_id(sdk):
    first = sdk.responses.create(model="gpt-5", input="a red fox", tools=[TOOL])
    second = sdk.responses.create(
        model="gpt-5",
        input="now make it more realistic",
        tools=[TOOL],
        previous_response_id=first.id,
    )
    assert isinstance(second, Response)
    assert strictly(second).id == second.id
    assert second.previous_response_id == first.id
    assert any(isinstance(o, ImageGenerationCall) and o.result for o in second.output)


def test_streamed_images_generate(sdk):
    stream = sdk.images.generate(
        model="gpt-image-1", prompt="a lighthouse", partial_images=2, stream=True, quality="low"
    )
    events = [strictly(event) for event in stream]
    assert isinstance(events[-1], ImageGenCompletedEvent)
    assert events[:-1] and all(isinstance(e, ImageGenPartialImageEvent) for e in events[:-1])
    assert events[-1].b64_json and events[-1].usage.total_tokens


def test_streamed_images_edit(sdk):
    stream = sdk.images.edit(
        model="gpt-image-1",
        prompt="put a flamingo in the pool",
        image=[
            ("a.png", png_bytes((256, 256), "red"), "image/png"),
            ("b.png", png_bytes((256, 256), "blue"), "image/png"),
        ],
        mask=("mask.png", png_bytes((256, 256), (255, 0, 0, 0)), "image/png"),
        partial_images=1,
        stream=True,
    )
    events = [strictly(event) for event in stream]
    assert isinstance(events[-1], ImageEditCompletedEvent)
    assert events[:-1] and all(isinstance(e, ImageEditPartialImageEvent) for e in events[:-1])


def test_images_generate_without_stream(sdk):
    result = sdk.images.generate(model="gpt-image-1", prompt="a lighthouse", quality="low")
    assert strictly(result).data[0].b64_json


def test_unknown_previous_response_id_is_a_bad_request(sdk):
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.responses.create(model="gpt-5", input="again", previous_response_id="resp_nope")
    assert caught.value.code == "previous_response_not_found"
    assert caught.value.param == "previous_response_id"


def test_injected_rate_limit_is_a_rate_limit_error(sim, sdk):
    sim.inject("rate_limit", 1, "/v1/responses")
    with pytest.raises(openai.RateLimitError) as caught:
        sdk.responses.create(model="gpt-5", input="a fox", tools=[TOOL])
    assert caught.value.code == "rate_limit_exceeded"


def test_moderation_block_is_a_bad_request_with_its_code(sim, sdk):
    sim.inject("moderation", 1, "/v1/images/generations")
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.images.generate(model="gpt-image-1", prompt="x")
    assert caught.value.code == "moderation_blocked"
    assert caught.value.type == "image_generation_user_error"
