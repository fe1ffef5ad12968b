"""Runs one turn: claim it, build the upstream request from its chain, stream, record.

Called by the Celery task (or the in-process pool). Safe to run more than once for the
same turn: the claim is a conditional update, so a redelivered finished or live turn does
nothing, and a turn whose worker died restarts cleanly.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from conversations import failures, resume, streams
from conversations.chain import UpstreamCall, plan_call
from conversations.events import record_and_announce
from conversations.models import Turn
from conversations.recording import discard_attempt_output
from conversations.turn_output import TurnOutput
from providers.clients import client_for
from providers.crypto import UnreadableKey
from providers.selection import default_provider
from providers.services import mark_model_unavailable, unavailable_message
from upstream.client import UpstreamClient
from upstream.errors import StreamClosed, StreamInterrupted, UpstreamError
from upstream.events import ProgressEvent
from upstream.stream import Completed, FinalImage, ImagesResult, PartialImage

log = logging.getLogger(__name__)


def make_client(turn: Turn) -> UpstreamClient:
    """The client of the provider the turn was started on (the environment's for older turns)."""
    return client_for(turn.provider or default_provider())


def run_turn(turn_id: int) -> None:
    turn = claim_turn(turn_id)
    if turn is None:
        return
    try:
        client = make_client(turn)
    except UnreadableKey as exc:
        TurnOutput(turn).fail("provider_key_unreadable", str(exc))
        return
    with client:
        _run_claimed(turn, client)


def claim_turn(turn_id: int) -> Turn | None:
    """Take the turn if it is queued, or streaming under a dead worker; else None."""
    now = timezone.now()
    claimable = Q(status=Turn.Status.QUEUED) | Q(
        status=Turn.Status.STREAMING,
        heartbeat_at__lt=now - timedelta(seconds=settings.TURN_LEASE_SECONDS),
    )
    with transaction.atomic():
        claimed = Turn.objects.filter(
            claimable, pk=turn_id, attempts__lt=settings.TURN_MAX_ATTEMPTS
        ).update(
            status=Turn.Status.STREAMING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            # A redelivered turn starts clean, as a restarted stream does: a dead worker's
            # revised prompt would otherwise suppress this attempt's turn.revised_prompt.
            # A turn on a background response keeps what it recorded: it resumes.
            revised_prompt=_cleared_unless_resumable("revised_prompt", ""),
            first_partial_at=_cleared_unless_resumable("first_partial_at", None),
        )
        if not claimed:
            _give_up_if_exhausted(turn_id, claimable)
            return None
        turn = Turn.objects.select_related("conversation", "parent__provider", "provider").get(
            pk=turn_id
        )
        if turn.upstream_response_id:
            record_and_announce(turn, "turn.resumed", attempt=turn.attempts)
            return turn
        if turn.attempts > 1:
            discard_attempt_output(turn)
        record_and_announce(turn, "turn.started", attempt=turn.attempts)
    return turn


def _cleared_unless_resumable(field: str, cleared: object) -> Case:
    return Case(
        When(upstream_response_id="", then=Value(cleared)),
        default=F(field),
        output_field=Turn._meta.get_field(field),
    )


def _give_up_if_exhausted(turn_id: int, claimable: Q) -> None:
    exhausted = Turn.objects.filter(
        claimable, pk=turn_id, attempts__gte=settings.TURN_MAX_ATTEMPTS
    ).first()
    if exhausted is not None:
        TurnOutput(exhausted).fail(
            "attempts_exhausted",
            failures.failure("attempts_exhausted", attempts=exhausted.attempts),
        )


def _run_claimed(turn: Turn, client: UpstreamClient) -> None:
    output = TurnOutput(turn)
    fresh_attempt_used = False
    while True:
        try:
            _attempt(turn, client, output)
            return
        except StreamClosed:
            return  # cancelled: the cancel already recorded and announced it
        except StreamInterrupted as exc:
            # A stream cut half-way gets one fresh attempt, never more.
            if fresh_attempt_used or not output.restart(reason=str(exc)):
                output.fail_from(exc)
                return
            fresh_attempt_used = True
        except UpstreamError as exc:
            if exc.is_model_unavailable and turn.provider_id:
                _model_gone(turn, exc, output)
            else:
                output.fail_from(exc)
            return
        except Exception:
            log.exception("turn %s failed unexpectedly", turn.pk)
            output.fail("internal_error", failures.failure("internal_error"))
            return


def _model_gone(turn: Turn, exc: UpstreamError, output: TurnOutput) -> None:
    mark_model_unavailable(provider=turn.provider, model=turn.image_model, reason=exc.message)
    output.fail("model_not_found", unavailable_message(turn.provider, turn.image_model))


def _attempt(turn: Turn, client: UpstreamClient, output: TurnOutput) -> None:
    plan = plan_call(turn)
    output.note_continuation(plan.primary)
    try:
        _perform(plan.primary, client, output)
    except UpstreamError as exc:
        if plan.fallback is None or not exc.is_stored_id_rejected or output.streamed:
            raise
        log.info(
            "turn %s: %s rejected (%s); resending the image",
            turn.pk,
            plan.primary.continuation,
            exc.code,
        )
        output.note_continuation(plan.fallback, rejected=exc)
        _perform(plan.fallback, client, output)


def _perform(call: UpstreamCall, client: UpstreamClient, output: TurnOutput) -> None:
    release_connection()
    if resume.applies(call, output.turn):
        resume.perform(call, client, output, record=_record_surviving_a_lost_connection)
        return
    if not call.streams:
        _record_result(call.send(client), output)
        return
    stream = call.open(client)
    streams.register(output.turn.pk, stream)
    try:
        with stream:
            for item in stream.progress():
                _record_surviving_a_lost_connection(item, output)
                release_connection()
    finally:
        streams.unregister(output.turn.pk)


def release_connection() -> None:
    """Give this thread's database connection back while it waits on the provider.

    A worker holds a hundred streams that each wait seconds between events; holding a
    pooled PostgreSQL connection per stream would exhaust the pool. SQLite has no pool,
    and reopening it per event only adds work.
    """
    pooled = connection.settings_dict.get("OPTIONS", {}).get("pool")
    if pooled and not connection.in_atomic_block:
        connection.close()


def _record_surviving_a_lost_connection(
    item: PartialImage | FinalImage | Completed | ProgressEvent, output: TurnOutput
) -> None:
    """Record ``item``, once more on a fresh connection if the database dropped this one
    mid-write (a restart, a failover): the write was rolled back whole, rows, files,
    sequence number and event, so writing it again records it once."""
    try:
        _record_progress(item, output)
    except DatabaseError:
        if connection.connection is not None and connection.is_usable():
            raise
        log.warning(
            "turn %s: the database connection dropped mid-write; writing again", output.turn.pk
        )
        connection.close()
        output.reload()
        _record_progress(item, output)


def _record_progress(
    item: PartialImage | FinalImage | Completed | ProgressEvent, output: TurnOutput
) -> None:
    if isinstance(item, ProgressEvent):
        output.progress(item)
    elif isinstance(item, PartialImage):
        output.partial(item)
    elif isinstance(item, FinalImage):
        output.final(item)
    elif isinstance(item, Completed):
        output.complete(response_id=item.response_id, usage=item.usage, text=item.text)


def _record_result(result: ImagesResult, output: TurnOutput) -> None:
    for image in result.images:
        output.final(image)
    output.complete(response_id=None, usage=result.usage, text="")
