"""Whether a value from a URL, a form or a JSON body could name a row at all.

Anything else, a NUL byte or a number past bigint say, is simply not found rather than
handed to the database.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_id(value: Any) -> bool:
    """A value that could be a primary key; anything else is simply not found."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 < value < 2**63
    # Path parameters and form fields arrive as text: only plain digits count.
    return isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) < 2**63


def is_token(value: Any) -> bool:
    """Shaped like the tokens Studio makes (secrets.token_urlsafe)."""
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None
