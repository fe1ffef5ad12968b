"""Keyset pages of gallery items: newest first by date, or in the hand-sorted order.

A cursor names the last item of a page by its sort key, so the next page is one indexed
range read however deep it is; an offset would make page 200 read the 199 pages before it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from common.errors import InvalidInput
from common.ids import is_id
from galleries.models import GalleryItem

DEFAULT_PAGE_SIZE = 48
MAX_PAGE_SIZE = 100
SORTS = ("date", "hand")


@dataclass(frozen=True)
class Page:
    items: list[GalleryItem]
    next_cursor: str | None


def parse_sort(value: str | None) -> str:
    if value in (None, ""):
        return "date"
    if value not in SORTS:
        raise InvalidInput(gettext("Sort by 'date' or 'hand'."), field="sort")
    return value


def parse_limit(value: str | None) -> int:
    if value in (None, ""):
        return DEFAULT_PAGE_SIZE
    # Only ASCII digits: "²" passes isdigit() but not int().
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE_SIZE:
        raise InvalidInput(
            gettext("limit must be a number from 1 to %(most)s.") % {"most": MAX_PAGE_SIZE},
            field="limit",
        )
    return int(value)


def order(items: QuerySet[GalleryItem], sort: str) -> QuerySet[GalleryItem]:
    if sort == "hand":
        return items.order_by("position", "id")
    return items.order_by("-created_at", "-id")


def paginate(items: QuerySet[GalleryItem], *, sort: str, cursor: str | None, limit: int) -> Page:
    """One page of ``items`` after ``cursor``, in one query."""
    items = order(items, sort)
    if cursor:
        items = items.filter(_after(sort, cursor))
    rows = list(items[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(sort, rows[-1]) if more else None)


def encode_cursor(sort: str, item: GalleryItem) -> str:
    key = item.created_at.isoformat() if sort == "date" else str(item.position)
    raw = f"{sort}|{key}|{item.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(sort: str, cursor: str) -> Q:
    # "key <= k and (key < k or id beyond)" rather than a bare OR: the first half is a range
    # the (gallery, key, id) index can seek to, so a deep page reads no more than a first one.
    kind, key, item_id = _decode(cursor, sort)
    if kind == "date":
        return Q(created_at__lte=key) & (Q(created_at__lt=key) | Q(id__lt=item_id))
    return Q(position__gte=key) & (Q(position__gt=key) | Q(id__gt=item_id))


def fits_in_utc(moment: datetime) -> bool:
    """False for a time that lies past year 9999 (or before year 1) once in UTC, like
    9999-12-31T23:59:59-14:00: the database could neither store nor compare it."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _decode(cursor: str, sort: str) -> tuple[str, datetime | int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, key, item_id = raw.split("|")
        if kind != sort:
            raise ValueError
        parsed = datetime.fromisoformat(key) if kind == "date" else int(key)
        if kind == "date" and (parsed.tzinfo is None or not fits_in_utc(parsed)):
            raise ValueError
        if kind == "hand" and not -(2**63) <= parsed < 2**63:
            raise ValueError
        if not is_id(item_id):
            raise ValueError
        return kind, parsed, int(item_id)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise InvalidInput(
            gettext("That cursor is not one this list gave out; start again without it."),
            field="cursor",
        ) from None
