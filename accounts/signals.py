"""On login the profile's language wins over the browser's; a first choice made while
logged out (the language cookie) becomes the profile's."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from accounts.services import SUPPORTED, remember_language, remembered_language


@receiver(user_logged_in, dispatch_uid="accounts.sync_language_on_login")
def sync_language_on_login(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    language = remembered_language(user)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # LanguageCookieFromProfile writes it on the response, so the next pages follow it.
        request.language_to_remember = language
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in SUPPORTED:
        remember_language(user=user, language=chosen)
