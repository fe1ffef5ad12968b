"""Adding and removing favourites; both are idempotent, so a double click does no harm."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from common.errors import InvalidInput
from conversations.models import Image
from favourites.models import Favourite


def add_favourite(*, user, image: Image) -> Favourite:
    if image.role != Image.Role.FINAL:
        raise InvalidInput(gettext("Only finished images can be favourites."), field="image_id")
    try:
        with transaction.atomic():
            favourite, _ = Favourite.objects.get_or_create(user=user, image=image)
    except IntegrityError:
        # Two requests at once: the other one stored it.
        favourite = Favourite.objects.get(user=user, image=image)
    return favourite


def remove_favourite(*, user, image: Image) -> None:
    Favourite.objects.filter(user=user, image=image).delete()
