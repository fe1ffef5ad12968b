from __future__ import annotations

from typing import Any

from conversations.presenters import image_url
from favourites.models import Favourite


def present_favourite(favourite: Favourite) -> dict[str, Any]:
    image = favourite.image
    turn = image.turn
    return {
        "image_id": image.pk,
        "url": image_url(image),
        "thumbnail_url": image_url(image, thumbnail=True),
        "width": image.width,
        "height": image.height,
        "prompt": turn.prompt,
        "turn_url": f"/c/{turn.conversation_id}/#turn-{turn.pk}",
        "added_at": favourite.created_at.isoformat(),
    }
