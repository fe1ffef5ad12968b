"""Gallery writes: names, adding and captioning items, the hand-sorted order, public links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.errors import InvalidInput
from conversations.models import Image
from galleries import services
from galleries.models import Gallery, GalleryItem
from tests.galleries.conftest import make_image

pytestmark = pytest.mark.django_db


def hand_order(gallery) -> list[int]:
    return list(gallery.items.order_by("position", "id").values_list("pk", flat=True))


def test_a_gallery_needs_a_name_of_at_most_100_characters(team, people):
    for name in ("", "   ", None, "x" * 101, 42):
        with pytest.raises(InvalidInput) as refused:
            services.create_gallery(team=team, name=name, created_by=people["owner"])
        assert refused.value.field == "name"
    gallery = services.create_gallery(team=team, name="  Ships  ", created_by=people["owner"])
    assert gallery.name == "Ships"
    assert services.rename_gallery(gallery=gallery, name="Boats").name == "Boats"


def test_deleting_a_gallery_keeps_its_images(gallery, item):
    services.delete_gallery(gallery=gallery)
    assert not Gallery.objects.exists() and not GalleryItem.objects.exists()
    assert Image.objects.filter(pk=item.image_id).exists()


def test_only_final_images_go_in_a_gallery(gallery, shared_conversation, people):
    for role in (Image.Role.PARTIAL, Image.Role.REFERENCE, Image.Role.MASK):
        image = make_image(shared_conversation, role=role)
        with pytest.raises(InvalidInput, match="Only finished images") as refused:
            services.add_item(gallery=gallery, image=image, added_by=people["editor"])
        assert refused.value.field == "image_id"
    assert not gallery.items.exists()


def test_an_image_goes_in_a_gallery_once(gallery, item, people):
    with pytest.raises(InvalidInput, match="already in this gallery"):
        services.add_item(gallery=gallery, image=item.image, added_by=people["owner"])
    assert gallery.items.count() == 1


def test_captions_are_trimmed_and_limited(gallery, item):
    assert services.caption_item(item=item, caption="  Fox  ").caption == "Fox"
    with pytest.raises(InvalidInput) as refused:
        services.caption_item(item=item, caption="x" * 501)
    assert refused.value.field == "caption"
    with pytest.raises(InvalidInput):
        services.caption_item(item=item, caption="nul \x00 byte")


def test_new_items_go_last_by_hand_and_first_by_date(gallery, shared_conversation, people):
    items = [
        services.add_item(gallery=gallery, image=make_image(shared_conversation), added_by=None)
        for _ in range(3)
    ]
    assert hand_order(gallery) == [i.pk for i in items]
    newest = gallery.items.order_by("-created_at", "-id").first()
    assert newest == items[-1]


@pytest.fixture
def five(gallery, shared_conversation):
    return [
        services.add_item(gallery=gallery, image=make_image(shared_conversation), added_by=None)
        for _ in range(5)
    ]


def test_moving_an_item_is_one_write_into_the_gap(five, gallery):
    a, b, c, d, e = five
    with CaptureQueriesContext(connection) as captured:
        services.move_item(item=e, before=b)
    statements = [q["sql"].split()[0] for q in captured.captured_queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["SELECT", "UPDATE"]
    assert hand_order(gallery) == [a.pk, e.pk, b.pk, c.pk, d.pk]
    services.move_item(item=a, after=d)
    assert hand_order(gallery) == [e.pk, b.pk, c.pk, d.pk, a.pk]
    services.move_item(item=c, before=e)
    services.move_item(item=b, after=a)
    assert hand_order(gallery) == [c.pk, e.pk, d.pk, a.pk, b.pk]


def test_moves_into_a_closed_gap_spread_the_positions_out_again(five, gallery):
    a, b, c, d, e = five
    # Each move halves the gap before b; after about twenty the gallery is renumbered.
    for _ in range(30):
        services.move_item(item=e, before=b)
        services.move_item(item=d, before=e)
        services.move_item(item=c, before=d)
    assert hand_order(gallery) == [a.pk, c.pk, d.pk, e.pk, b.pk]
    positions = list(gallery.items.order_by("position").values_list("position", flat=True))
    assert len(set(positions)) == 5


def test_equal_positions_are_renumbered_before_a_move(five, gallery):
    GalleryItem.objects.filter(gallery=gallery).update(position=0)
    a, b, c, d, e = (GalleryItem.objects.get(pk=i.pk) for i in five)
    services.move_item(item=a, after=c)
    assert hand_order(gallery) == [b.pk, c.pk, a.pk, d.pk, e.pk]


def test_a_move_needs_exactly_one_anchor(five):
    a, b, *_ = five
    with pytest.raises(InvalidInput):
        services.move_item(item=a)
    with pytest.raises(InvalidInput):
        services.move_item(item=a, before=b, after=b)
    assert services.move_item(item=a, before=a) == a


def test_a_public_link_may_expire_only_in_the_future(gallery, people):
    with pytest.raises(InvalidInput) as refused:
        services.create_public_link(
            gallery=gallery,
            created_by=people["owner"],
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    assert refused.value.field == "expires_at"
    link = services.create_public_link(
        gallery=gallery, created_by=people["owner"], expires_at=timezone.now() + timedelta(days=1)
    )
    assert link.is_open and len(link.token) >= 32


def test_revoking_closes_the_link_once(public_link):
    revoked = services.revoke_public_link(link=public_link)
    first = revoked.revoked_at
    assert not revoked.is_open
    assert services.revoke_public_link(link=revoked).revoked_at == first
