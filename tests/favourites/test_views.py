"""Favourites: a personal collection of images, by API and on its page."""

from __future__ import annotations

import pytest

from conversations.image_visibility import set_image_moderation
from conversations.models import Image
from conversations.services import share_conversation
from favourites.models import Favourite
from teams.models import Membership
from teams.services import create_team, remove_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(run, conversation, alice):
    turn = run(conversation=conversation, author=alice, prompt="a lighthouse in fog")
    return turn.images.get(role=Image.Role.FINAL)


def test_favourite_is_listed_newest_first_and_on_the_page(client, alice, image, run, conversation):
    client.force_login(alice)
    other = run(conversation=conversation, author=alice, prompt="a boat").images.get(role="final")

    assert client.put(f"/api/images/{image.pk}/favourite/").status_code == 200
    assert client.put(f"/api/images/{other.pk}/favourite/").status_code == 200
    # Twice is the same as once.
    assert client.put(f"/api/images/{other.pk}/favourite/").status_code == 200

    listed = client.get("/api/favourites/").json()["favourites"]
    assert [f["image_id"] for f in listed] == [other.pk, image.pk]
    assert listed[1]["prompt"] == "a lighthouse in fog"
    assert listed[1]["turn_url"] == f"/c/{conversation.pk}/#turn-{image.turn_id}"
    page = client.get("/favourites/").content.decode()
    assert "a lighthouse in fog" in page and f'data-image-id="{image.pk}"' in page


def test_removing_a_favourite(client, alice, image):
    client.force_login(alice)
    client.put(f"/api/images/{image.pk}/favourite/")

    assert client.delete(f"/api/images/{image.pk}/favourite/").status_code == 204
    assert client.get("/api/favourites/").json()["favourites"] == []


def test_favourites_are_personal(client, alice, charlie, image):
    client.force_login(alice)
    client.put(f"/api/images/{image.pk}/favourite/")
    client.force_login(charlie)

    assert client.put(f"/api/images/{image.pk}/favourite/").status_code == 404
    assert client.get("/api/favourites/").json()["favourites"] == []
    assert Favourite.objects.count() == 1


def test_a_favourite_out_of_reach_drops_out_of_the_list(client, alice, bob, conversation, image):
    team = create_team(creator=alice, name="Night shift")
    membership = Membership.objects.create(team=team, user=bob, role=Membership.Role.VIEWER)
    share_conversation(conversation=conversation, team_id=team.pk)
    client.force_login(bob)
    assert client.put(f"/api/images/{image.pk}/favourite/").status_code == 200

    remove_member(membership=membership)
    assert client.get("/api/favourites/").json()["favourites"] == []


def test_an_image_taken_down_drops_out_and_partials_are_refused(client, alice, image):
    client.force_login(alice)
    client.put(f"/api/images/{image.pk}/favourite/")
    reference = image.turn.images.create(
        role=Image.Role.REFERENCE, width=1, height=1, format="png", bytes=1, sha256="0"
    )
    set_image_moderation([image], Image.Moderation.HIDDEN)

    assert client.get("/api/favourites/").json()["favourites"] == []
    assert client.put(f"/api/images/{reference.pk}/favourite/").status_code == 400


def test_anonymous_gets_401_and_the_page_asks_to_log_in(client):
    assert client.get("/api/favourites/").status_code == 401
    assert client.get("/favourites/").status_code == 302
