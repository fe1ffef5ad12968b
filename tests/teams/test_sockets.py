"""Team members watch shared conversations live; losing access closes their socket at once."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from conversations.consumers import CLOSE_FORBIDDEN
from conversations.planning import TurnRequest
from conversations.services import share_conversation, start_turn
from teams.services import delete_team, remove_member
from tests.conversations.test_consumers import connect, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def shared_live(conversation, team, people):
    share_conversation(conversation=conversation, team_id=team.pk)
    return conversation


async def expect_closed(communicator) -> None:
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


async def test_a_viewer_watches_an_editors_turn_live(shared_live, people):
    viewer, connected = await connect(shared_live.pk, people["viewer"])
    assert connected
    snapshot = await viewer.receive_json_from()
    assert snapshot["conversation"]["team"]["name"] == "Night shift"
    await sync_to_async(start_turn)(
        TurnRequest(conversation=shared_live, author=people["editor"], prompt="a harbour")
    )
    frames = await receive_until(viewer, "turn.completed")
    assert frames[-1]["images"][0]["role"] == "final"
    await viewer.disconnect()


async def test_an_outsider_cannot_join(shared_live, people):
    _communicator, connected = await connect(shared_live.pk, people["outsider"])
    assert not connected


async def test_a_removed_member_is_disconnected_at_once(shared_live, team, people):
    viewer, _ = await connect(shared_live.pk, people["viewer"])
    editor, _ = await connect(shared_live.pk, people["editor"])
    await viewer.receive_json_from()
    await editor.receive_json_from()

    membership = await sync_to_async(team.memberships.get)(user=people["viewer"])
    await sync_to_async(remove_member)(membership=membership)

    await expect_closed(viewer)
    # Everyone else stays connected.
    await editor.send_json_to({"type": "ping"})
    assert (await editor.receive_json_from())["type"] == "pong"
    await editor.disconnect()
    _again, connected = await connect(shared_live.pk, people["viewer"])
    assert not connected


async def test_unsharing_disconnects_the_team_but_not_the_owner(shared_live, people, alice):
    owner, _ = await connect(shared_live.pk, alice)
    viewer, _ = await connect(shared_live.pk, people["viewer"])
    await owner.receive_json_from()
    await viewer.receive_json_from()

    await sync_to_async(share_conversation)(conversation=shared_live, team_id=None)

    await expect_closed(viewer)
    await owner.send_json_to({"type": "ping"})
    assert (await owner.receive_json_from())["type"] == "pong"
    await owner.disconnect()


async def test_deleting_the_team_disconnects_its_members(shared_live, team, people):
    viewer, _ = await connect(shared_live.pk, people["viewer"])
    await viewer.receive_json_from()
    await sync_to_async(delete_team)(team=team)
    await expect_closed(viewer)


async def test_a_lost_access_check_is_caught_by_the_next_resync(
    shared_live, team, people, settings
):
    # As if the access.check message was lost (Redis restarting): the membership goes
    # without a word to the sockets, and the periodic resync notices.
    settings.WEBSOCKET_RESYNC_SECONDS = 0.2
    viewer, _ = await connect(shared_live.pk, people["viewer"])
    await viewer.receive_json_from()
    await sync_to_async(team.memberships.filter(user=people["viewer"]).delete)()
    await expect_closed(viewer)
