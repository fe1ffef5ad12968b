"""Deleting a turn with its branch, or one image: who may, what goes, what open pages hear."""

from __future__ import annotations

import pytest

from conversations.models import Image, Turn
from conversations.services import share_conversation
from moderation.models import Case
from teams.models import Membership
from teams.services import create_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, alice, studio_settings):
    client.force_login(alice)
    return client


@pytest.fixture
def tree(run, conversation, alice):
    """root → child → grandchild, and a sibling branch root → other."""
    root = run(conversation=conversation, author=alice, prompt="a red door")
    child = run(conversation=conversation, author=alice, prompt="now blue", parent=root)
    grandchild = run(conversation=conversation, author=alice, prompt="with a knocker", parent=child)
    other = run(conversation=conversation, author=alice, prompt="now green", parent=root)
    return root, child, grandchild, other


def files_of(turns) -> list[str]:
    return [i.file.name for i in Image.objects.filter(turn__in=turns)]


def test_deleting_a_turn_removes_its_branch_and_files_only(
    api, tree, django_capture_on_commit_callbacks
):
    root, child, grandchild, other = tree
    doomed_files = files_of([child, grandchild])
    storage = Image.objects.first().file.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/turns/{child.pk}/")

    assert response.status_code == 204
    assert set(Turn.objects.values_list("pk", flat=True)) == {root.pk, other.pk}
    assert doomed_files and not any(storage.exists(name) for name in doomed_files)
    assert all(storage.exists(name) for name in files_of([root, other]))


def test_open_pages_hear_of_a_deletion_and_snapshots_list_what_remains(
    api, tree, django_capture_on_commit_callbacks, monkeypatch
):
    root, child, grandchild, other = tree
    published = []
    monkeypatch.setattr(
        "conversations.events._group_send",
        lambda group, message: published.append(message["event"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/api/turns/{child.pk}/")

    [event] = published
    assert event["type"] == "turn.deleted"
    assert event["deleted_turn_ids"] == [child.pk, grandchild.pk]
    snapshot = api.get(f"/api/conversations/{root.conversation_id}/").json()
    assert snapshot["sequence"] == event["sequence"]
    assert sorted(snapshot["turn_ids"]) == [root.pk, other.pk]


def test_a_running_turn_is_not_deleted(api, tree):
    _, child, grandchild, _ = tree
    Turn.objects.filter(pk=grandchild.pk).update(status=Turn.Status.STREAMING)

    response = api.delete(f"/api/turns/{child.pk}/")

    assert response.status_code == 400
    assert "still running" in response.json()["error"]["message"]
    assert Turn.objects.count() == 4


def test_a_turn_under_moderation_review_is_kept(api, tree):
    _, child, grandchild, _ = tree
    Case.objects.create(kind="blocked", turn=grandchild)

    response = api.delete(f"/api/turns/{child.pk}/")

    assert response.status_code == 400
    assert "moderation" in response.json()["error"]["message"]
    assert Turn.objects.count() == 4


def test_an_editor_deletes_own_turns_but_not_a_branch_with_others(
    client, run, conversation, alice, bob, tree
):
    other = tree[3]
    team = create_team(creator=alice, name="Night shift")
    Membership.objects.create(team=team, user=bob, role=Membership.Role.EDITOR)
    share_conversation(conversation=conversation, team_id=team.pk)
    own = run(conversation=conversation, author=bob, prompt="bob's idea", parent=other)
    client.force_login(bob)

    refused = client.delete(f"/api/turns/{other.pk}/")
    allowed = client.delete(f"/api/turns/{own.pk}/")

    assert refused.status_code == 403
    assert "owner" in refused.json()["error"]["message"]
    assert allowed.status_code == 204
    assert not Turn.objects.filter(pk=own.pk).exists()


def test_outsiders_and_viewers_cannot_delete(client, conversation, alice, bob, charlie, tree):
    root = tree[0]
    team = create_team(creator=alice, name="Night shift")
    Membership.objects.create(team=team, user=bob, role=Membership.Role.VIEWER)
    share_conversation(conversation=conversation, team_id=team.pk)

    client.force_login(charlie)
    assert client.delete(f"/api/turns/{root.pk}/").status_code == 404
    client.force_login(bob)
    assert client.delete(f"/api/turns/{root.pk}/").status_code == 403
    final = root.images.get(role=Image.Role.FINAL)
    assert client.delete(f"/api/images/{final.pk}/").status_code == 403
    assert Turn.objects.count() == 4


def test_deleting_one_of_two_images_keeps_the_turn_and_tells_open_pages(
    api, run, conversation, alice, django_capture_on_commit_callbacks, monkeypatch
):
    turn = run(conversation=conversation, author=alice, prompt="two images of a fox")
    first, second = turn.images.filter(role=Image.Role.FINAL).order_by("id")
    published = []
    monkeypatch.setattr(
        "conversations.events._group_send",
        lambda group, message: published.append(message["event"]),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/images/{first.pk}/")
    last = api.delete(f"/api/images/{second.pk}/")

    assert response.status_code == 204
    assert list(turn.images.filter(role=Image.Role.FINAL)) == [second]
    [event] = published
    assert event["type"] == "turn.images_changed"
    assert event["removed_image_ids"] == [first.pk]
    assert second.pk in [image["id"] for image in event["images"]]
    assert last.status_code == 400
    assert "only image" in last.json()["error"]["message"]
