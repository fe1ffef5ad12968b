"""Background responses: the typed Response a retrieve or cancel answers with.

A response created with `background: true` runs at the provider whether or not anyone
listens: its stream can be resumed after any `sequence_number`, it can be retrieved and
cancelled (OpenAPI: `GET /responses/{id}`, `?stream=true&starting_after=N`,
`POST /responses/{id}/cancel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

QUEUED: Final = "queued"
IN_PROGRESS: Final = "in_progress"
COMPLETED: Final = "completed"
FAILED: Final = "failed"
INCOMPLETE: Final = "incomplete"
CANCELLED: Final = "cancelled"

RUNNING = (QUEUED, IN_PROGRESS)
FINISHED = (COMPLETED, FAILED, INCOMPLETE, CANCELLED)


@dataclass(frozen=True)
class ResponseObject:
    """A Response as the provider reports it; `raw` is the whole decoded body."""

    id: str
    status: str
    background: bool = False
    output: list[dict[str, Any]] = field(default_factory=list, repr=False)
    error: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def image_items(self) -> list[dict[str, Any]]:
        return [i for i in self.output if i.get("type") == "image_generation_call"]

    @property
    def has_image_results(self) -> bool:
        """True when every image item carries its picture. A retrieved response may come
        back with `result: null` for image items; its images are then only in the events."""
        items = self.image_items
        return bool(items) and all(item.get("result") for item in items)


def response_object_from_body(body: dict[str, Any]) -> ResponseObject:
    output = body.get("output") if isinstance(body.get("output"), list) else []
    error = body.get("error") if isinstance(body.get("error"), dict) else None
    return ResponseObject(
        id=str(body.get("id") or ""),
        status=str(body.get("status") or ""),
        background=bool(body.get("background")),
        output=[item for item in output if isinstance(item, dict)],
        error=error,
        raw=body,
    )
