"""Gallery pages, the JSON endpoints behind them (docs/api.md), and gallery-scoped media.

A gallery's images are served through the gallery, checking membership of its team: the
members may not be allowed to open the conversations the images came from. Outsiders get
404 for everything, members lacking the role 403 with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from common.api import api_view, json_body
from common.errors import InvalidInput
from common.rate_limits import check_creation_rate
from common.shortcuts import found_or_404
from conversations.media import serve_image
from conversations.models import Image
from conversations.selectors import get_image_for_user
from galleries import selectors, services
from galleries.models import Gallery, GalleryItem
from galleries.pagination import Page, fits_in_utc, parse_limit, parse_sort
from galleries.presenters import present_gallery, present_item, present_link
from teams.access import get_membership

CANNOT_EDIT = gettext_lazy(
    "You can look at this gallery but not change it; ask a team owner to make you an editor."
)
CANNOT_SHARE = gettext_lazy("Only the team's owners can share this gallery by public link.")


# --- Pages --------------------------------------------------------------------------------


@login_required
@ensure_csrf_cookie
def galleries_page(request: HttpRequest) -> HttpResponse:
    galleries = [present_gallery(g) for g in selectors.list_galleries(request.user)]
    teams = [m.team for m in selectors.editable_memberships(request.user)]
    return render(request, "galleries/list.html", {"galleries": galleries, "teams": teams})


@login_required
@ensure_csrf_cookie
def gallery_page(request: HttpRequest, gallery_id: int) -> HttpResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    try:
        page, filters = page_from_request(request, selectors.member_items(gallery, request.user))
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message)
    context = {
        "gallery": present_gallery(gallery),
        "items": [present_item(item) for item in page.items],
        "next_cursor": page.next_cursor,
        "filters": filters,
    }
    return render(request, "galleries/gallery.html", context)


@require_GET
def item_image(request: HttpRequest, gallery_id: int, item_id: int) -> FileResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    item = selectors.get_item(selectors.visible_items_of(gallery, request.user), item_id)
    if item is None:
        raise Http404
    return serve_image(request, item.image)


# --- Galleries ----------------------------------------------------------------------------


@api_view(["GET", "POST"])
def galleries_collection(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        editable = request.GET.get("editable") == "1"
        galleries = selectors.list_galleries(request.user, editable=editable)
        return JsonResponse({"galleries": [present_gallery(g) for g in galleries]})
    body = json_body(request)
    team = _team_to_edit(request, body.get("team_id"))
    gallery = services.create_gallery(team=team, name=body.get("name"), created_by=request.user)
    gallery = selectors.get_gallery_for_user(request.user, gallery.pk)
    return JsonResponse(present_gallery(gallery), status=201)


@api_view(["GET", "PATCH", "DELETE"])
def gallery_detail(request: HttpRequest, gallery_id: int) -> HttpResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    if request.method == "GET":
        return JsonResponse(present_gallery(gallery))
    _check(selectors.can_edit(gallery), CANNOT_EDIT)
    if request.method == "DELETE":
        services.delete_gallery(gallery=gallery)
        return HttpResponse(status=204)
    body = json_body(request)
    if "name" in body:
        services.rename_gallery(gallery=gallery, name=body["name"])
    return JsonResponse(present_gallery(gallery))


# --- Items --------------------------------------------------------------------------------


@api_view(["GET", "POST"])
def items_collection(request: HttpRequest, gallery_id: int) -> JsonResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    if request.method == "GET":
        page, _ = page_from_request(request, selectors.member_items(gallery, request.user))
        items = [present_item(item) for item in page.items]
        return JsonResponse({"items": items, "next_cursor": page.next_cursor})
    _check(selectors.can_edit(gallery), CANNOT_EDIT)
    body = json_body(request)
    image = _image_to_add(request, body.get("image_id"))
    item = services.add_item(
        gallery=gallery, image=image, caption=body.get("caption"), added_by=request.user
    )
    return JsonResponse(
        present_item(
            found_or_404(selectors.get_item(selectors.member_items(gallery, request.user), item.pk))
        ),
        status=201,
    )


@api_view(["GET", "PATCH", "DELETE"])
def item_detail(request: HttpRequest, gallery_id: int, item_id: int) -> HttpResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    item = found_or_404(selectors.get_item(selectors.member_items(gallery, request.user), item_id))
    if request.method == "GET":
        return JsonResponse(present_item(item))
    _check(selectors.can_edit(gallery), CANNOT_EDIT)
    if request.method == "DELETE":
        services.remove_item(item=item)
        return HttpResponse(status=204)
    body = json_body(request)
    if "caption" in body:
        services.caption_item(item=item, caption=body["caption"])
    return JsonResponse(present_item(item))


@api_view(["POST"])
def move_item(request: HttpRequest, gallery_id: int, item_id: int) -> JsonResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    item = found_or_404(selectors.get_item(selectors.member_items(gallery, request.user), item_id))
    _check(selectors.can_edit(gallery), CANNOT_EDIT)
    body = json_body(request)
    before = _anchor(request, gallery, body, "before_id")
    after = _anchor(request, gallery, body, "after_id")
    services.move_item(item=item, before=before, after=after)
    return JsonResponse(present_item(item))


# --- Public links -------------------------------------------------------------------------


@api_view(["GET", "POST"])
def links_collection(request: HttpRequest, gallery_id: int) -> JsonResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    _check(selectors.can_share(gallery), CANNOT_SHARE)
    if request.method == "GET":
        return JsonResponse({"links": [present_link(x) for x in selectors.list_links(gallery)]})
    expires_at = _expiry(json_body(request).get("expires_at"))
    check_creation_rate(request.user, "link")
    link = services.create_public_link(
        gallery=gallery, created_by=request.user, expires_at=expires_at
    )
    return JsonResponse(present_link(link), status=201)


@api_view(["POST"])
def revoke_link(request: HttpRequest, gallery_id: int, link_id: int) -> JsonResponse:
    gallery = found_or_404(selectors.get_gallery_for_user(request.user, gallery_id))
    _check(selectors.can_share(gallery), CANNOT_SHARE)
    link = selectors.get_link(gallery, link_id)
    if link is None:
        raise Http404
    return JsonResponse(present_link(services.revoke_public_link(link=link)))


# --- Parsing and access -------------------------------------------------------------------


def _check(allowed: bool, message: str) -> None:
    if not allowed:
        raise InvalidInput(str(message), status=403)


def page_from_request(request: HttpRequest, items: QuerySet[GalleryItem]) -> tuple[Page, dict]:
    """The page the query string asks for, and the filters it used (for the page's links)."""
    filters = {
        "sort": parse_sort(request.GET.get("sort")),
        "q": request.GET.get("q", "")[: selectors.SEARCH_MAX],
    }
    page = selectors.items_page(
        items,
        sort=filters["sort"],
        query=filters["q"],
        cursor=request.GET.get("cursor") or None,
        limit=parse_limit(request.GET.get("limit")),
    )
    return page, filters


def _team_to_edit(request: HttpRequest, team_id):
    membership = get_membership(request.user, team_id)
    if membership is None:
        raise InvalidInput(gettext("That team does not exist."), field="team_id", status=404)
    if not membership.can_edit:
        raise InvalidInput(
            gettext(
                "You can look at this team's galleries but not make them; ask a team owner to "
                "make you an editor."
            ),
            field="team_id",
            status=403,
        )
    return membership.team


def _image_to_add(request: HttpRequest, image_id) -> Image:
    """An image the user may see: in a conversation they can open, and not hidden from them."""
    image = get_image_for_user(request.user, image_id)
    if image is None or not Image.objects.visible_to(request.user).filter(pk=image.pk).exists():
        raise InvalidInput(gettext("That image does not exist."), field="image_id", status=404)
    return image


def _anchor(request: HttpRequest, gallery: Gallery, body: dict, field: str):
    if body.get(field) is None:
        return None
    anchor = selectors.get_item(selectors.visible_items_of(gallery, request.user), body[field])
    if anchor is None:
        raise InvalidInput(gettext("That item is not in this gallery."), field=field, status=404)
    return anchor


def _expiry(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        expires_at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        expires_at = None
    if expires_at is not None and expires_at.tzinfo and not fits_in_utc(expires_at):
        raise InvalidInput(
            gettext("The expiry date must be before the year 9999."), field="expires_at"
        )
    if expires_at is None:
        raise InvalidInput(
            gettext("expires_at must be a date and time like 2026-12-31T18:00:00Z."),
            field="expires_at",
        )
    # A time without a zone is taken as UTC, the zone the API answers in.
    return expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
