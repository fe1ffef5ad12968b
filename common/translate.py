"""Upstream's messages in the reader's language: the Django edge of upstream.messages.

upstream gives a stable code and parameters; the English sentence for the code is the
msgid, looked up here in the active language (docs/i18n.md).
"""

from __future__ import annotations

from django.utils.translation import gettext

from upstream.errors import UpstreamError
from upstream.messages import MESSAGES, UserMessage, describe


def translate(message: UserMessage) -> str:
    template = MESSAGES.get(message.code)
    if template is None:
        # The provider's own words: nothing to translate.
        return message.english
    return gettext(template) % message.params


def user_message(error: UpstreamError) -> str:
    """What to tell a person about ``error``, in the active language."""
    return translate(describe(error))
