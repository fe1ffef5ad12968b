"""Paging through items: keyset cursors in both orders, search, and refused paging input."""

from __future__ import annotations

import pytest

from galleries import services
from galleries.models import GalleryItem
from tests.galleries.conftest import items_of, make_image

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.mark.parametrize("sort", ["date", "hand"])
def test_keyset_pages_cover_every_item_once(editor, gallery, seven, sort):
    expected = [i.pk for i in seven]
    if sort == "date":
        expected.reverse()
    seen, cursor = [], ""
    while True:
        page = items_of(editor, gallery, sort=sort, limit=3, cursor=cursor)
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == expected


def test_pages_stay_right_when_items_share_a_time_or_a_position(editor, gallery, seven):
    GalleryItem.objects.filter(gallery=gallery).update(created_at=seven[0].created_at, position=0)
    for sort, expected in (("date", sorted(i.pk for i in seven)[::-1]), ("hand", None)):
        seen, cursor = [], ""
        while True:
            page = items_of(editor, gallery, sort=sort, limit=2, cursor=cursor)
            seen += [i["id"] for i in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert seen == (expected or sorted(i.pk for i in seven))


def test_moving_by_hand_through_the_api(editor, gallery, seven):
    first, second, *_ = seven
    last = seven[-1]
    moved = editor.post(
        f"/api/galleries/{gallery.pk}/items/{last.pk}/move/",
        {"before_id": first.pk},
        content_type=JSON,
    )
    assert moved.status_code == 200
    order = [i["id"] for i in items_of(editor, gallery, sort="hand")["items"]]
    assert order[:3] == [last.pk, first.pk, second.pk]
    editor.post(
        f"/api/galleries/{gallery.pk}/items/{last.pk}/move/",
        {"after_id": seven[-2].pk},
        content_type=JSON,
    )
    assert [i["id"] for i in items_of(editor, gallery, sort="hand")["items"]] == [
        i.pk for i in seven
    ]


def test_search_finds_prompts_revised_prompts_and_captions_in_any_case(
    editor, gallery, seven, shared_conversation
):
    def found(query):
        return {i["prompt"] for i in items_of(editor, gallery, q=query)["items"]}

    assert found("FOX") == {"a fox at dusk", "a Fox cub at dusk"}
    assert found("snow") == {"a hare at dusk"}
    assert found("nothing like this") == set()
    revised = make_image(shared_conversation, prompt="x", revised_prompt="A kingfisher diving")
    services.add_item(gallery=gallery, image=revised, added_by=None)
    assert found("kingfisher") == {"x"}
    # Search pages like the rest.
    page = items_of(editor, gallery, q="dusk", limit=4)
    assert len(page["items"]) == 4 and page["next_cursor"]
    rest = items_of(editor, gallery, q="dusk", limit=4, cursor=page["next_cursor"])
    assert len(rest["items"]) == 3 and rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "size"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "ZGF0ZXx4fDE"}, "cursor"),
    ],
)
def test_bad_paging_is_a_clear_400(editor, gallery, params, field):
    response = editor.get(f"/api/galleries/{gallery.pk}/items/", params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert editor.get(f"/galleries/{gallery.pk}/", params).status_code == 400


def test_a_cursor_of_one_order_is_refused_by_the_other(editor, gallery, seven):
    cursor = items_of(editor, gallery, sort="date", limit=2)["next_cursor"]
    response = editor.get(f"/api/galleries/{gallery.pk}/items/", {"sort": "hand", "cursor": cursor})
    assert response.status_code == 400
