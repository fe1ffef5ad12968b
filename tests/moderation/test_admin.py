"""The Django admin: every moderation and conversation model listed, with working actions."""

from __future__ import annotations

import pytest

from conversations.models import Image
from moderation import services
from moderation.blocked_terms import find_blocked_term
from moderation.models import AccountStanding, BlockedTerm, Case, Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(final_image, bob, alice, staff, django_capture_on_commit_callbacks):
    """A flagged and hidden image, a warned and suspended author, a blocked term."""
    services.flag_image(reporter=bob, image=final_image, reason="hate", note="rude")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_cases(
            actor=staff, cases=list(Case.objects.all()), action="hide", author_action="suspend"
        )
    BlockedTerm.objects.create(term="weasel", added_by=staff)
    return Case.objects.get()


@pytest.mark.parametrize(
    "model",
    [
        "moderation/case",
        "moderation/flag",
        "moderation/decision",
        "moderation/accountstanding",
        "moderation/blockedterm",
        "conversations/conversation",
        "conversations/turn",
        "conversations/image",
    ],
)
def test_every_model_lists_searches_and_filters(admin_client, history, model):
    changelist = f"/admin/{model}/"
    page = admin_client.get(changelist)
    assert page.status_code == 200
    assert admin_client.get(changelist, {"q": "fox"}).status_code == 200
    first = page.context["cl"].result_list[0]
    assert admin_client.get(f"{changelist}{first.pk}/change/").status_code == 200


def test_lists_show_staff_thumbnails(admin_client, history, final_image):
    thumbnail = f"/moderation/media/images/{final_image.pk}/?thumbnail=1"
    for changelist in ("/admin/moderation/case/", "/admin/conversations/image/"):
        assert thumbnail in admin_client.get(changelist).content.decode()
    assert admin_client.get(thumbnail).status_code == 200


def test_case_actions_decide_through_the_audit_trail(
    admin_client, admin_user, history, final_image
):
    admin_client.post(
        "/admin/moderation/case/",
        {"action": "decide_keep", "_selected_action": [history.pk]},
    )
    final_image.refresh_from_db()
    assert final_image.moderation == Image.Moderation.VISIBLE
    assert Decision.objects.filter(action="keep", actor=admin_user).exists()


def test_lifting_a_suspension_in_the_admin_is_audited(admin_client, history, alice):
    standing = AccountStanding.objects.get(user=alice)
    admin_client.post(
        "/admin/moderation/accountstanding/",
        {"action": "lift_suspensions", "_selected_action": [standing.pk]},
    )
    standing.refresh_from_db()
    assert not standing.is_suspended
    assert Decision.objects.filter(action="lift_suspension", subject=alice).exists()


def test_staff_edit_blocked_terms_without_a_deploy(admin_client, admin_user, history):
    added = admin_client.post(
        "/admin/moderation/blockedterm/add/",
        {"term": "Stoat  Hunt", "match": "word", "active": "on", "note": "seasonal"},
    )
    assert added.status_code == 302
    term = BlockedTerm.objects.get(term="stoat hunt")
    assert term.added_by == admin_user
    assert find_blocked_term("a STOAT hunt") == "stoat hunt"
    duplicate = admin_client.post(
        "/admin/moderation/blockedterm/add/", {"term": "STOAT HUNT", "match": "word"}
    )
    assert duplicate.status_code == 200 and "already exists" in duplicate.content.decode()
    admin_client.post(
        "/admin/moderation/blockedterm/",
        {"action": "deactivate", "_selected_action": [term.pk]},
    )
    assert find_blocked_term("a stoat hunt") is None
