"""A server-sent events reader that holds one copy of a large event at a time.

Image streams carry multi-megabyte `data:` lines (a partial image's base64). A line-based
reader decodes every network chunk to text, joins the chunks into a line, slices the field
value off it and joins the values into the event: three or four copies of the image alive
at once, and the last event kept by the generator until the next one arrives. Here the
chunks of a line stay bytes until the line ends, the value is decoded to text straight
from the joined line (no slice copy), and the event's data is handed over once: nothing
here refers to it after it is yielded.

Parsing follows the WHATWG rules: lines end with CRLF, LF or CR (a CRLF may be split
between chunks); a line starting with ":" is a comment; "data" lines join with "\\n"; one
space after the colon is dropped; an unfinished event at the end of the body is dropped.
Like httpx-sse, an event with a name but no data is still dispatched (`event: keepalive`),
and an event without a name is called "message".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerSentEvent:
    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """The events of a body arriving as ``chunks`` of any size."""
    parser = _EventParser()
    for line in iter_lines(chunks):
        ready = parser.feed(line)
        del line  # a data line is megabytes: free it before waiting for the next chunk
        if ready:
            # Yielded straight from the parser, never bound here: while the caller works
            # and the next chunk is awaited, this frame refers to nothing of the event.
            yield parser.take()


def iter_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines without their terminators (CRLF, LF or CR), as bytes."""
    pending: list[bytes] = []  # the unfinished line's pieces, joined once when it ends
    after_cr = False  # the previous chunk ended with CR: a LF opening this one belongs to it
    for chunk in chunks:
        if not chunk:
            continue
        start = 0
        if after_cr and chunk[:1] == b"\n":
            start = 1
        after_cr = False
        while start < len(chunk):
            end = _line_end(chunk, start)
            if end < 0:
                pending.append(chunk[start:] if start else chunk)
                break
            if pending:
                pending.append(chunk[start:end])
                yield _joined(pending)
            else:
                yield chunk[start:end]
            if chunk[end : end + 1] == b"\r":
                if end + 1 == len(chunk):
                    after_cr = True
                elif chunk[end + 1 : end + 2] == b"\n":
                    end += 1
            start = end + 1
    # A last line without its terminator ends no event, so it is not handed on.


def _joined(pieces: list[bytes]) -> bytes:
    """The pieces as one line; the list is emptied so the pieces are freed at once."""
    line = b"".join(pieces)
    pieces.clear()
    return line


def _line_end(chunk: bytes, start: int) -> int:
    newline = chunk.find(b"\n", start)
    cr = chunk.find(b"\r", start, newline if newline >= 0 else len(chunk))
    return cr if cr >= 0 else newline


class _EventParser:
    def __init__(self) -> None:
        self._reset()
        self._last_id = ""

    def _reset(self) -> None:
        self._name = ""
        self._data: list[memoryview] = []
        self._retry: int | None = None
        self._has_id = False

    def feed(self, line: bytes) -> bool:
        """Take one line; True when it completed an event, for take()."""
        if not line:
            return self._complete()
        if line[:1] == b":":
            return False
        colon = line.find(b":")
        if colon < 0:
            field, value_start = line, len(line)
        else:
            field, value_start = line[:colon], colon + 1
            if line[value_start : value_start + 1] == b" ":
                value_start += 1
        if field == b"data":
            # A view, not a slice: the multi-megabyte value is not copied until decoded.
            self._data.append(memoryview(line)[value_start:])
        elif field == b"event":
            self._name = _text(line[value_start:])
        elif field == b"id":
            value = _text(line[value_start:])
            if "\0" not in value:
                self._last_id, self._has_id = value, True
        elif field == b"retry":
            value = line[value_start:]
            if value.isdigit():
                self._retry = int(value)
        return False

    def _complete(self) -> bool:
        if self._name or self._data or self._has_id or self._retry is not None:
            return True
        self._reset()
        return False

    def take(self) -> ServerSentEvent:
        """The completed event; the parser keeps nothing of it."""
        data = self._data
        text = _text(data[0]) if len(data) == 1 else _text(b"\n".join(data))
        for view in data:
            view.release()
        event = ServerSentEvent(self._name or "message", text, self._last_id, self._retry)
        self._reset()
        return event


def _text(value: bytes | memoryview) -> str:
    return str(value, "utf-8", "replace")
