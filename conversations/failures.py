"""Why a turn ended without its pictures: kept as a code and values, read in each reader's language.

A failure is read later, and by several people (a team's viewers), each in their own
language, so the turn stores the message's code and values (``Turn.error_detail``) beside
its English text (``Turn.error_message``, for the admin and old clients), and the text is
made in the reader's language when the turn is shown (docs/i18n.md). Codes are Studio's
own (below) or upstream.messages'; a message without a code (the provider's own words,
a provider's settings) is shown as it was stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop

from common.translate import translate
from upstream.errors import UpstreamError
from upstream.messages import MESSAGES, PROVIDER_MESSAGE, UserMessage, describe

FAILURES: dict[str, str] = {
    "cancelled": gettext_noop("Cancelled."),
    "internal_error": gettext_noop("Something went wrong on our side; try again."),
    "attempts_exhausted": gettext_noop(
        "This turn was started %(attempts)s times without finishing; giving up."
    ),
    "stuck": gettext_noop(
        "This turn stopped making progress and was given up after %(attempts)s attempts; try again."
    ),
    "no_image": gettext_noop("The image provider finished without an image."),
    "bad_image_data": gettext_noop("The image provider sent an image that could not be decoded."),
    "blocked": gettext_noop(
        "The image provider's safety system blocked this request. Rephrase the prompt or use "
        "other images."
    ),
    "blocked_saying": gettext_noop(
        "The image provider's safety system blocked this request. Rephrase the prompt or use "
        "other images. (Provider: %(message)s)"
    ),
}


def failure(code: str, **params: Any) -> UserMessage:
    """One of Studio's own failure messages."""
    return UserMessage(code, params)


def from_error(error: UpstreamError) -> UserMessage:
    # Raised by turn_output, not by the provider: our own sentence, not its words.
    if error.code == "bad_image_data" and error.status is None:
        return failure("bad_image_data")
    return describe(error)


def provider_words(text: str) -> UserMessage:
    """What the provider said, shown as it came."""
    return UserMessage(PROVIDER_MESSAGE, {"message": text})


def english(message: UserMessage) -> str:
    template = FAILURES.get(message.code)
    return template % message.params if template is not None else message.english


def stored(message: UserMessage) -> dict[str, Any]:
    """The JSON kept in Turn.error_detail."""
    return {"code": message.code, "params": dict(message.params)}


def failure_text(detail: Mapping[str, Any] | None, english_text: str) -> str:
    """A stored failure in the active language; its English text when it has no known code."""
    code = (detail or {}).get("code")
    params = (detail or {}).get("params") or {}
    try:
        if code in FAILURES:
            return gettext(FAILURES[code]) % params
        if code in MESSAGES:
            return translate(UserMessage(code, params))
    except (KeyError, TypeError, ValueError):
        # Values that no longer fit the sentence: the stored English still reads right.
        pass
    return english_text
