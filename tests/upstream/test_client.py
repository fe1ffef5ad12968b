from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.upstream.loopback import LoopbackServer, Reply
from tests.upstream.test_downloads import fake_dns, image_reply, png_bytes
from upstream import errors
from upstream.client import DEFAULT_TIMEOUT, InputFile, UpstreamClient
from upstream.downloads import DownloadFailed, LinkDownloader

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz"
PNG = InputFile("a.png", b"\x89PNG fake a", "image/png")
PNG_B = InputFile("b.png", b"\x89PNG fake b", "image/png")
MASK = InputFile("mask.png", b"\x89PNG mask", "image/png")
IMAGES_BODY = {
    "created": 1713833628,
    "data": [{"b64_json": "aW1hZ2U=", "revised_prompt": None}],
    "size": "1024x1024",
    "quality": "high",
    "background": "opaque",
    "output_format": "png",
    "usage": {"input_tokens": 50, "output_tokens": 50, "total_tokens": 100},
}


class Recorder:
    def __init__(self, body: dict, status: int = 200) -> None:
        self.body, self.status = body, status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body, headers={"x-request-id": "req_1"})


def client_for(recorder: Recorder) -> UpstreamClient:
    return UpstreamClient(
        "http://upstream.test/v1/",
        KEY,
        transport=httpx.MockTransport(recorder),
        sleep=lambda s: None,
    )


def multipart_parts(request: httpx.Request) -> list[tuple[str, str | None, bytes]]:
    """(name, filename, content) of each part of a multipart body."""
    boundary = request.headers["content-type"].split("boundary=")[1].encode()
    parts = []
    for chunk in request.content.split(b"--" + boundary)[1:-1]:
        head, _, content = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.split(b"\r\n")[0].decode()
        name = disposition.split('name="')[1].split('"')[0]
        filename = (
            disposition.split('filename="')[1].split('"')[0] if "filename=" in disposition else None
        )
        parts.append((name, filename, content))
    return parts


def test_requests_carry_the_bearer_key_and_json_body():
    recorder = Recorder({"id": "resp_1", "output": []})
    result = client_for(recorder).create_response({"model": "gpt-5", "input": "hi", "stream": True})
    request = recorder.requests[0]
    assert result["id"] == "resp_1"
    assert str(request.url) == "http://upstream.test/v1/responses"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert json.loads(request.content) == {"model": "gpt-5", "input": "hi", "stream": False}


def test_default_timeouts_suit_long_generations():
    assert DEFAULT_TIMEOUT.connect == 10 and DEFAULT_TIMEOUT.read == 180
    client = UpstreamClient("http://x/v1", KEY, timeout=httpx.Timeout(5, read=300))
    assert client._http.timeout.read == 300


def test_generate_images_returns_final_images_and_usage():
    recorder = Recorder(IMAGES_BODY)
    result = client_for(recorder).generate_images({"model": "gpt-image-1", "prompt": "a fox"})
    assert str(recorder.requests[0].url).endswith("/v1/images/generations")
    assert [image.data for image in result.images] == [b"image"]
    assert result.images[0].size == "1024x1024" and result.images[0].quality == "high"
    assert result.usage["total_tokens"] == 100
    assert result.raw == IMAGES_BODY


def test_edit_with_two_images_and_a_mask_is_multipart():
    recorder = Recorder(IMAGES_BODY)
    params = {"model": "gpt-image-1", "prompt": "add a flamingo", "n": 1, "stream": True}
    client_for(recorder).edit_images(params, [PNG, PNG_B], MASK)
    parts = multipart_parts(recorder.requests[0])
    files = [(name, filename, content) for name, filename, content in parts if filename]
    fields = {name: content for name, filename, content in parts if not filename}
    assert files == [
        ("image[]", "a.png", PNG.data),
        ("image[]", "b.png", PNG_B.data),
        ("mask", "mask.png", MASK.data),
    ]
    assert fields == {"model": b"gpt-image-1", "prompt": b"add a flamingo", "n": b"1"}


def test_edit_with_one_image_uses_the_image_field():
    recorder = Recorder(IMAGES_BODY)
    client_for(recorder).edit_images({"model": "gpt-image-1", "prompt": "x"}, [PNG])
    names = [name for name, filename, _ in multipart_parts(recorder.requests[0]) if filename]
    assert names == ["image"]


def test_variation_sends_one_image():
    recorder = Recorder(IMAGES_BODY)
    client_for(recorder).create_variation({"model": "dall-e-2", "n": 2}, PNG)
    parts = multipart_parts(recorder.requests[0])
    assert str(recorder.requests[0].url).endswith("/v1/images/variations")
    assert ("image", "a.png", PNG.data) in parts and ("n", None, b"2") in parts


def test_upload_file_posts_multipart_with_purpose():
    recorder = Recorder({"id": "file-abc", "object": "file", "purpose": "vision"})
    result = client_for(recorder).upload_file(PNG)
    parts = multipart_parts(recorder.requests[0])
    assert result["id"] == "file-abc"
    assert str(recorder.requests[0].url).endswith("/v1/files")
    assert ("purpose", None, b"vision") in parts and ("file", "a.png", PNG.data) in parts


def test_data_uri_results_are_decoded():
    body = {**IMAGES_BODY, "data": [{"url": "data:image/png;base64,aW1hZ2U="}]}
    result = client_for(Recorder(body)).generate_images({"prompt": "x"})
    assert result.images[0].data == b"image"


def test_http_url_results_are_fetched_without_the_api_key():
    server = LoopbackServer()
    try:
        server.add(image_reply(png_bytes((6, 5))))
        body = {**IMAGES_BODY, "data": [{"url": f"{server.base}/img/1.png", "revised_prompt": "r"}]}
        client = client_for(Recorder(body))
        client.downloader = LinkDownloader(provider_base_url=server.url)
        result = client.generate_images({"prompt": "x"})
    finally:
        server.stop()
    assert result.images[0].data == png_bytes((6, 5))
    assert result.images[0].revised_prompt == "r"
    assert "Authorization" not in server.received[0].headers


def test_url_results_on_a_private_address_are_refused_for_a_public_provider():
    body = {**IMAGES_BODY, "data": [{"url": "http://169.254.169.254/latest/meta-data/"}]}
    client = client_for(Recorder(body))
    client.downloader = LinkDownloader(
        provider_base_url="https://gateway.example/v1",
        resolve=fake_dns({"gateway.example": ["93.184.216.34"]}),
    )
    with pytest.raises(DownloadFailed, match="private or local network address"):
        client.generate_images({"prompt": "x"})


def test_error_answers_raise_typed_errors_with_request_id():
    body = {"error": {"message": "Invalid 'n'.", "type": "invalid_request_error", "param": "n"}}
    with pytest.raises(errors.BadRequestError) as caught:
        client_for(Recorder(body, status=400)).generate_images({"prompt": "x"})
    assert caught.value.param == "n" and caught.value.request_id == "req_1"


def test_api_key_stays_out_of_errors():
    body = {"error": {"message": f"Incorrect API key provided: {KEY}.", "code": "invalid_api_key"}}
    with pytest.raises(errors.AuthenticationError) as caught:
        client_for(Recorder(body, status=401)).create_response({})
    assert KEY not in str(caught.value)


def test_error_envelope_with_status_200_still_raises():
    body = {"error": {"message": "Instructions are required", "type": "invalid_request_error"}}
    with pytest.raises(errors.APIStatusError, match="Instructions are required"):
        client_for(Recorder(body)).create_response({})


def test_connection_refused_is_a_connection_error():
    client = UpstreamClient("http://127.0.0.1:9/v1", KEY, max_retries=0)
    with pytest.raises(errors.APIConnectionError) as caught:
        client.create_response({})
    assert KEY not in str(caught.value)


def test_a_non_stream_answer_to_a_stream_request_is_reported():
    server = LoopbackServer()
    try:
        body = {"error": {"message": "Stream not supported", "type": "invalid_request_error"}}
        server.add(Reply.json(200, body), Reply(chunks=[b"<html>"], headers={}))
        with UpstreamClient(server.url, KEY) as client:
            stream = client.stream_response({})
            with pytest.raises(errors.APIStatusError, match="Stream not supported"), stream:
                list(stream)
            stream = client.stream_response({})
            expected = pytest.raises(errors.StreamInterrupted, match="instead of an event stream")
            with expected, stream:
                list(stream)
    finally:
        server.stop()


def test_images_result_b64_round_trip():
    raw = b"\x00\x01binary"
    body = {**IMAGES_BODY, "data": [{"b64_json": base64.b64encode(raw).decode()}]}
    assert client_for(Recorder(body)).generate_images({}).images[0].data == raw


def test_a_whole_response_object_answering_a_stream_request_is_read_as_its_end():
    server = LoopbackServer()
    try:
        item = {
            "type": "image_generation_call",
            "id": "ig_1",
            "status": "completed",
            "result": "AA==",
        }
        body = {"id": "resp_1", "object": "response", "status": "completed", "output": [item]}
        server.add(Reply.json(200, body))
        with (
            UpstreamClient(server.url, KEY, max_retries=0) as client,
            client.stream_response({}) as stream,
        ):
            items = list(stream.progress())
    finally:
        server.stop()
    assert [type(i).__name__ for i in items] == ["FinalImage", "Completed"]
    assert items[-1].response_id == "resp_1"
