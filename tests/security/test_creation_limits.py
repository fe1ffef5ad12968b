"""One person creating conversations, invitations, links or flags in a burst is stopped at
the limit with a 429 and a message; nothing past it is stored."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from conversations.models import Conversation
from galleries import services as galleries
from galleries.models import PublicLink
from moderation.models import Flag
from teams.models import Invitation, Team
from tests.factories import MembershipFactory
from tests.galleries.conftest import make_image

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def limits(settings):
    settings.STUDIO_CREATION_LIMITS = {
        "conversation": LIMIT,
        "invitation": LIMIT,
        "link": LIMIT,
        "flag": LIMIT,
    }
    return settings


@pytest.fixture
def world(alice, conversation, limits):
    team = Team.objects.create(name="Harbour")
    MembershipFactory(team=team, user=alice, role="owner")
    gallery = galleries.create_gallery(team=team, name="Best of", created_by=alice)
    conversation.team = team
    conversation.save()
    images = [make_image(conversation, prompt=f"fox {i}") for i in range(LIMIT + 1)]
    return {"team": team, "gallery": gallery, "images": images}


@pytest.fixture
def api(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def post_json(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def assert_refused(response, noun: str) -> None:
    assert response.status_code == 429
    text = response.content.decode()
    assert f"{noun} in the last hour" in text and "Try again in" in text


def test_conversations_past_the_limit_are_refused(api, limits, studio_settings):
    for index in range(LIMIT):
        assert post_json(api, "/api/conversations/", {"title": f"#{index}"}).status_code == 201

    response = post_json(api, "/api/conversations/", {"title": "one more"})

    assert_refused(response, "conversations")
    assert response.json()["error"]["message"]
    assert Conversation.objects.count() == LIMIT


def test_the_limit_is_per_person(api, bob, limits, studio_settings):
    for index in range(LIMIT):
        post_json(api, "/api/conversations/", {"title": f"#{index}"})
    other = Client()
    other.force_login(bob)
    assert post_json(other, "/api/conversations/", {"title": "mine"}).status_code == 201


def test_invitations_past_the_limit_are_refused(api, world):
    team = world["team"].pk
    for index in range(LIMIT + 1):
        get_user_model().objects.create_user(f"guest{index}", password="x-long-pass-1")
    for index in range(LIMIT):
        response = api.post(
            f"/teams/{team}/invite/", {"username": f"guest{index}", "role": "viewer"}
        )
        assert response.status_code == 302

    response = api.post(f"/teams/{team}/invite/", {"username": f"guest{LIMIT}", "role": "viewer"})

    assert_refused(response, "invitations")
    assert Invitation.objects.count() == LIMIT


def test_invitation_links_and_public_links_share_a_limit(api, world):
    team, gallery = world["team"].pk, world["gallery"].pk
    for _ in range(LIMIT - 1):
        assert api.post(f"/teams/{team}/links/", {"role": "viewer", "hours": 5}).status_code == 302
    assert post_json(api, f"/api/galleries/{gallery}/links/", {}).status_code == 201

    assert_refused(api.post(f"/teams/{team}/links/", {"role": "viewer", "hours": 5}), "links")
    assert_refused(post_json(api, f"/api/galleries/{gallery}/links/", {}), "links")
    assert Invitation.objects.count() == LIMIT - 1
    assert PublicLink.objects.count() == 1


def test_flags_past_the_limit_are_refused(api, world):
    images = world["images"]
    for image in images[:LIMIT]:
        response = post_json(api, f"/api/images/{image.pk}/flag/", {"reason": "other"})
        assert response.status_code == 201

    response = post_json(api, f"/api/images/{images[LIMIT].pk}/flag/", {"reason": "other"})

    assert_refused(response, "flags")
    assert Flag.objects.count() == LIMIT


def test_a_limit_of_zero_means_no_limit(api, limits, studio_settings):
    limits.STUDIO_CREATION_LIMITS = {**limits.STUDIO_CREATION_LIMITS, "conversation": 0}
    for index in range(LIMIT + 2):
        assert post_json(api, "/api/conversations/", {"title": f"#{index}"}).status_code == 201
