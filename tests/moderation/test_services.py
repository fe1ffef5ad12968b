"""Flags, decisions and standing: what each does to cases, images, people and the audit trail."""

from __future__ import annotations

import os

import pytest

from common.errors import InvalidInput
from conversations.models import Image, Turn
from conversations.planning import TurnRequest, Upload
from conversations.services import retry_turn, start_turn
from moderation import services
from moderation.models import AccountStanding, Case, Decision, Flag
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def decide(actor, cases, action, capture, **kwargs):
    with capture(execute=True):
        return services.decide_cases(actor=actor, cases=cases, action=action, **kwargs)


def test_one_case_per_image_and_a_repeated_flag_is_merged(final_image, bob, charlie):
    first = services.flag_image(reporter=bob, image=final_image, reason="violence", note="gory")
    again = services.flag_image(reporter=bob, image=final_image, reason="hate")
    other = services.flag_image(reporter=charlie, image=final_image, reason="violence")

    assert not first.merged and again.merged and not other.merged
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.kind == Case.Kind.FLAG and case.is_open and case.turn == final_image.turn
    bobs = Flag.objects.get(reporter=bob)
    assert (bobs.reason, bobs.note) == ("hate", "gory")
    assert case.flags.count() == 2


def test_a_new_reporter_reopens_a_decided_case(
    final_image, bob, charlie, staff, django_capture_on_commit_callbacks
):
    services.flag_image(reporter=bob, image=final_image, reason="other")
    case = Case.objects.get()
    decide(staff, [case], "keep", django_capture_on_commit_callbacks)

    services.flag_image(reporter=bob, image=final_image, reason="other", note="still bad")
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED

    services.flag_image(reporter=charlie, image=final_image, reason="hate")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.resolution == "keep"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "boring"}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": "other", "note": "x" * 1001}, "note"),
        ({"reason": "other", "note": 5}, "note"),
    ],
)
def test_flags_need_a_listed_reason_and_a_short_note(final_image, bob, fields, field):
    with pytest.raises(InvalidInput) as refused:
        services.flag_image(reporter=bob, image=final_image, **fields)
    assert refused.value.field == field
    assert not Case.objects.exists()


def test_hide_hides_the_image_and_its_previews_and_is_audited(
    final_image, bob, staff, django_capture_on_commit_callbacks
):
    services.flag_image(reporter=bob, image=final_image, reason="sexual")
    case = Case.objects.get()

    decide(staff, [case], "hide", django_capture_on_commit_callbacks, note="explicit")

    turn_images = final_image.turn.images.all()
    hidden = {i.role for i in turn_images if i.moderation == Image.Moderation.HIDDEN}
    assert hidden == {"final", "partial"}
    assert final_image.file.storage.exists(final_image.file.name)
    case.refresh_from_db()
    assert (case.status, case.resolution, case.decided_by) == ("decided", "hide", staff)
    record = Decision.objects.get()
    assert (record.actor, record.subject, record.action, record.note) == (
        staff,
        final_image.turn.author,
        "hide",
        "explicit",
    )
    assert final_image.pk in record.image_ids and record.turn_id == final_image.turn_id
    assert record.created_at


def test_keep_shows_a_hidden_image_again(
    final_image, bob, staff, django_capture_on_commit_callbacks
):
    services.flag_image(reporter=bob, image=final_image, reason="other")
    case = Case.objects.get()
    decide(staff, [case], "hide", django_capture_on_commit_callbacks)
    decide(staff, [case], "keep", django_capture_on_commit_callbacks, note="on second look")

    final_image.refresh_from_db()
    assert final_image.moderation == Image.Moderation.VISIBLE
    assert list(Decision.objects.values_list("action", flat=True)) == ["keep", "hide"]


def test_remove_deletes_the_files_for_good(
    final_image, bob, staff, django_capture_on_commit_callbacks
):
    paths = [final_image.file.path, final_image.thumbnail.path]
    partial = final_image.turn.images.get(role=Image.Role.PARTIAL)
    paths.append(partial.file.path)
    services.flag_image(reporter=bob, image=final_image, reason="illegal")
    case = Case.objects.get()

    decide(staff, [case], "remove", django_capture_on_commit_callbacks)

    assert not any(os.path.exists(path) for path in paths)
    final_image.refresh_from_db()
    assert final_image.moderation == Image.Moderation.REMOVED
    assert not final_image.file and not final_image.thumbnail
    # Keeping a removed image cannot bring its files back.
    decide(staff, [case], "keep", django_capture_on_commit_callbacks)
    final_image.refresh_from_db()
    assert final_image.moderation == Image.Moderation.REMOVED


def test_warnings_and_suspensions_count_once_per_author(
    run, conversation, alice, bob, staff, django_capture_on_commit_callbacks
):
    turns = [run(conversation=conversation, author=alice, prompt=f"fox {n}") for n in (1, 2)]
    for turn in turns:
        services.flag_image(reporter=bob, image=turn.images.get(role="final"), reason="hate")
    cases = list(Case.objects.all())

    decisions = decide(
        staff, cases, "hide", django_capture_on_commit_callbacks, author_action="warn"
    )

    assert sorted(d.action for d in decisions) == ["hide", "hide", "warn"]
    standing = AccountStanding.objects.get(user=alice)
    assert standing.warned_count == 1 and standing.shows_warning
    assert standing.warning_reason == "Hate"
    decide(staff, cases[:1], "hide", django_capture_on_commit_callbacks, author_action="suspend")
    standing.refresh_from_db()
    assert standing.is_suspended and standing.suspension_reason == "Hate"


def test_a_bad_decision_changes_nothing(final_image, bob, staff):
    services.flag_image(reporter=bob, image=final_image, reason="hate")
    case = Case.objects.get()
    with pytest.raises(InvalidInput):
        services.decide_cases(actor=staff, cases=[case], action="delete")
    with pytest.raises(InvalidInput):
        services.decide_cases(actor=staff, cases=[case], action="hide", author_action="ban")
    assert not Decision.objects.exists()


def test_a_suspended_person_cannot_start_or_retry_turns_until_lifted(
    finished_turn, conversation, alice, staff
):
    services.suspend_user(user=alice, reason="Hate")
    for attempt in (
        lambda: start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a fox")),
        lambda: retry_turn(turn=finished_turn, author=alice),
    ):
        with pytest.raises(InvalidInput) as refused:
            attempt()
        assert refused.value.status == 403 and "suspended" in refused.value.message
    assert Turn.objects.count() == 1

    lifted = services.lift_suspension(actor=staff, user=alice, note="appeal accepted")

    assert lifted.action == "lift_suspension" and lifted.subject == alice
    assert services.lift_suspension(actor=staff, user=alice) is None
    start_turn(TurnRequest(conversation=conversation, author=alice, prompt="a fox"))


def test_dismissing_a_warning_hides_it_until_the_next_one(alice):
    services.warn_user(user=alice, reason="Other")
    services.dismiss_warning(user=alice)
    standing = AccountStanding.objects.get(user=alice)
    assert not standing.shows_warning
    services.warn_user(user=alice, reason="Other")
    standing.refresh_from_db()
    assert standing.shows_warning and standing.warned_count == 2


def test_a_blocked_turn_case_covers_the_images_it_sent(
    run, conversation, alice, staff, sim, django_capture_on_commit_callbacks
):
    sim.inject("moderation")
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="something",
        references=[Upload("a.png", png_bytes((64, 64)))],
    )
    case = Case.objects.get(kind=Case.Kind.BLOCKED)

    decide(staff, [case], "hide", django_capture_on_commit_callbacks)

    reference = turn.images.get(role=Image.Role.REFERENCE)
    assert reference.moderation == Image.Moderation.HIDDEN
    with pytest.raises(InvalidInput):
        retry_turn(turn=turn, author=alice)


def test_no_turn_continues_from_an_image_moderation_took_down(
    final_image, conversation, alice, bob, staff, django_capture_on_commit_callbacks
):
    services.flag_image(reporter=bob, image=final_image, reason="violence")
    decide(staff, list(Case.objects.all()), "hide", django_capture_on_commit_callbacks)

    with pytest.raises(InvalidInput) as refused:
        start_turn(
            TurnRequest(
                conversation=conversation, author=alice, prompt="more", parent=final_image.turn
            )
        )
    assert refused.value.field == "parent_id"


def test_the_audit_trail_outlives_the_conversation(
    final_image, conversation, bob, staff, django_capture_on_commit_callbacks
):
    from conversations.services import delete_conversation

    services.flag_image(reporter=bob, image=final_image, reason="hate")
    decide(staff, list(Case.objects.all()), "hide", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        delete_conversation(conversation=conversation)

    record = Decision.objects.get()
    assert record.case is None and record.action == "hide" and record.actor == staff
    assert final_image.pk in record.image_ids
