"""The one way a view turns "this user may not see it" into a 404."""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def found_or_404(thing: T | None) -> T:
    """``thing``, or Http404 when a selector answered None (absent, or not the user's)."""
    if thing is None:
        raise Http404
    return thing
