"""Input at the edges of what Python can hold (deep JSON, the calendar's ends, Unicode
digits, dates past year 9999) gets a 4xx with a message, never a 500, and changes nothing."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from conversations.models import Conversation, Turn
from galleries import services as galleries
from galleries.models import Gallery, GalleryItem, PublicLink
from moderation.models import Flag
from teams.models import Invitation, Team
from tests.factories import MembershipFactory
from tests.galleries.conftest import make_image

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 2000
LAST_MOMENT = "9999-12-31T23:59:59-14:00"
SUPERSCRIPT_TWO = "\u00b2"


@pytest.fixture
def world(alice, conversation, studio_settings):
    team = Team.objects.create(name="Harbour")
    MembershipFactory(team=team, user=alice, role="owner")
    gallery = galleries.create_gallery(team=team, name="Best of", created_by=alice)
    conversation.team = team
    conversation.save()
    image = make_image(conversation)
    item = galleries.add_item(gallery=gallery, image=image, added_by=alice)
    link = galleries.create_public_link(gallery=gallery, created_by=alice)
    return {"team": team, "gallery": gallery, "image": image, "item": item, "link": link}


@pytest.fixture
def api(alice) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def counts() -> dict[str, int]:
    models = (Conversation, Turn, Gallery, GalleryItem, PublicLink, Flag, Invitation, Team)
    return {model.__name__: model.objects.count() for model in models}


def cursor(key: str, item_id: int) -> str:
    return base64.urlsafe_b64encode(f"date|{key}|{item_id}".encode()).decode().rstrip("=")


def json_posts(world, conversation) -> list[tuple[str, str]]:
    gallery, item, image = world["gallery"].pk, world["item"].pk, world["image"].pk
    return [
        ("post", "/api/conversations/"),
        ("patch", f"/api/conversations/{conversation.pk}/"),
        ("post", f"/api/conversations/{conversation.pk}/turns/"),
        ("post", "/api/galleries/"),
        ("patch", f"/api/galleries/{gallery}/"),
        ("post", f"/api/galleries/{gallery}/items/"),
        ("patch", f"/api/galleries/{gallery}/items/{item}/"),
        ("post", f"/api/galleries/{gallery}/items/{item}/move/"),
        ("post", f"/api/galleries/{gallery}/links/"),
        ("post", f"/api/images/{image}/flag/"),
        ("post", f"/api/gallery-items/{item}/flag/"),
    ]


def test_json_nested_2000_deep_is_a_400_on_every_json_endpoint(api, world, conversation):
    before = counts()
    for method, path in json_posts(world, conversation):
        response = api.generic(method.upper(), path, DEEP_JSON, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert "json" in response.json()["error"]["message"].lower(), path
    assert counts() == before


@pytest.mark.parametrize(
    "query",
    [
        {"end": "0001-01-01"},
        {"start": "0001-01-01", "end": "0001-01-02"},
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"end": "9999-12-31"},
    ],
)
def test_usage_dates_at_the_calendars_ends_are_a_400(api, world, query):
    team = world["team"].pk
    for path in ("/usage/", "/usage/export.csv", f"/usage/teams/{team}/"):
        response = api.get(path, query)
        assert response.status_code == 400, (path, response.status_code)
        assert b"Choose dates" in response.content, path
    response = api.get(f"/usage/teams/{team}/export.csv", query)
    assert response.status_code == 400


def test_unicode_digits_in_numbers_are_a_400(api, world):
    token, gallery = world["link"].token, world["gallery"].pk
    for name in ("n", "partial_images"):
        response = api.get("/api/estimate/", {name: SUPERSCRIPT_TWO})
        assert response.status_code == 400, name
        assert response.json()["error"]["field"] == name
    for path in (f"/api/galleries/{gallery}/items/", f"/g/{token}/items/", f"/g/{token}/"):
        response = api.get(path, {"limit": SUPERSCRIPT_TWO})
        assert response.status_code == 400, path
        assert b"limit" in response.content, path


def test_a_cursor_past_year_9999_is_a_400_with_and_without_an_account(api, world):
    token, gallery, item = world["link"].token, world["gallery"].pk, world["item"].pk
    late = cursor(LAST_MOMENT, item)
    anonymous = Client(raise_request_exception=False)
    for client, path in [
        (api, f"/api/galleries/{gallery}/items/"),
        (anonymous, f"/g/{token}/items/"),
        (anonymous, f"/g/{token}/"),
    ]:
        response = client.get(path, {"cursor": late})
        assert response.status_code == 400, path
        assert b"cursor" in response.content, path


def test_a_link_expiring_past_year_9999_is_refused(api, world):
    before = counts()
    response = api.post(
        f"/api/galleries/{world['gallery'].pk}/links/",
        json.dumps({"expires_at": LAST_MOMENT}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "expires_at"
    assert counts() == before
