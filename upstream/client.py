"""UpstreamClient: one method per OpenAI endpoint Studio uses (see openai-image-protocol.md)."""

from __future__ import annotations

import functools
import json
import ssl
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from upstream.background import ResponseObject, response_object_from_body
from upstream.chat.stream import ChatImageStream
from upstream.downloads import LinkDownloader
from upstream.errors import APIStatusError, error_from_response, redact
from upstream.retries import DEFAULT_MAX_RETRIES, RetryPolicy, Sleep, send_with_retries
from upstream.stream import ImagesResult, ImageStream, images_result_from_body

# A generation takes up to about two minutes; streams send keepalives, non-streamed
# calls send nothing until the image is done, so the read timeout covers a whole generation.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=180.0, write=60.0, pool=10.0)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context per process. Loading the CA bundle takes ~20 ms of CPU under the GIL
    and a worker makes a client per turn: a hundred turns starting together stalled every
    stream it held. A context is safe to share between threads and clients."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class InputFile:
    filename: str
    data: bytes = field(repr=False)
    content_type: str = "image/png"

    def as_part(self) -> tuple[str, bytes, str]:
        return (self.filename, self.data, self.content_type)


class UpstreamClient:
    """An OpenAI-compatible client for the image endpoints.

    Errors are `upstream.errors` classes; requests are retried before any body arrives
    (`upstream.retries`). `sleep` replaces time.sleep between retries (tests).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._api_key = api_key
        # Image links in answers are fetched without our key, and only from public
        # addresses unless the provider itself lives on a private one.
        self.downloader = LinkDownloader(provider_base_url=base_url)
        self._max_retries = max_retries
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            headers={"Authorization": f"Bearer {api_key}"},
            verify=shared_ssl_context(),
        )

    def __enter__(self) -> UpstreamClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- Responses API --------------------------------------------------------------------

    def create_response(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /responses without streaming; the response object as a dict."""
        return self._json("POST", "/responses", json={**body, "stream": False})

    def stream_response(self, body: dict[str, Any]) -> ImageStream:
        """POST /responses with `stream: true`; sent when the stream is entered."""
        payload = {**body, "stream": True}
        return self._stream(lambda: self._http.build_request("POST", "/responses", json=payload))

    # --- Background responses: resume, retrieve, cancel ----------------------------------

    def create_background_response(self, body: dict[str, Any]) -> ResponseObject:
        """POST /responses with `background: true`, not streamed: the queued response."""
        payload = {**body, "background": True, "stream": False}
        return response_object_from_body(self._json("POST", "/responses", json=payload))

    def stream_background_response(self, body: dict[str, Any]) -> ImageStream:
        """POST /responses with `background: true` and `stream: true`. The generation goes on
        if the stream breaks; `resume_response_stream` picks it up again."""
        payload = {**body, "background": True, "stream": True}
        return self._stream(lambda: self._http.build_request("POST", "/responses", json=payload))

    def retrieve_response(self, response_id: str) -> ResponseObject:
        """GET /responses/{id}; NotFoundError when the provider no longer has it."""
        return response_object_from_body(self._json("GET", _response_path(response_id)))

    def resume_response_stream(
        self, response_id: str, *, starting_after: int | None = None
    ) -> ImageStream:
        """GET /responses/{id}?stream=true&starting_after=N: a background response's events
        after sequence number N (all of them for None), then the rest as they come."""
        params: dict[str, Any] = {"stream": "true"}
        if starting_after is not None:
            params["starting_after"] = starting_after
        path = _response_path(response_id)
        return self._stream(lambda: self._http.build_request("GET", path, params=params))

    def cancel_response(self, response_id: str) -> ResponseObject:
        """POST /responses/{id}/cancel (background responses only); the response as it ends."""
        return response_object_from_body(
            self._json("POST", f"{_response_path(response_id)}/cancel")
        )

    def delete_response(self, response_id: str) -> None:
        """DELETE /responses/{id}: the provider forgets the response."""
        self._json("DELETE", _response_path(response_id))

    # --- Chat completions: gateways' image models -----------------------------------------

    def stream_chat_images(self, body: dict[str, Any]) -> ChatImageStream:
        """POST /chat/completions for a chat image model (upstream.chat.request builds the
        body). Streamed or not as `body["stream"]` says; read the same either way."""
        streamed = bool(body.get("stream"))

        def open_response(stream: ImageStream) -> httpx.Response:
            def send() -> httpx.Response:
                request = self._http.build_request("POST", "/chat/completions", json=body)
                if streamed:
                    request.headers["Accept"] = "text/event-stream"
                request.extensions["trace"] = stream.trace
                return self._http.send(request, stream=True)

            policy = self._policy(self._sleep or stream.wait)
            return send_with_retries(send, policy, secret=self._api_key)

        return ChatImageStream(open_response, downloader=self.downloader, secret=self._api_key)

    # --- Images API -----------------------------------------------------------------------

    def generate_images(self, params: dict[str, Any]) -> ImagesResult:
        body = self._json("POST", "/images/generations", json=_without_stream(params))
        return images_result_from_body(body, self._fetch_url)

    def stream_generate_images(self, params: dict[str, Any]) -> ImageStream:
        payload = {**params, "stream": True}
        return self._stream(
            lambda: self._http.build_request("POST", "/images/generations", json=payload),
            expected_images=_image_count(params),
        )

    def edit_images(
        self, params: dict[str, Any], images: list[InputFile], mask: InputFile | None = None
    ) -> ImagesResult:
        files = _edit_files(images, mask)
        body = self._json("POST", "/images/edits", data=_form(_without_stream(params)), files=files)
        return images_result_from_body(body, self._fetch_url)

    def stream_edit_images(
        self, params: dict[str, Any], images: list[InputFile], mask: InputFile | None = None
    ) -> ImageStream:
        form = _form({**params, "stream": True})
        files = _edit_files(images, mask)
        return self._stream(
            lambda: self._http.build_request("POST", "/images/edits", data=form, files=files),
            expected_images=_image_count(params),
        )

    def create_variation(self, params: dict[str, Any], image: InputFile) -> ImagesResult:
        body = self._json(
            "POST",
            "/images/variations",
            data=_form(_without_stream(params)),
            files=[("image", image.as_part())],
        )
        return images_result_from_body(body, self._fetch_url)

    # --- Models API -----------------------------------------------------------------------

    def list_models(self) -> list[dict[str, Any]]:
        """GET /models: the provider's model objects (`id`, `owned_by`, `shutdown_date`...)."""
        body = self._json("GET", "/models")
        data = body.get("data")
        if not isinstance(data, list):
            raise APIStatusError(
                "The provider's answer to GET /models is not an OpenAI-style model list.",
                status=200,
            )
        return [m for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)]

    # --- Files API ------------------------------------------------------------------------

    def upload_file(self, file: InputFile, purpose: str = "vision") -> dict[str, Any]:
        """POST /files (multipart); the file object, whose `id` can be sent as `file_id`."""
        return self._json(
            "POST", "/files", data={"purpose": purpose}, files=[("file", file.as_part())]
        )

    # --- plumbing -------------------------------------------------------------------------

    def _policy(self, sleep: Sleep | None = None) -> RetryPolicy:
        return RetryPolicy(self._max_retries, sleep or self._sleep or RetryPolicy().sleep)

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = send_with_retries(
            lambda: self._http.request(method, path, **kwargs),
            self._policy(),
            secret=self._api_key,
        )
        try:
            body = response.json()
        except ValueError as exc:
            raise APIStatusError(
                "The image provider sent an answer that is not JSON.",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
                body=redact(response.text[:300], self._api_key),
            ) from exc
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            # Some gateways answer 200 with an error envelope.
            raise error_from_response(response, secret=self._api_key)
        if not isinstance(body, dict):
            raise APIStatusError(
                "The image provider sent an unexpected answer.", status=response.status_code
            )
        return body

    def _stream(
        self, build: Callable[[], httpx.Request], *, expected_images: int | None = None
    ) -> ImageStream:
        def open_response(stream: ImageStream) -> httpx.Response:
            sleep = self._sleep or stream.wait

            def send() -> httpx.Response:
                request = build()
                request.headers["Accept"] = "text/event-stream"
                request.headers["Cache-Control"] = "no-store"
                request.extensions["trace"] = stream.trace
                return self._http.send(request, stream=True)

            return send_with_retries(send, self._policy(sleep), secret=self._api_key)

        return ImageStream(
            open_response,
            expected_images=expected_images,
            secret=self._api_key,
            fetch_url=self._fetch_url,
        )

    def _fetch_url(self, url: str) -> bytes:
        return self.downloader.fetch_image(url).data


def _response_path(response_id: str) -> str:
    # An id is one path segment, whatever a gateway made of it.
    return "/responses/" + urllib.parse.quote(response_id, safe="")


def _without_stream(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if key != "stream"}


def _image_count(params: dict[str, Any]) -> int:
    try:
        return max(1, int(params.get("n") or 1))
    except (TypeError, ValueError):
        return 1


def _edit_files(images: list[InputFile], mask: InputFile | None) -> list[tuple[str, Any]]:
    # One image goes as `image`; several as repeated `image[]` parts, as the SDK sends lists.
    name = "image" if len(images) == 1 else "image[]"
    files: list[tuple[str, Any]] = [(name, image.as_part()) for image in images]
    if mask is not None:
        files.append(("mask", mask.as_part()))
    return files


def _form(params: dict[str, Any]) -> dict[str, Any]:
    """Multipart form values: strings, booleans as "true"/"false", nested values as JSON."""
    form: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            form[key] = "true" if value else "false"
        elif isinstance(value, dict):
            form[key] = json.dumps(value)
        elif isinstance(value, list | tuple):
            form[key] = [str(item) for item in value]
        else:
            form[key] = str(value)
    return form
