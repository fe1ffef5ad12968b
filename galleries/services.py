"""Every write to galleries: the galleries themselves, their items and public links."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from common.errors import InvalidInput
from common.text import clean_text
from conversations.models import Image
from galleries.models import Gallery, GalleryItem, PublicLink
from teams.models import Team

NAME_MAX = 100
CAPTION_MAX = 500
# Hand-sorted positions leave this much room between neighbours, so moving an item between
# two others is one write; about twenty moves into the same gap fit before a renumbering.
POSITION_GAP = 1 << 20
ALREADY_THERE = gettext_lazy("That image is already in this gallery.")


# --- Galleries ----------------------------------------------------------------------------


def create_gallery(*, team: Team, name: str, created_by) -> Gallery:
    return Gallery.objects.create(team=team, name=_name(name), created_by=created_by)


def rename_gallery(*, gallery: Gallery, name: str) -> Gallery:
    gallery.name = _name(name)
    gallery.save(update_fields=["name", "updated_at"])
    return gallery


def delete_gallery(*, gallery: Gallery) -> None:
    """The gallery, its items and its public links go; the images stay in their turns."""
    gallery.delete()


def _name(value) -> str:
    name = clean_text(value, field="name", max_length=NAME_MAX)
    if not name:
        raise InvalidInput(gettext("Give the gallery a name."), field="name")
    return name


# --- Items --------------------------------------------------------------------------------


def add_item(*, gallery: Gallery, image: Image, caption: str = "", added_by) -> GalleryItem:
    """Add a final image at the end of the hand-sorted order (and first by date)."""
    if image.role != Image.Role.FINAL:
        raise InvalidInput(
            gettext("Only finished images can go in a gallery, not previews, references or masks."),
            field="image_id",
        )
    caption = clean_text(caption, field="caption", max_length=CAPTION_MAX)
    if gallery.items.filter(image=image).exists():
        raise InvalidInput(str(ALREADY_THERE), field="image_id")
    try:
        with transaction.atomic():
            item = GalleryItem.objects.create(
                gallery=gallery,
                image=image,
                caption=caption,
                added_by=added_by,
                position=_last_position(gallery) + POSITION_GAP,
            )
            _touch(gallery)
    except IntegrityError:
        # Someone added the same image between the check and the insert.
        raise InvalidInput(str(ALREADY_THERE), field="image_id") from None
    return item


def caption_item(*, item: GalleryItem, caption: str) -> GalleryItem:
    item.caption = clean_text(caption, field="caption", max_length=CAPTION_MAX)
    item.save(update_fields=["caption"])
    return item


def remove_item(*, item: GalleryItem) -> None:
    """Take the item out of its gallery; the image itself stays in its turn."""
    with transaction.atomic():
        item.delete()
        _touch(item.gallery)


@transaction.atomic
def move_item(
    *, item: GalleryItem, before: GalleryItem | None = None, after: GalleryItem | None = None
) -> GalleryItem:
    """Put ``item`` just before or just after another item in the hand-sorted order."""
    if (before is None) == (after is None):
        raise InvalidInput(
            gettext("Say where to move the item: before_id or after_id."), field="before_id"
        )
    anchor = before or after
    if anchor.pk == item.pk:
        return item
    low, high = _gap_around(item, anchor, before=before is not None)
    if high - low < 2:
        _renumber(item.gallery_id)
        anchor.refresh_from_db(fields=["position"])
        low, high = _gap_around(item, anchor, before=before is not None)
    item.position = (low + high) // 2
    item.save(update_fields=["position"])
    return item


def _gap_around(item: GalleryItem, anchor: GalleryItem, *, before: bool) -> tuple[int, int]:
    """The positions between which ``item`` lands, next to ``anchor`` on the given side."""
    others = GalleryItem.objects.filter(gallery_id=anchor.gallery_id).exclude(pk=item.pk)
    key = anchor.position
    if before:
        earlier = Q(position__lt=key) | Q(position=key, id__lt=anchor.pk)
        neighbour = others.filter(earlier).order_by("-position", "-id").first()
        return (neighbour.position if neighbour else key - 2 * POSITION_GAP), key
    later = Q(position__gt=key) | Q(position=key, id__gt=anchor.pk)
    neighbour = others.filter(later).order_by("position", "id").first()
    return key, (neighbour.position if neighbour else key + 2 * POSITION_GAP)


def _renumber(gallery_id: int) -> None:
    """Spread the gallery's positions out again, keeping their order."""
    items = list(GalleryItem.objects.filter(gallery_id=gallery_id).order_by("position", "id"))
    for index, each in enumerate(items, start=1):
        each.position = index * POSITION_GAP
    GalleryItem.objects.bulk_update(items, ["position"], batch_size=500)


def _last_position(gallery: Gallery) -> int:
    return gallery.items.aggregate(last=Max("position"))["last"] or 0


def _touch(gallery: Gallery) -> None:
    Gallery.objects.filter(pk=gallery.pk).update(updated_at=timezone.now())


# --- Public links -------------------------------------------------------------------------


def create_public_link(
    *, gallery: Gallery, created_by, expires_at: datetime | None = None
) -> PublicLink:
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(gettext("The expiry must be in the future."), field="expires_at")
    return PublicLink.objects.create(gallery=gallery, created_by=created_by, expires_at=expires_at)


def revoke_public_link(*, link: PublicLink) -> PublicLink:
    """Close the link for good; revoking it again changes nothing."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
