"""Open pages and reconnecting sockets lose an image the moment moderation takes it down."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from conversations.models import Image
from conversations.planning import TurnRequest
from conversations.services import start_turn
from moderation import services
from moderation.models import Case
from studio.asgi import application
from teams.models import Membership
from tests.factories import MembershipFactory, TeamFactory, session_cookie

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(conversation_id, user, *, after=0):
    headers = [
        (b"host", b"localhost"),
        (b"origin", b"http://localhost"),
        (b"cookie", await sync_to_async(session_cookie)(user)),
    ]
    path = f"/ws/conversations/{conversation_id}/?after={after}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def images_of(snapshot) -> dict[int, dict]:
    return {image["id"]: image for turn in snapshot["turns"] for image in turn["images"]}


def share_and_draw(conversation, alice, bob, staff):
    team = TeamFactory()
    for user, role in ((alice, "owner"), (bob, "viewer"), (staff, "viewer")):
        MembershipFactory(team=team, user=user, role=Membership.Role(role))
    conversation.team = team
    conversation.save()
    turn = start_turn(
        TurnRequest(
            conversation=conversation, author=alice, prompt="a fox", options={"partial_images": 1}
        )
    )
    turn.refresh_from_db()
    return turn


def flag_and_hide(image, bob, staff):
    services.flag_image(reporter=bob, image=image, reason="violence")
    services.decide_cases(actor=staff, cases=list(Case.objects.all()), action="hide")


async def test_hiding_reaches_open_sockets_and_later_snapshots(conversation, alice, bob, staff):
    turn = await sync_to_async(share_and_draw)(conversation, alice, bob, staff)
    final = await sync_to_async(turn.images.get)(role=Image.Role.FINAL)
    watcher = await connect(conversation.pk, bob)
    before = await watcher.receive_json_from()
    assert final.pk in images_of(before)

    await sync_to_async(flag_and_hide)(final, bob, staff)

    event = await watcher.receive_json_from(timeout=5)
    assert event["type"] == "turn.images_changed" and event["turn_id"] == turn.pk
    assert event["sequence"] > before["sequence"]
    assert final.pk in event["hidden_image_ids"]
    assert all(image["role"] not in ("final", "partial") for image in event["images"])
    assert str(final.pk) not in json.dumps(event["images"])
    await watcher.disconnect()

    for after in (0, before["sequence"]):
        again = await connect(conversation.pk, bob, after=after)
        snapshot = await again.receive_json_from()
        assert [t["id"] for t in snapshot["turns"]] == [turn.pk]
        assert images_of(snapshot) == {}
        await again.disconnect()

    reviewer = await connect(conversation.pk, staff)
    seen_by_staff = images_of(await reviewer.receive_json_from())
    assert seen_by_staff[final.pk]["moderation"] == "hidden"
    await reviewer.disconnect()
