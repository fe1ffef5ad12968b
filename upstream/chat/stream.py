"""One chat-completions image call, streamed or not, as the engine's progress items.

`ChatImageStream` shares ImageStream's lifecycle (the request is sent on enter with retries
before the first byte; `close()` from any thread aborts it). Iterating yields ProgressEvent
and ImageLinkEvent; `progress()` yields ProgressEvent while the gateway narrates, then one
FinalImage per picture (each link downloaded at once, since links expire), then Completed.
An answer without a picture raises ResponseFailed quoting the gateway's words.

A JSON answer to a streamed request, or a streamed answer to a plain one, is read all the
same: gateways do not always honour `stream`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx

from upstream import events as ev
from upstream.chat.answers import ChatAnswer, ChatAnswerParser
from upstream.downloads import DownloadedImage, DownloadFailed, LinkDownloader
from upstream.errors import StreamClosed, StreamInterrupted, UpstreamError, error_from_response
from upstream.image_bytes import NotAnImage, sniff_image
from upstream.messages import UserMessage
from upstream.sse import iter_events
from upstream.stream import (
    Completed,
    FinalImage,
    ImageStream,
    PartialImage,
    Progress,
    data_uri_to_b64,
)

# How long an asynchronous task's source link is polled before the turn fails.
SOURCE_WAIT_SECONDS = 300.0


class ChatImageStream(ImageStream):
    def __init__(
        self,
        open_response: Callable[[ImageStream], httpx.Response],
        *,
        downloader: LinkDownloader,
        secret: str | None = None,
        source_wait: float = SOURCE_WAIT_SECONDS,
    ) -> None:
        super().__init__(open_response, secret=secret)
        # Polling waits end early when the stream is closed (a cancel).
        self._downloader = replace(downloader, sleep=self.wait)
        self._source_wait = source_wait
        self._parser = ChatAnswerParser()

    # --- events ---------------------------------------------------------------------------

    def _events(self) -> Iterator[ev.Event]:
        response = self._ensure_open()
        try:
            if "text/event-stream" in response.headers.get("content-type", ""):
                yield from self._streamed(response)
            else:
                yield from self._whole(response)
            yield from self._parser.end_text()
        finally:
            response.close()

    def _streamed(self, response: httpx.Response) -> Iterator[ev.Event]:
        received_any = False
        with self.reading("mid-answer"):
            for sse in iter_events(response.iter_bytes()):
                if self._closed.is_set():
                    raise StreamClosed("The stream was closed.")
                data = sse.data.strip()
                if data == "[DONE]":
                    return
                if not data:
                    continue
                chunk = self._decode(data)
                received_any = True
                yield from self._parser.feed_chunk(chunk)
        if self._closed.is_set():
            raise StreamClosed("The stream was closed.")
        if not received_any:
            raise StreamInterrupted(said=UserMessage("chat_silent"), request_id=self.request_id)

    def _decode(self, data: str) -> dict:
        try:
            chunk = json.loads(data)
        except ValueError as exc:
            raise StreamInterrupted(
                said=UserMessage("chat_malformed_chunk"), request_id=self.request_id
            ) from exc
        if not isinstance(chunk, dict):
            return {}
        if isinstance(chunk.get("error"), dict | str) and not chunk.get("choices"):
            raise self._error_from_body(chunk)
        return chunk

    def _whole(self, response: httpx.Response) -> Iterator[ev.Event]:
        with self.reading("mid-answer"):
            response.read()
        try:
            body = response.json()
        except ValueError:
            # Plain text: some gateways answer with the words alone.
            yield from self._parser.feed_text(response.text)
            return
        if not isinstance(body, dict):
            raise StreamInterrupted(
                said=UserMessage("chat_unexpected_answer"), request_id=self.request_id
            )
        if isinstance(body.get("error"), dict | str) and not body.get("choices"):
            raise error_from_response(response, secret=self._secret)
        yield from self._parser.feed_body(body)

    def _error_from_body(self, body: dict) -> UpstreamError:
        fake = httpx.Response(500, json=body, headers={"x-request-id": self.request_id or ""})
        error = error_from_response(fake, secret=self._secret)
        error.status = None  # it came inside a 200 answer
        return error

    # --- progress -------------------------------------------------------------------------

    def progress(self) -> Iterator[Progress]:
        for event in self:
            if isinstance(event, ev.ProgressEvent):
                yield event
        answer = self._parser.finish()
        failure = answer.failure(request_id=self.request_id)
        if failure is not None:
            raise failure
        yield from self._previews(answer)
        finals = list(self._finals(answer))
        yield from finals
        yield Completed(answer.id, answer.usage, finals, answer.text)

    def _previews(self, answer: ChatAnswer) -> Iterator[PartialImage]:
        for index, url in enumerate(answer.previews[:1]):
            try:
                image = self._picture(url, wait=0.0)
            except DownloadFailed:
                continue  # a missing preview is no reason to fail the turn
            yield PartialImage(index, _b64(image.data), None, image.format)

    def _finals(self, answer: ChatAnswer) -> Iterator[FinalImage]:
        for b64 in answer.b64_images:
            yield self._final_from_b64(b64)
        for url in answer.images:
            yield self._final(self._picture(url, wait=0.0))
        for url in answer.sources:
            yield self._final(self._picture(url, wait=self._source_wait))

    def _picture(self, url: str, *, wait: float) -> DownloadedImage:
        if self._closed.is_set():
            raise StreamClosed("The stream was closed.")
        if url.startswith("data:"):
            return self._picture_from_b64(data_uri_to_b64(url), url="data:")
        return self._downloader.fetch_image(url, wait_until_ready=wait)

    def _picture_from_b64(self, b64: str, *, url: str) -> DownloadedImage:
        try:
            data = base64.b64decode(b64)
            sniffed = sniff_image(data, max_pixels=self._downloader.max_pixels)
        except NotAnImage as exc:
            raise DownloadFailed(
                UserMessage("chat_image_not_a_picture", {"reason": exc.reason})
            ) from None
        except ValueError:
            raise DownloadFailed(
                UserMessage("chat_image_not_a_picture", {"reason": UserMessage("image_unreadable")})
            ) from None
        return DownloadedImage(url, data, sniffed.format, sniffed.width, sniffed.height)

    def _final_from_b64(self, b64: str) -> FinalImage:
        return self._final(self._picture_from_b64(b64, url="b64_json"))

    def _final(self, image: DownloadedImage) -> FinalImage:
        return FinalImage(
            b64=_b64(image.data),
            size=f"{image.width}x{image.height}",
            output_format=image.format,
        )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
