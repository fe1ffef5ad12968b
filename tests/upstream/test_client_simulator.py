"""Every UpstreamClient method against the simulated provider on a real loopback port."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.factories import png_bytes
from upstream import errors
from upstream.client import InputFile, UpstreamClient
from upstream.stream import Completed, FinalImage, PartialImage, completed_from_response

TOOL = {"type": "image_generation", "quality": "low", "size": "1024x1024", "partial_images": 2}


@pytest.fixture
def client(sim) -> Iterator[UpstreamClient]:
    with UpstreamClient(sim.url, "sk-test", sleep=lambda s: None) as upstream:
        yield upstream


def body(prompt: str = "a red fox in the snow", **extra) -> dict:
    return {"model": "gpt-5", "input": prompt, "tools": [TOOL], **extra}


def decoded(final: FinalImage) -> Image.Image:
    return Image.open(io.BytesIO(final.data))


def stream_progress(client: UpstreamClient, request_body: dict) -> list:
    with client.stream_response(request_body) as stream:
        return list(stream.progress())


def test_streamed_response_gives_partials_final_and_completed(client):
    items = stream_progress(client, body())
    partials = [item for item in items if isinstance(item, PartialImage)]
    finals = [item for item in items if isinstance(item, FinalImage)]
    completed = items[-1]
    assert 1 <= len(partials) <= 2
    assert [p.index for p in partials] == list(range(len(partials)))
    assert len(finals) == 1 and finals[0].item_id.startswith("ig_")
    assert finals[0].revised_prompt
    assert decoded(finals[0]).size == (1024, 1024)
    assert isinstance(completed, Completed) and completed.response_id.startswith("resp_")
    assert completed.images == finals
    assert completed.usage


def test_non_streamed_response(client):
    response = client.create_response(body())
    completed = completed_from_response(response)
    assert completed.response_id == response["id"]
    assert decoded(completed.images[0]).size == (1024, 1024)


def test_previous_response_id_continues(client):
    first = stream_progress(client, body())[-1]
    second = stream_progress(
        client, body("now make it more realistic", previous_response_id=first.response_id)
    )[-1]
    assert second.response_id != first.response_id
    assert len(second.images) == 1


def test_unknown_previous_response_id_is_a_stored_id_rejection(client):
    with pytest.raises(errors.BadRequestError) as caught:
        client.create_response(body("again", previous_response_id="resp_unknown"))
    assert caught.value.code == "previous_response_not_found"
    assert caught.value.is_stored_id_rejected


def test_list_models_reads_the_catalogue_with_shutdown_dates(sim, client):
    sim.configure(models=[{"id": "gpt-image-1", "shutdown_date": "2026-10-23"}, "gpt-image-2"])
    models = client.list_models()
    assert [(m["id"], m["shutdown_date"]) for m in models] == [
        ("gpt-image-1", "2026-10-23"),
        ("gpt-image-2", None),
    ]


def test_a_retired_model_is_an_error_that_says_the_model_is_unavailable(sim, client):
    sim.configure(models=[{"id": "gpt-image-1", "shutdown_date": "2026-10-23"}])
    with pytest.raises(errors.NotFoundError) as caught:
        client.generate_images({"model": "gpt-image-1", "prompt": "a fox"})
    assert caught.value.is_model_unavailable and not caught.value.is_stored_id_rejected


def test_generate_images(client):
    result = client.generate_images(
        {"model": "gpt-image-1", "prompt": "a lighthouse", "size": "1024x1024", "quality": "low"}
    )
    assert len(result.images) == 1 and decoded(result.images[0]).size == (1024, 1024)
    assert result.usage.get("output_tokens")


def test_stream_generate_images(client):
    params = {"model": "gpt-image-1", "prompt": "a lighthouse", "partial_images": 2}
    with client.stream_generate_images(params) as stream:
        items = list(stream.progress())
    assert isinstance(items[-2], FinalImage) and isinstance(items[-1], Completed)
    assert items[-1].usage.get("output_tokens")


def test_edit_two_images_with_a_mask(client):
    images = [
        InputFile("a.png", png_bytes((256, 256), "red"), "image/png"),
        InputFile("b.png", png_bytes((256, 256), "blue"), "image/png"),
    ]
    mask = InputFile("mask.png", png_bytes((256, 256), (255, 0, 0, 0)), "image/png")
    params = {"model": "gpt-image-1", "prompt": "put a flamingo in the pool", "size": "1024x1024"}
    result = client.edit_images(params, images, mask)
    assert len(result.images) == 1
    with client.stream_edit_images({**params, "partial_images": 1}, images, mask) as stream:
        items = list(stream.progress())
    assert isinstance(items[-1], Completed) and len(items[-1].images) == 1


def test_variation(client):
    image = InputFile("a.png", png_bytes((256, 256), "red"), "image/png")
    result = client.create_variation(
        {"model": "dall-e-2", "n": 2, "size": "256x256", "response_format": "b64_json"}, image
    )
    assert len(result.images) == 2


def test_upload_file_then_use_it_as_input(client):
    uploaded = client.upload_file(InputFile("cat.png", png_bytes((256, 256), "red"), "image/png"))
    assert uploaded["id"].startswith("file-") and uploaded["purpose"] == "vision"
    content = [
        {"type": "input_text", "text": "make it blue"},
        {"type": "input_image", "file_id": uploaded["id"]},
    ]
    completed = stream_progress(client, body(input=[{"role": "user", "content": content}]))[-1]
    assert len(completed.images) == 1


def test_rate_limit_is_retried_after_retry_after(sim):
    sleeps: list[float] = []
    with UpstreamClient(sim.url, "sk-test", sleep=sleeps.append) as client:
        sim.inject("rate_limit", 1, "/v1/responses")
        completed = stream_progress(client, body())[-1]
    assert isinstance(completed, Completed)
    assert sleeps == [1.0]


def test_three_server_errors_fail_clearly(sim, client):
    sim.inject("server_error", 3, "/v1/responses")
    with pytest.raises(errors.InternalServerError) as caught:
        client.create_response(body())
    assert caught.value.status == 500 and caught.value.code == "server_error"
    assert caught.value.request_id
    assert "internal error" in caught.value.message or "error" in caught.value.message
    assert len([r for r in sim.requests() if "/responses" in str(r.get("path"))]) == 3


def test_stream_cut_half_way_is_interrupted(sim, client):
    sim.inject("cut", 1, "/v1/responses")
    with pytest.raises(errors.StreamInterrupted):
        stream_progress(client, body())


def test_moderation_block_before_the_stream(sim, client):
    sim.inject("moderation", 1, "/v1/responses")
    with pytest.raises(errors.BadRequestError) as caught:
        stream_progress(client, body())
    assert caught.value.is_moderation_block


def test_moderation_block_inside_the_stream(sim, client):
    sim.inject("moderation_stream", 1, "/v1/responses")
    with pytest.raises(errors.ResponseFailed) as caught:
        stream_progress(client, body())
    assert caught.value.is_moderation_block


def test_insufficient_quota_is_not_retried(sim):
    sleeps: list[float] = []
    with UpstreamClient(sim.url, "sk-test", sleep=sleeps.append) as client:
        sim.inject("insufficient_quota", 1, "/v1/images/generations")
        with pytest.raises(errors.RateLimitError) as caught:
            client.generate_images({"model": "gpt-image-1", "prompt": "x"})
    assert caught.value.code == "insufficient_quota" and sleeps == []


def test_gateway_rejects_previous_response_id_as_stored_id(sim, client):
    sim.configure(gateway=True)
    try:
        request_body = body(
            input=[{"role": "user", "content": "again"}],
            instructions="Draw.",
            previous_response_id="resp_x",
        )
        with pytest.raises(errors.BadRequestError) as caught:
            stream_progress(client, request_body)
    finally:
        sim.configure(gateway=False)
    assert caught.value.is_stored_id_rejected


def test_gateway_stream_completes_with_its_final_image(sim, client):
    sim.configure(gateway=True)
    try:
        request_body = body(input=[{"role": "user", "content": "a fox"}], instructions="Draw.")
        items = stream_progress(client, request_body)
    finally:
        sim.configure(gateway=False)
    completed = items[-1]
    assert isinstance(completed, Completed) and len(completed.images) == 1
    assert decoded(completed.images[0]).size == (1024, 1024)
