"""The Redis transport keeps a worker alive when the broker connection is lost mid-task."""

from __future__ import annotations

from types import SimpleNamespace

from studio.broker import QoS


def orphaned_qos() -> QoS:
    """A QoS whose channel kombu already let go of, as after a lost broker connection."""
    qos = QoS.__new__(QoS)
    qos.channel = SimpleNamespace(connection=SimpleNamespace(client=None))
    qos._delivered = {"tag-1": object(), "tag-2": object()}
    return qos


def test_acknowledging_on_a_lost_connection_is_skipped_not_fatal():
    qos = orphaned_qos()
    qos.ack("tag-1")
    qos.reject("tag-2", requeue=True)
    assert qos._delivered == {}


def test_restoring_on_a_lost_connection_is_left_to_the_visibility_timeout():
    qos = orphaned_qos()
    qos.restore_unacked()
    assert qos._delivered == {}
