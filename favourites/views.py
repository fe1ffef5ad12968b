"""The favourites page and its JSON endpoints (docs/api.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from common.api import api_view
from conversations.selectors import get_image_for_user
from favourites import services
from favourites.presenters import present_favourite
from favourites.selectors import list_favourites


@login_required
@ensure_csrf_cookie
def favourites_page(request: HttpRequest) -> HttpResponse:
    favourites = [present_favourite(f) for f in list_favourites(request.user)]
    return render(request, "favourites/list.html", {"favourites": favourites})


@api_view(["GET"])
def favourites_collection(request: HttpRequest) -> JsonResponse:
    favourites = [present_favourite(f) for f in list_favourites(request.user)]
    return JsonResponse({"favourites": favourites})


@api_view(["PUT", "DELETE"])
def favourite_image(request: HttpRequest, image_id: int) -> HttpResponse:
    image = get_image_for_user(request.user, image_id)
    if image is None:
        raise Http404
    if request.method == "DELETE":
        services.remove_favourite(user=request.user, image=image)
        return HttpResponse(status=204)
    favourite = services.add_favourite(user=request.user, image=image)
    return JsonResponse(present_favourite(favourite))
