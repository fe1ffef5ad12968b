"""Every role against every gallery action: owners share, editors change, viewers look.

Outsiders (members of another team) get 404 for all of it, as if the gallery did not exist;
a member without the role gets 403 and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from galleries import services
from galleries.models import Gallery, GalleryItem, PublicLink
from tests.galleries.conftest import ROLES, login, make_image

pytestmark = pytest.mark.django_db

JSON = "application/json"


@dataclass
class World:
    client: Any
    gallery: Gallery
    item: GalleryItem
    other: GalleryItem
    link: PublicLink
    image_id: int

    @property
    def api(self) -> str:
        return f"/api/galleries/{self.gallery.pk}"


@pytest.fixture
def world(client, gallery, item, public_link, shared_conversation, people, team) -> World:
    other = services.add_item(
        gallery=gallery, image=make_image(shared_conversation), added_by=people["editor"]
    )
    return World(client, gallery, item, other, public_link, make_image(shared_conversation).pk)


def gallery_exists(w: World) -> bool:
    return Gallery.objects.filter(pk=w.gallery.pk).exists()


# Each action: how to do it, and how to tell from the database that it happened.
ACTIONS = {
    "view page": (lambda w: w.client.get(f"/galleries/{w.gallery.pk}/"), None),
    "read gallery": (lambda w: w.client.get(f"{w.api}/"), None),
    "list items": (lambda w: w.client.get(f"{w.api}/items/"), None),
    "read item": (lambda w: w.client.get(f"{w.api}/items/{w.item.pk}/"), None),
    "image": (lambda w: w.client.get(f"/galleries/{w.gallery.pk}/items/{w.item.pk}/image/"), None),
    "thumbnail": (
        lambda w: w.client.get(f"/galleries/{w.gallery.pk}/items/{w.item.pk}/image/?thumbnail=1"),
        None,
    ),
    "download": (
        lambda w: w.client.get(f"/galleries/{w.gallery.pk}/items/{w.item.pk}/image/?download=1"),
        None,
    ),
    "create gallery": (
        lambda w: w.client.post(
            "/api/galleries/", {"team_id": w.gallery.team_id, "name": "New"}, content_type=JSON
        ),
        lambda w: Gallery.objects.filter(name="New").exists(),
    ),
    "rename gallery": (
        lambda w: w.client.patch(f"{w.api}/", {"name": "Renamed"}, content_type=JSON),
        lambda w: Gallery.objects.filter(name="Renamed").exists(),
    ),
    "delete gallery": (
        lambda w: w.client.delete(f"{w.api}/"),
        lambda w: not gallery_exists(w),
    ),
    "add item": (
        lambda w: w.client.post(
            f"{w.api}/items/", {"image_id": w.image_id, "caption": "New"}, content_type=JSON
        ),
        lambda w: GalleryItem.objects.filter(image_id=w.image_id).exists(),
    ),
    "caption item": (
        lambda w: w.client.patch(
            f"{w.api}/items/{w.item.pk}/", {"caption": "Changed"}, content_type=JSON
        ),
        lambda w: GalleryItem.objects.filter(caption="Changed").exists(),
    ),
    "remove item": (
        lambda w: w.client.delete(f"{w.api}/items/{w.item.pk}/"),
        lambda w: not GalleryItem.objects.filter(pk=w.item.pk).exists(),
    ),
    "move item": (
        lambda w: w.client.post(
            f"{w.api}/items/{w.other.pk}/move/", {"before_id": w.item.pk}, content_type=JSON
        ),
        lambda w: GalleryItem.objects.get(pk=w.other.pk).position < w.item.position,
    ),
    "list links": (lambda w: w.client.get(f"{w.api}/links/"), None),
    "create link": (
        lambda w: w.client.post(f"{w.api}/links/", {}, content_type=JSON),
        lambda w: PublicLink.objects.count() == 2,
    ),
    "revoke link": (
        lambda w: w.client.post(f"{w.api}/links/{w.link.pk}/revoke/"),
        lambda w: not PublicLink.objects.get(pk=w.link.pk).is_open,
    ),
}

OK = {"view page": 200, "image": 200, "thumbnail": 200, "download": 200}
READ = ("view page", "read gallery", "list items", "read item", "image", "thumbnail", "download")
EDIT = ("create gallery", "rename gallery", "delete gallery", "add item", "caption item")
EDIT += ("remove item", "move item")
SHARE = ("list links", "create link", "revoke link")
SUCCESS = {
    "create gallery": 201,
    "delete gallery": 204,
    "add item": 201,
    "remove item": 204,
    "create link": 201,
}


def expected_status(action: str, role: str) -> int:
    if role == "outsider":
        return 404
    allowed = (
        action in READ
        or (action in EDIT and role in ("owner", "editor"))
        or (action in SHARE and role == "owner")
    )
    return SUCCESS.get(action, 200) if allowed else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_and_action(world, people, action, role):
    login(world.client, people[role])
    do, happened = ACTIONS[action]
    response = do(world)
    expected = expected_status(action, role)
    assert response.status_code == expected, response.content[:300]
    if happened is not None:
        assert happened(world) is (expected < 400)
    if expected == 403:
        message = response.json()["error"]["message"]
        assert "owner" in message  # says whom to ask, or who may
    if expected == 404 and response.get("Content-Type") == JSON:
        assert "Best of" not in response.content.decode()


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_members_see_the_gallery_in_their_list_and_outsiders_do_not(world, people, role):
    login(world.client, people[role])
    names = [g["name"] for g in world.client.get("/api/galleries/").json()["galleries"]]
    assert names == ["Best of"]
    editable = world.client.get("/api/galleries/?editable=1").json()["galleries"]
    assert bool(editable) is (role != "viewer")
    login(world.client, people["outsider"])
    assert world.client.get("/api/galleries/").json()["galleries"] == []
    assert "Best of" not in world.client.get("/galleries/").content.decode()


def test_permissions_are_reported_for_the_page(world, people):
    expected = {
        "owner": {"edit": True, "share": True},
        "editor": {"edit": True, "share": False},
        "viewer": {"edit": False, "share": False},
    }
    for role, permissions in expected.items():
        login(world.client, people[role])
        assert world.client.get(f"{world.api}/").json()["permissions"] == permissions


def test_anonymous_gets_401_from_the_api_a_login_page_and_no_media(world):
    assert world.client.get("/api/galleries/").status_code == 401
    assert world.client.get(f"{world.api}/items/").status_code == 401
    assert world.client.get("/galleries/").status_code == 302
    assert world.client.get(f"/galleries/{world.gallery.pk}/").status_code == 302
    image = world.client.get(f"/galleries/{world.gallery.pk}/items/{world.item.pk}/image/")
    assert image.status_code == 404
