"""Reads with access built in: members see their teams' galleries, everyone else gets None.

Every item read goes through ``visible_items``, so an image moderation hid is gone from
galleries (staff aside) and from public links (for everyone) without a second check.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from common.ids import is_id, is_token
from conversations.models import Image
from conversations.selectors import visible_conversations
from galleries.models import Gallery, GalleryItem, PublicLink
from galleries.pagination import Page, paginate
from teams.access import memberships_of, team_ids_of
from teams.models import Membership

SEARCH_MAX = 200


# --- Galleries ----------------------------------------------------------------------------


def visible_galleries(user) -> QuerySet[Gallery]:
    """Galleries of the user's teams, each carrying the user's role there as ``viewer_role``."""
    role = memberships_of(user).filter(team_id=OuterRef("team_id")).values("role")[:1]
    return (
        Gallery.objects.filter(team__in=team_ids_of(user))
        .annotate(viewer_role=Subquery(role))
        .select_related("team", "created_by")
    )


def list_galleries(user, *, editable: bool = False) -> QuerySet[Gallery]:
    """The user's galleries, by team then name, with the newest visible item as a cover."""
    newest = visible_items_of(OuterRef("pk"), user).order_by("-created_at", "-id").values("pk")
    galleries = visible_galleries(user).annotate(cover_item_id=Subquery(newest[:1]))
    if editable:
        galleries = galleries.filter(viewer_role__in=Membership.EDITING_ROLES)
    return galleries.order_by("team__name", "team_id", "name", "id")


def get_gallery_for_user(user, gallery_id: Any) -> Gallery | None:
    if not is_id(gallery_id):
        return None
    return visible_galleries(user).filter(pk=gallery_id).first()


def can_edit(gallery: Gallery) -> bool:
    """Editors and owners change galleries and their items; viewers only look."""
    return gallery.viewer_role in Membership.EDITING_ROLES


def can_share(gallery: Gallery) -> bool:
    """Only the team's owners open a gallery to the public."""
    return gallery.viewer_role == Membership.Role.OWNER


def gallery_permissions(gallery: Gallery) -> dict[str, bool]:
    """What the page may offer; the views check the same rules again."""
    return {"edit": can_edit(gallery), "share": can_share(gallery)}


def editable_memberships(user) -> QuerySet[Membership]:
    """The teams where the user may make galleries."""
    return (
        memberships_of(user)
        .filter(role__in=Membership.EDITING_ROLES)
        .select_related("team")
        .order_by("team__name", "team_id")
    )


# --- Items --------------------------------------------------------------------------------


def visible_items_of(gallery: Gallery | OuterRef, viewer) -> QuerySet[GalleryItem]:
    """The gallery's items whose image ``viewer`` may see, with what presenting them needs."""
    return _with_visible_image(GalleryItem.objects.filter(gallery=gallery), viewer)


def get_item_for_user(user, item_id: Any) -> GalleryItem | None:
    """An item in a gallery of one of the user's teams, whose image the user may see."""
    if not is_id(item_id):
        return None
    items = GalleryItem.objects.filter(pk=item_id, gallery__team__in=team_ids_of(user))
    return _with_visible_image(items, user).select_related("gallery").first()


def _with_visible_image(items: QuerySet[GalleryItem], viewer) -> QuerySet[GalleryItem]:
    image_visible = Image.objects.visible_to(viewer).filter(pk=OuterRef("image_id"))
    return items.filter(Exists(image_visible)).select_related("image__turn", "added_by")


def member_items(gallery: Gallery, user) -> QuerySet[GalleryItem]:
    """Items as a member sees them: ``can_see_turn`` says whether to link back to the turn.

    A gallery may hold images from conversations its team cannot open; those show the
    image and its prompt, but no way into the conversation.
    """
    conversation = visible_conversations(user).filter(pk=OuterRef("image__turn__conversation_id"))
    return visible_items_of(gallery, user).annotate(can_see_turn=Exists(conversation))


def public_items(gallery: Gallery) -> QuerySet[GalleryItem]:
    # As nobody in particular: a staff member opening the public page sees what anyone sees.
    return visible_items_of(gallery, AnonymousUser())


def search_items(items: QuerySet[GalleryItem], query: str) -> QuerySet[GalleryItem]:
    """Items whose prompt, revised prompt or caption contains ``query``, in any case."""
    query = query.strip()[:SEARCH_MAX]
    if not query:
        return items
    return items.filter(
        Q(caption__icontains=query)
        | Q(image__turn__prompt__icontains=query)
        | Q(image__turn__revised_prompt__icontains=query)
    )


def items_page(
    items: QuerySet[GalleryItem], *, sort: str, query: str, cursor: str | None, limit: int
) -> Page:
    return paginate(search_items(items, query), sort=sort, cursor=cursor, limit=limit)


def get_item(items: QuerySet[GalleryItem], item_id: Any) -> GalleryItem | None:
    if not is_id(item_id):
        return None
    return items.filter(pk=item_id).first()


# --- Public links -------------------------------------------------------------------------


def get_open_link(token: Any) -> PublicLink | None:
    """The link behind ``token`` while it is neither revoked nor expired."""
    if not is_token(token):
        return None
    return (
        PublicLink.objects.filter(token=token, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .select_related("gallery")
        .first()
    )


def list_links(gallery: Gallery) -> QuerySet[PublicLink]:
    return gallery.public_links.select_related("created_by").order_by("-created_at", "-id")


def get_link(gallery: Gallery, link_id: Any) -> PublicLink | None:
    if not is_id(link_id):
        return None
    return list_links(gallery).filter(pk=link_id).first()
