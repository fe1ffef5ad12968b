"""Image links for staff: they show hidden images too, whoever's conversation they are in."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from conversations.models import Image


def staff_image_url(image: Image, *, thumbnail: bool = False) -> str | None:
    """None once moderation removed the image: its files are gone."""
    if image.moderation == Image.Moderation.REMOVED:
        return None
    url = reverse("moderation:image", args=[image.pk])
    return f"{url}?thumbnail=1" if thumbnail and image.thumbnail else url


def image_preview(image: Image | None, *, height: int = 48) -> SafeString | str:
    """A small linked thumbnail for admin lists, or a word when there is nothing to show."""
    if image is None:
        return "-"
    url = staff_image_url(image, thumbnail=True)
    if url is None:
        return "removed"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="image {}" '
        'height="{}" loading="lazy"></a>',
        staff_image_url(image),
        url,
        image.pk,
        height,
    )
