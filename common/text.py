"""Text a person typed, checked before it reaches the database."""

from __future__ import annotations

from typing import Any

from common.errors import InvalidInput


def clean_text(value: Any, *, field: str, max_length: int | None) -> str:
    """Text a person typed, or a clear refusal: no NUL bytes or lone surrogates."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"The {field} must be text.", field=field)
    if "\x00" in value:
        raise InvalidInput(f"The {field} contains a NUL character; remove it.", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"The {field} contains broken characters (lone surrogates); retype it.", field=field
        ) from None
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(f"The {field} is longer than {max_length} characters.", field=field)
    return value
