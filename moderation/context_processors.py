from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from moderation.standing import notice_for


def account_notice(request: HttpRequest) -> dict:
    """The banner base.html shows a warned or suspended person; read only when shown."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"account_notice": SimpleLazyObject(lambda: notice_for(user))}
