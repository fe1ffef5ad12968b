"""What every JSON endpoint shares: login answered as 401, refused input as a 4xx with a message.

Errors look alike across apps (docs/api.md): {"error": {"message": ..., "field": ...}}.
"""

from __future__ import annotations

import json
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from common.errors import InvalidInput


def api_view(methods: list[str]):
    """JSON in and out: login required (401 as JSON), InvalidInput becomes a 4xx."""

    def decorate(view):
        @wraps(view)
        @require_http_methods(methods)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return error_response(gettext("Log in first."), status=401)
            try:
                return view(request, *args, **kwargs)
            except InvalidInput as exc:
                return error_response(exc.message, field=exc.field, status=exc.status)
            except Http404:
                return error_response(gettext("Not found."), status=404)

        return wrapper

    return decorate


def json_body(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    # RecursionError: an array or object nested thousands deep.
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput(gettext("The request body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise InvalidInput(gettext("The request body must be a JSON object."))
    return body


def error_response(message: str, *, field: str | None = None, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"message": message, "field": field}}, status=status)
