"""Text a person typed, checked before it reaches the database."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy

from common.errors import InvalidInput

# The fields people type into, as a refusal names them ("The caption is longer than ...").
FIELD_LABELS = {
    "caption": pgettext_lazy("field name", "caption"),
    "name": pgettext_lazy("field name", "name"),
    "note": pgettext_lazy("field name", "note"),
    "prompt": pgettext_lazy("field name", "prompt"),
    "title": pgettext_lazy("field name", "title"),
    "username": pgettext_lazy("field name", "username"),
}


def clean_text(value: Any, *, field: str, max_length: int | None) -> str:
    """Text a person typed, or a clear refusal: no NUL bytes or lone surrogates."""
    if value is None:
        return ""
    names = {"field": field_label(field)}
    if not isinstance(value, str):
        raise InvalidInput(gettext("The %(field)s must be text.") % names, field=field)
    if "\x00" in value:
        raise InvalidInput(
            gettext("The %(field)s contains a NUL character; remove it.") % names, field=field
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            gettext("The %(field)s contains broken characters (lone surrogates); retype it.")
            % names,
            field=field,
        ) from None
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(
            gettext("The %(field)s is longer than %(max)s characters.")
            % {**names, "max": max_length},
            field=field,
        )
    return value


def field_label(field: str) -> str:
    label = FIELD_LABELS.get(field)
    return field if label is None else str(label)
