"""Switching language: Django's set_language (cookie and redirect), plus the profile."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

from accounts.services import SUPPORTED, remember_language

# A day: the catalog changes only with a deploy, and its address names the language.
CATALOG_CACHE_SECONDS = 60 * 60 * 24


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in SUPPORTED:
        remember_language(user=request.user, language=language)
    return response


@cache_page(CATALOG_CACHE_SECONDS)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """The djangojs catalog of the language in the address, so caches never mix languages."""
    if language not in SUPPORTED:
        language = translation.get_language()
    with translation.override(language):
        return JavaScriptCatalog.as_view(domain="djangojs")(request)
