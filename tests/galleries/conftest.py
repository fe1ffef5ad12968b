"""A gallery of the shared team (tests/conftest.py: one person per role), and its items."""

from __future__ import annotations

import pytest

from conversations.models import Conversation, Image, Turn
from conversations.recording import store_image
from galleries import services
from galleries.models import Gallery, GalleryItem, PublicLink
from teams.models import Team
from tests.factories import ConversationFactory, png_bytes

ROLES = ("owner", "editor", "viewer", "outsider")


@pytest.fixture
def other_team(people) -> Team:
    """The outsider's own team."""
    return Team.objects.get(memberships__user=people["outsider"])


@pytest.fixture
def shared_conversation(team, people, media) -> Conversation:
    return ConversationFactory(owner=people["editor"], team=team, title="Harbour at dawn")


@pytest.fixture
def gallery(team, people) -> Gallery:
    return services.create_gallery(team=team, name="Best of", created_by=people["owner"])


@pytest.fixture
def item(gallery, shared_conversation, people) -> GalleryItem:
    image = make_image(shared_conversation, prompt="a red fox at dawn")
    return services.add_item(
        gallery=gallery, image=image, caption="Dawn fox", added_by=people["editor"]
    )


@pytest.fixture
def public_link(gallery, people) -> PublicLink:
    return services.create_public_link(gallery=gallery, created_by=people["owner"])


@pytest.fixture
def editor(client, people):
    """A client logged in as the team's editor."""
    return login(client, people["editor"])


@pytest.fixture
def seven(gallery, shared_conversation, people):
    """Seven items, added in this order; two mention a fox, one has a caption."""
    prompts = ["fox", "owl", "Fox cub", "heron", "otter", "badger", "hare"]
    return [
        services.add_item(
            gallery=gallery,
            image=make_image(shared_conversation, prompt=f"a {p} at dusk"),
            caption="with snow" if p == "hare" else "",
            added_by=people["editor"],
        )
        for p in prompts
    ]


def make_image(
    conversation: Conversation,
    *,
    prompt: str = "a red fox",
    role: str = Image.Role.FINAL,
    revised_prompt: str = "",
    color=(200, 40, 40, 255),
) -> Image:
    """A finished turn with one stored image (and its WebP thumbnail), without the provider."""
    turn = Turn.objects.create(
        conversation=conversation,
        author=conversation.owner,
        prompt=prompt,
        image_model="gpt-image-1",
        options={"size": "1024x1024", "quality": "high"},
        status=Turn.Status.COMPLETED,
        revised_prompt=revised_prompt,
    )
    return store_image(turn, png_bytes((48, 32), color=color), role=role)


def login(client, user):
    client.force_login(user)
    return client


def items_of(client, gallery, **params) -> dict:
    response = client.get(f"/api/galleries/{gallery.pk}/items/", params)
    assert response.status_code == 200, response.content
    return response.json()
