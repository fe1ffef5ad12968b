"""What a running turn produces, written as it arrives: rows and files, then the event.

Every write is conditional on the turn still streaming, so a turn cancelled mid-stream
stops at its next event and nothing lands after the cancel.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from conversations import failures, outcomes, previews
from conversations.events import record_and_announce, record_quietly
from conversations.models import Image, Turn
from conversations.presenters import present_error, present_image, present_spend
from conversations.recording import discard_attempt_output, keeping_files_on_commit, store_image
from upstream.errors import StreamClosed, UpstreamError
from upstream.events import ProgressEvent
from upstream.messages import UserMessage
from upstream.stream import FinalImage, PartialImage, failure_usage


class TurnOutput:
    def __init__(self, turn: Turn):
        self.turn = turn
        self.finals: list[Image] = []
        self.streamed = False
        # The sequence number of the upstream event being recorded, on a background
        # response (conversations.resume): written with each change it brings.
        self.upstream_sequence: int | None = None

    # --- while streaming ------------------------------------------------------------------

    def note_continuation(self, call, *, rejected: UpstreamError | None = None) -> None:
        note = call.note
        if rejected is not None:
            note = f"{call.note} The provider rejected the stored id ({rejected.code})."
        self._update(
            continuation=call.continuation,
            previous_response_id=call.previous_response_id,
            continuation_note=note[:300],
        )

    def note_upstream_response(self, response_id: str, sequence: int | None) -> None:
        """Keep the background response's id as soon as it is known: a later attempt
        resumes it rather than asking for a new generation."""
        self._claim_write(upstream_response_id=response_id, upstream_sequence=sequence)

    def partial(self, item: PartialImage) -> None:
        data = _decode(item.b64)
        derived = previews.derive(data, role=Image.Role.PARTIAL, thumbnail=False)
        self.streamed = True
        with keeping_files_on_commit() as stored:
            fields = {} if self.turn.first_partial_at else {"first_partial_at": timezone.now()}
            self._claim_write(**fields)
            image = store_image(
                self.turn,
                data,
                role=Image.Role.PARTIAL,
                partial_index=item.index,
                image_call_id=item.item_id or "",
                derived=derived,
            )
            stored.append(image)
            record_and_announce(self.turn, "turn.partial_image", image=present_image(image))

    def progress(self, item: ProgressEvent) -> None:
        """How far a transport without partial images has come (chat image models)."""
        with transaction.atomic():
            self._claim_write()
            record_and_announce(self.turn, "turn.progress", stage=item.stage, percent=item.percent)

    def final(self, item: FinalImage) -> None:
        data = _decode(item.b64)
        derived = previews.derive(data, role=Image.Role.FINAL, thumbnail=True)
        self.streamed = True
        with keeping_files_on_commit() as stored:
            fields = {}
            if item.revised_prompt and not self.turn.revised_prompt:
                fields["revised_prompt"] = item.revised_prompt
            self._claim_write(**fields)
            image = store_image(
                self.turn,
                data,
                role=Image.Role.FINAL,
                position=len(self.finals),
                image_call_id=item.item_id or "",
                derived=derived,
            )
            stored.append(image)
            self.finals.append(image)
            if "revised_prompt" in fields:
                record_and_announce(
                    self.turn, "turn.revised_prompt", revised_prompt=item.revised_prompt
                )
            else:
                record_quietly(self.turn)

    def complete(self, *, response_id: str | None, usage: dict, text: str) -> None:
        if not self.finals:
            said = text.strip()[:2000]
            message = failures.provider_words(said) if said else failures.failure("no_image")
            self.fail("no_image", message, usage=usage)
            return
        spent = self._spent(usage, images=len(self.finals))
        try:
            with transaction.atomic():
                self._claim_write(
                    status=Turn.Status.COMPLETED,
                    completed_at=timezone.now(),
                    response_id=response_id or "",
                    assistant_text=text or "",
                    **spent,
                )
                record_and_announce(
                    self.turn,
                    "turn.completed",
                    images=[present_image(i) for i in self.finals],
                    revised_prompt=self.turn.revised_prompt or None,
                    usage=self.turn.usage or None,
                    response_id=response_id,
                    **present_spend(self.turn),
                )
        except StreamClosed:
            # Cancelled just as the provider finished: the usage it reported still counts.
            Turn.objects.filter(pk=self.turn.pk, status=Turn.Status.CANCELLED).update(**spent)
            raise

    # --- endings --------------------------------------------------------------------------

    def restart(self, *, reason: str, new_attempt: bool = True, note: str = "") -> bool:
        """Start a fresh attempt after a stream broke; False when attempts are used up.

        ``new_attempt`` False starts afresh within the attempt already counted (a resumed
        turn whose response is gone); ``note`` then says why in continuation_note.
        """
        if new_attempt and self.turn.attempts >= settings.TURN_MAX_ATTEMPTS:
            return False
        discard_attempt_output(self.turn)
        self.finals, self.streamed, self.upstream_sequence = [], False, None
        fields = {"continuation_note": note[:300]} if note else {}
        with transaction.atomic():
            self._claim_write(
                attempts=self.turn.attempts + (1 if new_attempt else 0),
                first_partial_at=None,
                revised_prompt="",
                upstream_response_id="",
                upstream_sequence=None,
                **fields,
            )
            record_and_announce(
                self.turn, "turn.started", attempt=self.turn.attempts, restarted_because=reason
            )
        return True

    def fail_from(self, exc: UpstreamError) -> None:
        usage = failure_usage(exc)
        if exc.is_moderation_block:
            self.block(exc, usage=usage)
        else:
            self.fail(exc.code or type(exc).__name__, failures.from_error(exc), usage=usage)

    def block(self, exc: UpstreamError, *, usage: dict | None = None) -> None:
        """The provider's safety system refused: the turn ends blocked and goes to review."""
        code = exc.code or "moderation_blocked"
        with transaction.atomic():
            if self._end(Turn.Status.BLOCKED, code, _moderation_message(exc), usage):
                outcomes.turn_blocked(
                    self.turn,
                    code=code,
                    message=exc.message or "",
                    categories=exc.moderation_categories,
                )

    def fail(self, code: str, message: UserMessage | str, *, usage: dict | None = None) -> None:
        """End the turn failed; ``message`` is a failure's code and values (conversations.
        failures), or a text that has none and is shown as it is."""
        with transaction.atomic():
            self._end(Turn.Status.FAILED, code, message, usage)

    def _end(self, status: str, code: str, message: UserMessage | str, usage: dict | None) -> bool:
        """Finish a running turn with an error and what it used; False if already finished."""
        kind = "turn.blocked" if status == Turn.Status.BLOCKED else "turn.failed"
        updated = Turn.objects.filter(pk=self.turn.pk, status__in=Turn.RUNNING).update(
            status=status,
            completed_at=timezone.now(),
            error_code=code[:120],
            error_message=message if isinstance(message, str) else failures.english(message),
            error_detail={} if isinstance(message, str) else failures.stored(message),
            **self._spent(usage, images=0),
        )
        if not updated:
            return False
        self.turn.refresh_from_db()
        record_and_announce(
            self.turn,
            kind,
            error=present_error(self.turn),
            **present_spend(self.turn),
        )
        return True

    def reload(self) -> None:
        """Forget what a write that was rolled back left in memory: read the turn again."""
        self.turn.refresh_from_db()
        self.finals = list(self.turn.images.filter(role=Image.Role.FINAL).order_by("position"))

    # --- plumbing -------------------------------------------------------------------------

    def _spent(self, usage: dict | None, *, images: int) -> dict:
        """The reported usage, its tokens by kind and its cost, as the turn's fields."""
        return outcomes.spend_fields(self.turn, usage, images=images)

    def _claim_write(self, **fields) -> None:
        """Write ``fields`` only while the turn streams; a cancelled turn stops here.

        The caller records the change (events.record_and_announce) in the same transaction.
        """
        fields["heartbeat_at"] = timezone.now()
        if self.upstream_sequence is not None:
            fields.setdefault("upstream_sequence", self.upstream_sequence)
        updated = Turn.objects.filter(pk=self.turn.pk, status=Turn.Status.STREAMING).update(
            **fields
        )
        if not updated:
            raise StreamClosed("The turn is no longer running.")
        for name, value in fields.items():
            setattr(self.turn, name, value)

    def _update(self, **fields) -> None:
        Turn.objects.filter(pk=self.turn.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.turn, name, value)


def _decode(b64: str) -> bytes:
    try:
        return base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise UpstreamError(failures.FAILURES["bad_image_data"], code="bad_image_data") from None


def _moderation_message(exc: UpstreamError) -> UserMessage:
    provider = (exc.message or "").strip()
    if provider:
        return failures.failure("blocked_saying", message=provider)
    return failures.failure("blocked")
