"""Upstream's messages in the reader's language: the Django edge of upstream.messages.

upstream gives a stable code and parameters; the English sentence for the code is the
msgid, looked up here in the active language (docs/i18n.md). A parameter may itself be a
message (a mode's verb phrase) or a Listing of values, translated the same way.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language_from_request, gettext, pgettext_lazy

from upstream.errors import UpstreamError
from upstream.messages import MESSAGES, Listing, UserMessage, describe

_SEPARATORS = {
    ", ": pgettext_lazy("between the items of a list", ", "),
    "; ": pgettext_lazy("between the clauses of a sentence", "; "),
    " and ": pgettext_lazy("between two values", " and "),
}


def translate(message: UserMessage) -> str:
    template = MESSAGES.get(message.code)
    if template is None:
        # The provider's own words: nothing to translate.
        return message.english
    return gettext(template) % {name: _value(value) for name, value in message.params.items()}


def user_message(error: UpstreamError) -> str:
    """What to tell a person about ``error``, in the active language."""
    return translate(describe(error))


def _value(value: Any) -> Any:
    if isinstance(value, UserMessage):
        return translate(value)
    if isinstance(value, Listing):
        separator = _SEPARATORS.get(value.separator, value.separator)
        return str(separator).join(str(_value(item)) for item in value.items)
    return value


def language_of_scope(scope: dict[str, Any]) -> str:
    """A websocket's language, chosen as LocaleMiddleware chooses a page's: the language
    cookie, else the handshake's Accept-Language."""
    request = HttpRequest()
    request.COOKIES = dict(scope.get("cookies") or {})
    headers = dict(scope.get("headers") or ())
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    if accept:
        request.META["HTTP_ACCEPT_LANGUAGE"] = accept
    return get_language_from_request(request)
