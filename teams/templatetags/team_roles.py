from __future__ import annotations

from django import template

from teams.models import Membership

register = template.Library()


@register.filter
def role_label(role: str) -> str:
    """A role as it reads in a sentence ("you are editor", "你是编辑者"), in the page's language."""
    try:
        return str(Membership.Role(role).label).lower()
    except ValueError:
        return role
