"""The server-sent events reader: events however the body is cut, and one copy of big data."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator

import pytest

from upstream.sse import ServerSentEvent, iter_events

BODY = (
    b": a comment the provider sends to keep the connection\r\n"
    b"event: response.created\r\n"
    b'data: {"type": "response.created"}\r\n'
    b"\r\n"
    b"event: keepalive\n"
    b"\n"
    b"data: first line\r"
    b"data:second line\r"
    b"data:  two spaces keep one\r"
    b"id: 7\r"
    b"retry: 1500\r"
    b"\r"
    b"data: [DONE]\n"
    b"\n"
)
EXPECTED = [
    ServerSentEvent("response.created", '{"type": "response.created"}'),
    ServerSentEvent("keepalive", ""),
    ServerSentEvent("message", "first line\nsecond line\n two spaces keep one", "7", 1500),
    ServerSentEvent("message", "[DONE]", "7"),
]


def events(*chunks: bytes) -> list[ServerSentEvent]:
    return list(iter_events(chunks))


def test_reads_named_events_comments_multiline_data_and_every_line_ending():
    assert events(BODY) == EXPECTED


@pytest.mark.parametrize("cut", range(1, len(BODY)))
def test_the_same_events_wherever_the_body_is_cut(cut):
    assert events(BODY[:cut], BODY[cut:]) == EXPECTED


def test_the_same_events_a_byte_at_a_time():
    assert events(*(BODY[i : i + 1] for i in range(len(BODY)))) == EXPECTED


def test_a_crlf_split_between_chunks_ends_one_line_not_two():
    # A CR then a LF in the next chunk is one line end; read as two, the blank line
    # between them would dispatch the event early, without its second data line.
    assert events(b"data: a\r", b"\ndata: b\r\n\r\n") == [ServerSentEvent(data="a\nb")]


def test_an_event_the_body_does_not_finish_is_dropped():
    assert events(b"data: complete\n\ndata: cut off") == [ServerSentEvent(data="complete")]


def test_blank_lines_alone_dispatch_nothing():
    assert events(b"\n\r\n\r\n: only a comment\n\n") == []


def test_invalid_utf8_is_replaced_not_fatal():
    assert events(b"data: caf\xe9\n\n") == [ServerSentEvent(data="caf\ufffd")]


def test_a_four_megabyte_data_line_in_network_sized_chunks():
    payload = b"A" * (4 * 2**20)
    body = b'data: {"b64": "' + payload + b'"}\n\n'
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    (event,) = list(iter_events(chunks))
    assert event.data == '{"b64": "' + payload.decode() + '"}'


def test_a_big_event_is_held_once_and_released_when_handed_over():
    size = 4 * 2**20

    def body() -> Iterator[bytes]:
        # Made as it is read, like a socket's chunks, so only the reader's copies count.
        yield b"data: "
        for _ in range(size // 65536):
            yield b"A" * 65536
        yield b"\n\n"
        yield b"data: next\n\n"

    gc.collect()
    tracemalloc.start()
    try:
        reader = iter_events(body())
        event = next(reader)
        _, peak = tracemalloc.get_traced_memory()
        assert len(event.data) == size
        del event
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The pieces and the joined line, then the line and its text: never three copies.
    assert peak < 2.3 * size
    # Waiting for the next event, the reader keeps nothing of the one it handed over.
    assert held < size / 8
    assert next(reader) == ServerSentEvent(data="next")
