"""What upstream errors say to a person: stable codes with parameters (docs/i18n.md).

This package imports no Django, so it cannot know the reader's language. Each message here
has a stable code, an English sentence with %(name)s placeholders, and the values that fill
them. The English sentence doubles as the msgid: `gettext_noop` marks it so Django's
extraction puts it in the catalogs, and the Django side (common.translate) looks it up in the
reader's language and fills in the values. Used alone, upstream speaks the English sentence.
A provider's own words (its error message) have no code and pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


def gettext_noop(message: str) -> str:
    """Marks a sentence for extraction (xgettext knows this name) and returns it unchanged."""
    return message


MESSAGES: dict[str, str] = {
    "provider_rejected": gettext_noop("The image provider rejected the request."),
    "provider_key_refused": gettext_noop("The image provider did not accept the API key."),
    "provider_forbidden": gettext_noop(
        "The API key is not allowed to do this at the image provider."
    ),
    "provider_not_found": gettext_noop("The image provider could not find what was asked for."),
    "provider_timeout": gettext_noop("The image provider timed out handling the request."),
    "provider_conflict": gettext_noop("The image provider reported a conflict; try again."),
    "provider_unprocessable": gettext_noop("The image provider could not process the request."),
    "provider_rate_limited": gettext_noop(
        "The image provider is rate limiting requests; try again shortly."
    ),
    "provider_internal_error": gettext_noop(
        "The image provider had an internal error (HTTP %(status)s)."
    ),
    "provider_status": gettext_noop("The image provider answered HTTP %(status)s."),
    "moderation_blocked": gettext_noop("The image provider's safety system blocked this request."),
    "insufficient_quota": gettext_noop("The image provider account has run out of credit."),
    "model_not_found": gettext_noop(
        "The image provider does not offer this model to this API key: %(message)s"
    ),
    # A provider whose preset lacks an endpoint (upstream.presets), one sentence per endpoint
    # so each reads whole in every language.
    "missing_endpoint.responses": gettext_noop(
        "This provider (%(provider)s) has no Responses API."
    ),
    "missing_endpoint.images.generations": gettext_noop(
        "This provider (%(provider)s) has no image generation."
    ),
    "missing_endpoint.images.edits": gettext_noop(
        "This provider (%(provider)s) has no image edits."
    ),
    "missing_endpoint.images.variations": gettext_noop(
        "This provider (%(provider)s) has no image variations."
    ),
    "missing_endpoint.files": gettext_noop("This provider (%(provider)s) has no file uploads."),
    "missing_endpoint.chat.completions": gettext_noop(
        "This provider (%(provider)s) has no chat image models."
    ),
}
# The provider's own message, shown as it came.
PROVIDER_MESSAGE = "provider_message"

_STATUS_CODES = {
    400: "provider_rejected",
    401: "provider_key_refused",
    403: "provider_forbidden",
    404: "provider_not_found",
    408: "provider_timeout",
    409: "provider_conflict",
    422: "provider_unprocessable",
    429: "provider_rate_limited",
}


@dataclass(frozen=True)
class UserMessage:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES.get(self.code, "%(message)s")

    @property
    def english(self) -> str:
        return self.template % self.params


class _Describable(Protocol):
    message: str
    status: int | None
    code: str | None

    @property
    def is_moderation_block(self) -> bool: ...


def for_status(status: int) -> UserMessage:
    """What to say when a provider answered ``status`` without a message of its own."""
    if status >= 500:
        return UserMessage("provider_internal_error", {"status": status})
    if status in _STATUS_CODES:
        return UserMessage(_STATUS_CODES[status])
    return UserMessage("provider_status", {"status": status})


def describe(error: _Describable) -> UserMessage:
    """The message for a person about ``error`` (an UpstreamError), without ids or codes."""
    if error.is_moderation_block:
        return UserMessage("moderation_blocked")
    if error.status is not None and error.code == "insufficient_quota":
        return UserMessage("insufficient_quota")
    if error.status is not None and error.code == "model_not_found":
        return UserMessage("model_not_found", {"message": error.message})
    # Our own sentence for a bare status (errors.error_from_response wrote it from the table).
    if error.status is not None and error.message == for_status(error.status).english:
        return for_status(error.status)
    return UserMessage(PROVIDER_MESSAGE, {"message": error.message})
