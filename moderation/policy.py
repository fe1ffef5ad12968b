"""Which `moderation` level the provider is asked for: the site's, or the team's own choice.

People do not pick it per turn; the level follows the conversation's team when it is shared
with one that chose a level, and the STUDIO_MODERATION setting otherwise.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def moderation_setting(conversation=None) -> dict[str, Any]:
    """The effective level and where it comes from ("team" or "site"), for display."""
    team = conversation.team if conversation is not None and conversation.team_id else None
    if team is not None and team.moderation:
        return {"level": team.moderation, "source": "team"}
    return {"level": settings.STUDIO_MODERATION, "source": "site"}


def moderation_level(conversation) -> str:
    return moderation_setting(conversation)["level"]
