"""A member of another team probes this team's things with real and guessed ids.

For each kind of object (conversation, turn, image, gallery, item, public link) the
outsider tries to read, write, join its websocket and download its files, by URL and by ids
inside request bodies, and gets nothing: 404 everywhere, and nothing changes.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from conversations.models import Conversation, Image, Turn
from galleries import services
from galleries.models import Gallery, GalleryItem, PublicLink
from studio.asgi import application
from tests.factories import ConversationFactory, session_cookie
from tests.galleries.conftest import login, make_image

JSON = "application/json"
HUGE = "99999999999999999999999"


@pytest.fixture
def victim(gallery, item, public_link, shared_conversation):
    """This team's gallery, item, link, and the shared conversation its image came from."""
    return {
        "gallery": gallery,
        "item": item,
        "link": public_link,
        "conversation": shared_conversation,
        "turn": item.image.turn,
        "image": item.image,
    }


@pytest.fixture
def own(people, other_team):
    """What the outsider may touch: a gallery, an item and a public link in their own team."""
    outsider = people["outsider"]
    conversation = ConversationFactory(owner=outsider, team=other_team)
    gallery = services.create_gallery(team=other_team, name="Mine", created_by=outsider)
    item = services.add_item(gallery=gallery, image=make_image(conversation), added_by=outsider)
    link = services.create_public_link(gallery=gallery, created_by=outsider)
    return {"conversation": conversation, "gallery": gallery, "item": item, "link": link}


@pytest.fixture
def outsider_client(client, people):
    return login(client, people["outsider"])


def snapshot() -> dict:
    """Everything a probe could change."""
    return {
        "galleries": list(Gallery.objects.order_by("pk").values()),
        "items": list(GalleryItem.objects.order_by("pk").values()),
        "links": list(PublicLink.objects.order_by("pk").values()),
        "conversations": list(Conversation.objects.order_by("pk").values("pk", "title", "team")),
        "turns": Turn.objects.count(),
    }


def probes(v: dict, own: dict) -> list[tuple[str, str, dict | None]]:
    g, i, link = v["gallery"].pk, v["item"].pk, v["link"].pk
    conversation, turn, image = v["conversation"].pk, v["turn"].pk, v["image"].pk
    mine = own["gallery"].pk
    return [
        # Galleries and their items, by URL.
        ("get", f"/galleries/{g}/", None),
        ("get", f"/api/galleries/{g}/", None),
        ("patch", f"/api/galleries/{g}/", {"name": "Taken"}),
        ("delete", f"/api/galleries/{g}/", None),
        ("get", f"/api/galleries/{g}/items/", None),
        ("post", f"/api/galleries/{g}/items/", {"image_id": own["item"].image_id}),
        ("get", f"/api/galleries/{g}/items/{i}/", None),
        ("patch", f"/api/galleries/{g}/items/{i}/", {"caption": "Taken"}),
        ("delete", f"/api/galleries/{g}/items/{i}/", None),
        ("post", f"/api/galleries/{g}/items/{i}/move/", {"before_id": i}),
        # Public-link management.
        ("get", f"/api/galleries/{g}/links/", None),
        ("post", f"/api/galleries/{g}/links/", {}),
        ("post", f"/api/galleries/{g}/links/{link}/revoke/", None),
        ("post", f"/api/galleries/{mine}/links/{link}/revoke/", None),
        # The victim's ids inside the outsider's own gallery: paths and bodies.
        ("get", f"/api/galleries/{mine}/items/{i}/", None),
        ("patch", f"/api/galleries/{mine}/items/{i}/", {"caption": "Taken"}),
        ("delete", f"/api/galleries/{mine}/items/{i}/", None),
        ("post", f"/api/galleries/{mine}/items/", {"image_id": image}),
        ("post", f"/api/galleries/{mine}/items/{own['item'].pk}/move/", {"before_id": i}),
        ("post", f"/api/galleries/{mine}/items/{own['item'].pk}/move/", {"after_id": i}),
        ("post", "/api/galleries/", {"team_id": v["gallery"].team_id, "name": "Taken"}),
        # Conversations, turns and images the team shares.
        ("get", f"/c/{conversation}/", None),
        ("get", f"/api/conversations/{conversation}/", None),
        ("patch", f"/api/conversations/{conversation}/", {"title": "Taken"}),
        ("delete", f"/api/conversations/{conversation}/", None),
        ("post", f"/api/conversations/{conversation}/turns/", {"prompt": "mine now"}),
        ("get", f"/api/turns/{turn}/", None),
        ("post", f"/api/turns/{turn}/cancel/", None),
        ("post", f"/api/turns/{turn}/retry/", None),
        (
            "patch",
            f"/api/conversations/{own['conversation'].pk}/",
            {"team_id": v["gallery"].team_id},
        ),
        # Media: the conversation's, the gallery's, and through the outsider's own paths.
        ("get", f"/media/images/{image}/", None),
        ("get", f"/media/images/{image}/?thumbnail=1", None),
        ("get", f"/media/images/{image}/?download=1", None),
        ("get", f"/galleries/{g}/items/{i}/image/", None),
        ("get", f"/galleries/{g}/items/{i}/image/?thumbnail=1", None),
        ("get", f"/galleries/{g}/items/{i}/image/?download=1", None),
        ("get", f"/galleries/{mine}/items/{i}/image/", None),
        ("get", f"/g/{own['link'].token}/items/{i}/image/", None),
    ]


def send(client: Client, method: str, url: str, body: dict | None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type=JSON)


@pytest.mark.django_db
def test_real_ids_get_404_and_change_nothing(outsider_client, victim, own):
    before = snapshot()
    for method, url, body in probes(victim, own):
        response = send(outsider_client, method, url, body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"Best of" not in response.content and b"Dawn fox" not in response.content
    assert snapshot() == before


@pytest.mark.django_db
def test_guessed_ids_get_404(outsider_client, victim, own):
    """Every id up to past the last one, and one that exists nowhere, except the outsider's own."""
    mine = {
        "team": own["gallery"].team_id,
        "gallery": own["gallery"].pk,
        "item": own["item"].pk,
        "image": own["item"].image_id,
    }
    newest = [Gallery, GalleryItem, Image, PublicLink, Conversation]
    last = max(model.objects.latest("pk").pk for model in newest) + 3
    before = snapshot()
    for guess in [*range(1, last), HUGE]:
        reads = []
        if guess != mine["gallery"]:
            reads += [
                f"/galleries/{guess}/",
                f"/api/galleries/{guess}/",
                f"/api/galleries/{guess}/items/",
                f"/api/galleries/{guess}/links/",
                f"/galleries/{guess}/items/{victim['item'].pk}/image/",
            ]
        if guess != mine["item"]:
            reads += [
                f"/api/galleries/{mine['gallery']}/items/{guess}/",
                f"/galleries/{mine['gallery']}/items/{guess}/image/",
            ]
        if guess != mine["image"]:
            reads.append(f"/media/images/{guess}/")
        for url in reads:
            assert outsider_client.get(url).status_code == 404, url
        writes = []
        if guess != mine["team"]:
            writes.append(("/api/galleries/", {"team_id": guess, "name": "Guess"}))
        if guess != mine["image"]:
            writes.append((f"/api/galleries/{mine['gallery']}/items/", {"image_id": guess}))
        if guess != mine["item"]:
            move = f"/api/galleries/{mine['gallery']}/items/{mine['item']}/move/"
            writes.append((move, {"before_id": guess}))
        for url, body in writes:
            response = outsider_client.post(url, body, content_type=JSON)
            assert response.status_code == 404, (url, body, response.content)
    assert snapshot() == before


@pytest.mark.django_db
def test_malformed_ids_in_bodies_are_not_found_either(outsider_client, own):
    mine = own["gallery"].pk
    for value in [None, "", "abc", -1, 0, True, [], {}, HUGE, "1; DROP TABLE"]:
        added = outsider_client.post(
            f"/api/galleries/{mine}/items/", {"image_id": value}, content_type=JSON
        )
        assert added.status_code == 404, value
        assert added.json()["error"]["field"] == "image_id"
        created = outsider_client.post(
            "/api/galleries/", {"team_id": value, "name": "x"}, content_type=JSON
        )
        assert created.status_code == 404, value


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_outsider_cannot_join_the_shared_conversations_websocket(
    victim, own, people, settings
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    cookie = await sync_to_async(session_cookie)(people["outsider"])
    for conversation_id in [victim["conversation"].pk, HUGE, 0, own["conversation"].pk + 100]:
        communicator = WebsocketCommunicator(
            application,
            f"/ws/conversations/{conversation_id}/",
            headers=[
                (b"host", b"localhost"),
                (b"origin", b"http://localhost"),
                (b"cookie", cookie),
            ],
        )
        connected, _ = await communicator.connect()
        assert not connected, conversation_id
        await communicator.disconnect()
    # A member of the team may: the refusal above is about the team, not the socket.
    member_cookie = await sync_to_async(session_cookie)(people["viewer"])
    communicator = WebsocketCommunicator(
        application,
        f"/ws/conversations/{victim['conversation'].pk}/",
        headers=[
            (b"host", b"localhost"),
            (b"origin", b"http://localhost"),
            (b"cookie", member_cookie),
        ],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
