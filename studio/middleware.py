"""Requests refused before any view sees them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy


class RefuseNulCharacters:
    """A NUL character in the path or the query string is never meant; PostgreSQL cannot
    store or compare one, so a search or token carrying it would otherwise fail deep in a
    query. Answer 400 up front, for every view."""

    MESSAGE = gettext_lazy("The address contains a NUL character; remove it and try again.")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            # Before LocaleMiddleware, so the language is chosen here the same way.
            with translation.override(translation.get_language_from_request(request)):
                message = str(self.MESSAGE)
            return JsonResponse({"error": {"message": message, "field": None}}, status=400)
        return self.get_response(request)
