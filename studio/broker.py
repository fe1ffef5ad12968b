"""Celery's Redis transport, made to survive a Redis restart while turns stream.

When the broker connection drops, kombu lets go of the old channel's connection but still
uses that channel: to put the unacknowledged tasks back, and later to acknowledge a task
that finished meanwhile. Both raised AttributeError ('NoneType' has no 'hostname' /
'client'), which Celery treats as unrecoverable: the worker exited, streams and all.

On a channel whose connection is gone both are skipped. Nothing is lost by that: Redis
hands an unacknowledged task out again after the visibility timeout, and claiming a turn
that already finished does nothing (conversations.engine.claim_turn).
"""

from __future__ import annotations

from kombu.transport import redis


class QoS(redis.QoS):
    def restore_unacked(self, client=None) -> None:
        if client is None and self._connection_gone():
            self._delivered.clear()
            return
        super().restore_unacked(client)

    def ack(self, delivery_tag) -> None:
        if self._connection_gone():
            self._delivered.pop(delivery_tag, None)
            return
        super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue: bool = False) -> None:
        if self._connection_gone():
            self._delivered.pop(delivery_tag, None)
            return
        super().reject(delivery_tag, requeue=requeue)

    def _connection_gone(self) -> bool:
        transport = self.channel.connection
        return transport is None or transport.client is None


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
