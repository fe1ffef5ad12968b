"""What one websocket has passed on to its browser, by sequence number.

Turns stream on different threads and processes, so events of two turns may cross on the
way: the highest sequence a socket sent is not the point up to which its browser holds
every change. ``covered`` is that point; resuming from anything higher would skip an event
still in flight below it (docs/websocket.md).
"""

from __future__ import annotations

from typing import Any


class RelayedSequences:
    def __init__(self, covered: int = 0) -> None:
        # Every change up to here reached the browser, by snapshot or by event.
        self.covered = covered
        # The sequence the last snapshot covered: events at or below it are old news.
        self.snapshot = 0
        self._sent_above: set[int] = set()

    def note_snapshot(self, snapshot: dict[str, Any]) -> None:
        """A snapshot sent after ``covered`` holds every turn changed up to its sequence."""
        self.snapshot = max(self.snapshot, snapshot["sequence"])
        self._advance(to=self.snapshot)

    def admit(self, event: dict[str, Any]) -> bool:
        """Whether the browser still needs ``event``; if so, it counts as sent."""
        sequence = event.get("sequence", 0)
        if sequence <= self.covered or sequence in self._sent_above:
            return False
        self._sent_above.add(sequence)
        self._advance(to=self.covered)
        return True

    def _advance(self, *, to: int) -> None:
        self.covered = max(self.covered, to)
        self._sent_above = {s for s in self._sent_above if s > self.covered}
        while self.covered + 1 in self._sent_above:
            self.covered += 1
            self._sent_above.discard(self.covered)
