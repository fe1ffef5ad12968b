"""Resuming a turn's background response instead of generating it again.

On providers whose profile has `background_resume`, a Responses turn is created as a
background response (`background: true`, `stream: true`): the provider goes on generating
whether or not a worker listens. The turn keeps the response's id as soon as it is known,
and with every change it records, the `sequence_number` of the event that brought it
(Turn.upstream_response_id, Turn.upstream_sequence), in the same transaction.

A later attempt of the turn (its worker died, or handed it back on a warm shutdown), and a
stream that breaks, continue on the same response:

- still running: the stream is resumed after the last recorded event;
- finished meanwhile: the retrieved response is recorded, or, when its image items come
  back without their pictures, its events are replayed after the last recorded one;
- failed: the turn fails with the provider's reason;
- gone (unknown to the provider, or cancelled by it): only then does the turn start
  afresh, and continuation_note says why.

Cancelling the turn cancels the response upstream too, so the provider stops generating.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from conversations import handback, streams
from conversations.chain import UpstreamCall, turn_profile
from conversations.models import Turn
from conversations.turn_output import TurnOutput
from upstream import background
from upstream import events as ev
from upstream.background import ResponseObject
from upstream.client import UpstreamClient
from upstream.errors import NotFoundError, StreamClosed, StreamInterrupted, UpstreamError
from upstream.stream import (
    Completed,
    FinalImage,
    ImageStream,
    Normalizer,
    PartialImage,
    failure_from_event,
)

log = logging.getLogger(__name__)

# Resumes of a stream that keeps breaking before the turn's attempt is given up.
MAX_RECONNECTS = 3

Progress = PartialImage | FinalImage | Completed
Record = Callable[[Progress, TurnOutput], None]


def applies(call: UpstreamCall, turn: Turn) -> bool:
    """True for a Responses call on a provider that resumes background responses."""
    if call.chat or call.mode != Turn.ApiMode.RESPONSES:
        return False
    return turn_profile(turn).background_resume


def perform(call: UpstreamCall, client: UpstreamClient, output: TurnOutput, *, record: Record):
    """Stream ``call`` as a background response, or resume the one the turn already has."""
    follower = _Follower(client, output, record)
    handback.track(output.turn.pk)
    try:
        follower.run(call)
    except StreamClosed:
        follower.stopped()
        raise
    finally:
        handback.untrack(output.turn.pk)


class _Follower:
    def __init__(self, client: UpstreamClient, output: TurnOutput, record: Record) -> None:
        self.client = client
        self.output = output
        self.record = record
        self.turn = output.turn
        self.response_id = self.turn.upstream_response_id or None
        self.normalizer = Normalizer()

    def run(self, call: UpstreamCall) -> None:
        stream = self._reopen() if self.response_id else None
        reconnects = 0
        while stream is not _RECORDED:
            if stream is None:
                self.normalizer = Normalizer()
                stream = self.client.stream_background_response(call.payload)
            try:
                self._follow(stream)
                return
            except NotFoundError:
                if not self.response_id:
                    raise
                self._start_afresh("The provider no longer had the response's events")
                stream = None
                continue
            except StreamInterrupted:
                if not self.response_id or reconnects >= MAX_RECONNECTS:
                    raise
                reconnects += 1
                log.info("turn %s: the stream broke; resuming %s", self.turn.pk, self.response_id)
            stream = self._reopen()

    def stopped(self) -> None:
        """The stream was closed: cancel the response upstream if the turn was cancelled, or
        give the turn back if this worker is shutting down."""
        status = Turn.objects.filter(pk=self.turn.pk).values_list("status", flat=True).first()
        if status == Turn.Status.CANCELLED and self.response_id:
            self._cancel_upstream()
        elif handback.was_handed_back(self.turn.pk):
            handback.release(self.turn.pk)

    # --- reconnecting ---------------------------------------------------------------------

    def _reopen(self) -> ImageStream | object | None:
        """The stream to follow after the last recorded event; None to start afresh;
        _RECORDED when the finished response was recorded from its retrieval."""
        try:
            response = self.client.retrieve_response(self.response_id)
        except NotFoundError:
            self._start_afresh("The provider no longer had the response")
            return None
        if response.status == background.CANCELLED:
            self._start_afresh("The provider cancelled the response")
            return None
        self.output.reload()
        self.output.streamed = True
        recorded = frozenset(image.image_call_id for image in self.output.finals)
        self.normalizer = Normalizer(response_id=self.response_id, recorded_items=recorded)
        if response.status == background.COMPLETED and response.has_image_results:
            self._record_retrieved(response)
            return _RECORDED
        if response.status in (background.FAILED, background.INCOMPLETE):
            self._record_retrieved(response)  # raises the provider's failure
            return _RECORDED
        starting_after = self.turn.upstream_sequence
        log.info("turn %s: resuming %s after %s", self.turn.pk, response.id, starting_after)
        return self.client.resume_response_stream(response.id, starting_after=starting_after)

    def _record_retrieved(self, response: ResponseObject) -> None:
        raw = {"type": f"response.{response.status}", "response": response.raw}
        event = ev.parse_event(raw)
        if isinstance(event, ev.TERMINAL_FAILURE_TYPES):
            raise failure_from_event(event)
        for item in self.normalizer.feed(event):
            self.record(item, self.output)

    def _start_afresh(self, reason: str) -> None:
        log.info("turn %s: %s %s; generating again", self.turn.pk, reason, self.response_id)
        note = f"{reason} ({self.response_id}), so the image was generated again."
        self.response_id = None
        self.output.restart(reason=note, new_attempt=False, note=note)

    # --- following ------------------------------------------------------------------------

    def _follow(self, stream: ImageStream) -> None:
        if handback.was_handed_back(self.turn.pk):
            stream.close()
        streams.register(self.turn.pk, stream)
        try:
            with stream:
                for event in stream:
                    self._note_response(event)
                    self._record_event(event)
            for item in self.normalizer.finish():
                self.record(item, self.output)
        finally:
            streams.unregister(self.turn.pk)

    def _note_response(self, event: ev.Event) -> None:
        if not isinstance(event, ev.ResponseEvent) or not event.response_id:
            return
        if event.response_id == self.response_id:
            return
        self.response_id = event.response_id
        self.output.note_upstream_response(event.response_id, event.sequence_number)

    def _record_event(self, event: ev.Event) -> None:
        from conversations.engine import release_connection  # late: the engine imports us

        items = self.normalizer.feed(event)
        for index, item in enumerate(items):
            self.output.upstream_sequence = _resume_point(event, last=index == len(items) - 1)
            self.record(item, self.output)
        release_connection()

    def _cancel_upstream(self) -> None:
        try:
            self.client.cancel_response(self.response_id)
        except UpstreamError as exc:
            # The turn is cancelled either way; the provider may already have finished.
            log.info("turn %s: cancelling %s upstream: %s", self.turn.pk, self.response_id, exc)


_RECORDED = object()


def _resume_point(event: ev.Event, *, last: bool) -> int | None:
    """The sequence number to resume after once this item is recorded.

    An event may bring several items (a replayed `response.completed` lists every image):
    until its last one is recorded, the event itself must be read again.
    """
    number = event.sequence_number
    if number is None:
        return None
    return number if last else max(number - 1, 0)
