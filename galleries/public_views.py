"""A gallery behind a public link: read-only, no account needed, only that gallery's items.

Everything here answers 404 once the link is revoked or expired (the page says so in plain
words), and serves an image only
if its item belongs to the link's gallery and nobody has hidden it.
"""

from __future__ import annotations

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.api import error_response
from common.errors import InvalidInput
from common.shortcuts import found_or_404
from conversations.media import serve_image
from galleries import selectors
from galleries.presenters import present_public_item
from galleries.views import page_from_request

# A revoked link should stop working soon even in a browser that already loaded it.
PUBLIC_CACHE = "private, max-age=300"


@require_GET
@never_cache
def public_gallery_page(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.get_open_link(token)
    if link is None:
        # Unknown, revoked and expired links look the same: which tokens ever existed is
        # nobody's business.
        return _not_indexed(render(request, "galleries/link_closed.html", status=404))
    try:
        page, filters = page_from_request(request, selectors.public_items(link.gallery))
    except InvalidInput as exc:
        return HttpResponseBadRequest(exc.message)
    context = {
        "gallery": {"name": link.gallery.name},
        "items": [present_public_item(item, token) for item in page.items],
        "next_cursor": page.next_cursor,
        "filters": filters,
        "token": token,
    }
    return _not_indexed(render(request, "galleries/public.html", context))


@require_GET
@never_cache
def public_items(request: HttpRequest, token: str) -> JsonResponse:
    link = selectors.get_open_link(token)
    if link is None:
        return error_response(gettext("Not found."), status=404)
    try:
        page, _ = page_from_request(request, selectors.public_items(link.gallery))
    except InvalidInput as exc:
        return error_response(exc.message, field=exc.field, status=exc.status)
    items = [present_public_item(item, token) for item in page.items]
    return _not_indexed(JsonResponse({"items": items, "next_cursor": page.next_cursor}))


@require_GET
def public_item_image(request: HttpRequest, token: str, item_id: int) -> FileResponse:
    link = found_or_404(selectors.get_open_link(token))
    item = selectors.get_item(selectors.public_items(link.gallery), item_id)
    if item is None:
        raise Http404
    return _not_indexed(serve_image(request, item.image, cache_control=PUBLIC_CACHE))


def _not_indexed(response: HttpResponse) -> HttpResponse:
    # A link is shared with some people, not published to search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
