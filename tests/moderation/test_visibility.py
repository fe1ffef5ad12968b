"""The whole path over HTTP: flag, review, decide, and what each person sees afterwards."""

from __future__ import annotations

import os

import pytest

from conversations.models import Image
from galleries.models import Gallery, GalleryItem
from moderation.models import Case
from teams.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(team, conversation, staff):
    """The shared team, with a staff member watching too, and alice's conversation in it."""
    Membership.objects.create(team=team, user=staff, role=Membership.Role.VIEWER)
    conversation.team = team
    conversation.save()
    return team


@pytest.fixture
def gallery_item(team, final_image, alice) -> GalleryItem:
    gallery = Gallery.objects.create(team=team, name="Favourites")
    return GalleryItem.objects.create(gallery=gallery, image=final_image, added_by=alice)


def image_ids_on_page(client, conversation) -> set[int]:
    snapshot = client.get(f"/api/conversations/{conversation.pk}/").json()
    return {image["id"] for turn in snapshot["turns"] for image in turn["images"]}


def gallery_image_ids(client, gallery_item) -> set[int]:
    """The images the gallery shows this person: its items, and the files behind them."""
    gallery = gallery_item.gallery_id
    items = client.get(f"/api/galleries/{gallery}/items/").json()["items"]
    page = client.get(f"/galleries/{gallery}/").content.decode()
    media = client.get(f"/galleries/{gallery}/items/{gallery_item.pk}/image/?thumbnail=1")
    listed = {item["image_id"] for item in items}
    assert (f"/items/{gallery_item.pk}/image/" in page) == bool(listed)
    assert (media.status_code == 200) == bool(listed)
    return listed


def test_flag_review_hide_takes_the_image_away_from_everyone_but_staff(
    login,
    conversation,
    final_image,
    gallery_item,
    alice,
    bob,
    staff,
    charlie,
    django_capture_on_commit_callbacks,
):
    media = f"/media/images/{final_image.pk}/"
    partial = final_image.turn.images.get(role=Image.Role.PARTIAL)
    assert gallery_image_ids(login(bob), gallery_item) == {final_image.pk}
    url = f"/api/images/{final_image.pk}/flag/"
    flagged = login(bob).post(url, {"reason": "violence"}, "application/json")
    assert flagged.status_code == 201
    reviewer = login(staff)
    case = reviewer.get("/moderation/").context["cards"][0].case
    assert case.image_id == final_image.pk

    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post("/moderation/decide/", {"case": case.pk, "action": "hide"})

    for person in (alice, bob):
        client = login(person)
        assert final_image.pk not in image_ids_on_page(client, conversation)
        assert partial.pk not in image_ids_on_page(client, conversation)
        assert client.get(media).status_code == 404
        assert client.get(f"{media}?thumbnail=1").status_code == 404
        assert client.get(f"/media/images/{partial.pk}/").status_code == 404
        turn = client.get(f"/api/turns/{final_image.turn_id}/").json()
        assert turn["images"] == []
        assert gallery_image_ids(client, gallery_item) == set()
    assert login(charlie).get(media).status_code == 404
    # Staff still see it, marked, and the files are kept.
    assert final_image.pk in image_ids_on_page(reviewer, conversation)
    snapshot = reviewer.get(f"/api/conversations/{conversation.pk}/").json()
    shown = next(i for t in snapshot["turns"] for i in t["images"] if i["id"] == final_image.pk)
    assert shown["moderation"] == "hidden"
    assert reviewer.get(media).status_code == 200
    assert gallery_image_ids(reviewer, gallery_item) == {final_image.pk}
    assert os.path.exists(Image.objects.get(pk=final_image.pk).file.path)


def test_remove_deletes_the_files_and_nobody_sees_the_image(
    login,
    conversation,
    final_image,
    gallery_item,
    alice,
    staff,
    django_capture_on_commit_callbacks,
):
    files = [final_image.file.path, final_image.thumbnail.path]
    login(alice).post(
        f"/api/images/{final_image.pk}/flag/", {"reason": "illegal"}, "application/json"
    )
    reviewer = login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post("/moderation/decide/", {"case": Case.objects.get().pk, "action": "remove"})

    assert not any(os.path.exists(path) for path in files)
    for person in (alice, staff):
        assert final_image.pk not in image_ids_on_page(login(person), conversation)
        assert login(person).get(f"/media/images/{final_image.pk}/").status_code == 404
        assert gallery_image_ids(login(person), gallery_item) == set()
    page = reviewer.get("/moderation/", {"status": "decided"}).content.decode()
    assert "final image removed" in page


@pytest.mark.parametrize("fault", ["moderation", "moderation_stream"])
def test_a_turn_the_provider_blocked_appears_in_the_queue(
    login, conversation, alice, staff, fault, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        started = login(alice).post(
            f"/api/conversations/{conversation.pk}/turns/",
            {"prompt": f"something the provider refuses [fault:{fault}]"},
            content_type="application/json",
        )
    assert started.status_code == 201

    case = Case.objects.get(kind=Case.Kind.BLOCKED)
    assert case.turn.status == "blocked"
    assert case.provider_code == "moderation_blocked"
    assert "safety system" in case.provider_message
    assert case.provider_categories == ["sexual"]
    page = login(staff).get("/moderation/").content.decode()
    assert "Blocked by the provider" in page and "something the provider refuses" in page
    assert "moderation_blocked" in page


def test_a_suspended_person_gets_403_when_starting_turns(login, conversation, finished_turn, alice):
    from moderation.services import suspend_user

    suspend_user(user=alice, reason="Hate")
    client = login(alice)
    started = client.post(
        f"/api/conversations/{conversation.pk}/turns/",
        {"prompt": "a fox"},
        content_type="application/json",
    )
    retried = client.post(f"/api/turns/{finished_turn.pk}/retry/")
    for answer in (started, retried):
        assert answer.status_code == 403
        assert "suspended" in answer.json()["error"]["message"]
    # Looking is still allowed.
    assert client.get(f"/api/conversations/{conversation.pk}/").status_code == 200
