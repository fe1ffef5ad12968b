"""The queue page, decisions over HTTP, staff media, the flag endpoints and the notice."""

from __future__ import annotations

import pytest

from conversations.models import Image
from galleries.models import Gallery, GalleryItem
from moderation import services
from moderation.models import AccountStanding, Case, Decision, Flag
from teams.models import Membership
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/"


@pytest.fixture
def flagged(final_image, bob) -> Case:
    services.flag_image(reporter=bob, image=final_image, reason="violence", note="too much")
    return Case.objects.get()


def flag(client, image_id, **body):
    return client.post(f"/api/images/{image_id}/flag/", body, content_type="application/json")


# --- The queue ----------------------------------------------------------------------------


def test_only_staff_find_the_queue(client, login, alice, staff, flagged):
    assert client.get(QUEUE).status_code == 404
    assert login(alice).get(QUEUE).status_code == 404
    assert login(alice).post("/moderation/decide/", {"case": flagged.pk}).status_code == 404
    assert login(alice).get(f"/moderation/media/images/{flagged.image_id}/").status_code == 404
    assert login(staff).get(QUEUE).status_code == 200


def test_a_card_shows_what_a_reviewer_needs(login, staff, flagged, run, conversation, alice):
    child = run(conversation=conversation, author=alice, prompt="now at night", parent=flagged.turn)
    services.flag_image(reporter=staff, image=child.images.get(role="final"), reason="hate")

    page = login(staff).get(QUEUE).content.decode()

    assert "a red fox in snow" in page and "now at night" in page
    assert "Earlier in the conversation" in page
    assert "too much" in page and "Violence" in page and "bob" in page and "alice" in page
    assert f"/moderation/media/images/{flagged.image_id}/?thumbnail=1" in page
    assert flagged.turn.revised_prompt[:40] in page


def test_filters_narrow_the_queue(login, staff, flagged, charlie, conversation, run, alice, sim):
    sim.inject("moderation")
    run(conversation=conversation, author=alice, prompt="something")
    team = TeamFactory(name="Birds")
    conversation.team = team
    conversation.save()
    reviewer = login(staff)

    def case_ids(**query) -> set[int]:
        cards = reviewer.get(QUEUE, query).context["cards"]
        return {card.case.pk for card in cards}

    blocked = Case.objects.get(kind="blocked").pk
    assert case_ids() == {flagged.pk, blocked}
    assert case_ids(reason="violence") == {flagged.pk}
    assert case_ids(reason="blocked") == {blocked}
    assert case_ids(user="BOB") == {flagged.pk}
    assert case_ids(user="alice") == {flagged.pk, blocked}
    assert case_ids(user="charlie") == set()
    assert case_ids(team=team.pk) == {flagged.pk, blocked}
    assert case_ids(team=TeamFactory().pk) == set()
    assert case_ids(status="decided") == set()
    reviewer.post("/moderation/decide/", {"case": blocked, "action": "keep"})
    assert case_ids() == {flagged.pk}
    assert case_ids(status="decided") == {blocked}
    assert case_ids(status="") == {flagged.pk, blocked}
    assert case_ids(page=2) == {flagged.pk}


def test_one_decision_from_a_card(login, staff, flagged, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = login(staff).post(
            "/moderation/decide/",
            {"case": flagged.pk, "action": "hide", "note": "graphic", "next": "/moderation/?a=1"},
        )
    assert answer.status_code == 302 and answer["Location"] == "/moderation/?a=1"
    flagged.refresh_from_db()
    assert flagged.resolution == "hide"
    assert Decision.objects.get().note == "graphic"


def test_bulk_decisions_and_an_author_action(
    login, staff, flagged, run, conversation, alice, charlie, django_capture_on_commit_callbacks
):
    other = run(conversation=conversation, author=alice, prompt="a second fox")
    services.flag_image(reporter=charlie, image=other.images.get(role="final"), reason="hate")
    cases = list(Case.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        login(staff).post(
            "/moderation/decide/",
            {"case": cases, "action": "remove", "author_action": "suspend", "next": "//evil.test/"},
        )

    assert set(Case.objects.values_list("resolution", flat=True)) == {"remove"}
    assert Image.objects.filter(moderation="removed", role="final").count() == 2
    assert AccountStanding.objects.get(user=alice).is_suspended
    actions = sorted(Decision.objects.values_list("action", flat=True))
    assert actions == ["remove", "remove", "suspend"]


def test_a_decision_without_cases_or_action_does_nothing(login, staff, flagged):
    reviewer = login(staff)
    assert reviewer.post("/moderation/decide/", {"action": "hide"}).status_code == 302
    assert (
        reviewer.post("/moderation/decide/", {"case": flagged.pk, "action": "x"}).status_code == 302
    )
    answer = reviewer.post("/moderation/decide/", {"case": "abc", "action": "hide"}, follow=True)
    assert "Select at least one case" in answer.content.decode()
    assert not Decision.objects.exists()


def test_staff_lift_a_suspension_from_the_queue(login, staff, flagged, alice):
    services.suspend_user(user=alice, reason="Violence")
    page = login(staff).get(QUEUE).content.decode()
    assert "suspended" in page and "Lift alice" in page

    login(staff).post(f"/moderation/users/{alice.pk}/lift-suspension/", {"note": "ok"})

    assert not AccountStanding.objects.get(user=alice).is_suspended
    assert Decision.objects.get().action == "lift_suspension"


def test_staff_media_serves_hidden_images_but_never_removed_ones(
    login, staff, flagged, django_capture_on_commit_callbacks
):
    url = f"/moderation/media/images/{flagged.image_id}/"
    reviewer = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_cases(actor=staff, cases=[flagged], action="hide")
    assert reviewer.get(url).status_code == 200
    assert reviewer.get(url + "?thumbnail=1")["Content-Type"] == "image/webp"
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_cases(actor=staff, cases=[flagged], action="remove")
    assert reviewer.get(url).status_code == 404


# --- Flags --------------------------------------------------------------------------------


def test_anyone_who_sees_an_image_can_flag_it(login, final_image, alice):
    created = flag(login(alice), final_image.pk, reason="other", note="my own, by mistake")
    assert created.status_code == 201
    body = created.json()
    assert body["merged"] is False
    assert body["flag"]["reason"] == "other" and body["flag"]["image_id"] == final_image.pk
    merged = flag(login(alice), final_image.pk, reason="hate")
    assert merged.status_code == 200 and merged.json()["merged"] is True


def test_outsiders_and_strangers_cannot_flag(client, login, final_image, charlie):
    assert flag(client, final_image.pk, reason="hate").status_code == 401
    assert flag(login(charlie), final_image.pk, reason="hate").status_code == 404
    assert flag(login(charlie), 999999, reason="hate").status_code == 404
    assert login(charlie).get(f"/api/images/{final_image.pk}/flag/").status_code == 405
    assert not Flag.objects.exists()


def test_a_flag_needs_a_reason(login, final_image, alice):
    answer = flag(login(alice), final_image.pk, reason="dull")
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "reason"
    bad_json = login(alice).post(
        f"/api/images/{final_image.pk}/flag/", "{", content_type="application/json"
    )
    assert bad_json.status_code == 400


@pytest.mark.parametrize("note", ["a\x00b", "a\ud800b", "x" * 1001, 7])
def test_a_broken_note_is_refused_plainly(login, final_image, alice, note):
    answer = flag(login(alice), final_image.pk, reason="other", note=note)
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "note"
    assert not Flag.objects.exists()


def test_team_members_flag_gallery_items(login, final_image, alice, bob, charlie, conversation):
    team = TeamFactory()
    MembershipFactory(team=team, user=alice, role=Membership.Role.OWNER)
    MembershipFactory(team=team, user=bob)
    item = GalleryItem.objects.create(
        gallery=Gallery.objects.create(team=team, name="Best"), image=final_image, added_by=alice
    )
    url = f"/api/gallery-items/{item.pk}/flag/"

    assert login(charlie).post(url, {"reason": "hate"}, "application/json").status_code == 404
    answer = login(bob).post(url, {"reason": "hate"}, "application/json")

    assert answer.status_code == 201 and answer.json()["flag"]["gallery_item_id"] == item.pk
    assert Flag.objects.get().gallery_item == item
    Image.objects.filter(pk=final_image.pk).update(moderation="hidden")
    assert login(bob).post(url, {"reason": "hate"}, "application/json").status_code == 404


# --- The notice ---------------------------------------------------------------------------


def test_warned_people_see_a_notice_until_they_dismiss_it(login, alice):
    services.warn_user(user=alice, reason="Harassment")
    person = login(alice)
    page = person.get("/").content.decode()
    assert 'id="account-notice"' in page and "Harassment" in page

    answer = person.post("/moderation/notice/dismiss/", {"next": "/"})

    assert answer.status_code == 302 and answer["Location"] == "/"
    assert 'id="account-notice"' not in person.get("/").content.decode()


def test_suspended_people_see_why_and_staff_see_the_review_link(login, alice, staff):
    services.suspend_user(user=alice, reason="Hate")
    page = login(alice).get("/").content.decode()
    assert "Your account is suspended" in page and "Dismiss" not in page
    assert 'href="/moderation/"' not in page
    assert 'href="/moderation/"' in login(staff).get("/").content.decode()
