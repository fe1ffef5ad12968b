"""What a socket sent: the sequence up to which its browser holds every change."""

from __future__ import annotations

from conversations.relayed import RelayedSequences


def snapshot(sequence: int) -> dict:
    return {"type": "snapshot", "sequence": sequence, "turns": []}


def event(sequence: int) -> dict:
    return {"type": "turn.partial_image", "sequence": sequence, "turn_id": 1}


def test_events_in_order_move_the_covered_sequence_along():
    relayed = RelayedSequences()
    relayed.note_snapshot(snapshot(4))
    assert [relayed.admit(event(s)) for s in (5, 6, 7)] == [True, True, True]
    assert relayed.covered == 7


def test_an_event_still_on_its_way_holds_the_covered_sequence_below_it():
    relayed = RelayedSequences()
    relayed.note_snapshot(snapshot(4))
    assert relayed.admit(event(6))
    assert relayed.covered == 4
    assert relayed.admit(event(5))
    assert relayed.covered == 6


def test_a_snapshot_covers_what_it_holds_and_the_gap_below_it():
    relayed = RelayedSequences()
    relayed.note_snapshot(snapshot(4))
    relayed.admit(event(7))
    relayed.note_snapshot(snapshot(6))
    assert relayed.covered == 7
    # Late news the snapshot already held is not sent again.
    assert not relayed.admit(event(5))


def test_an_event_is_sent_once():
    relayed = RelayedSequences(covered=3)
    relayed.note_snapshot(snapshot(3))
    assert relayed.admit(event(5))
    assert not relayed.admit(event(5))
    assert not relayed.admit(event(2))
