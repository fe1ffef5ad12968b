"""A large gallery built from rows alone (its pages never open the files): for the 10,000-image
tests and for `make bench`."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from conversations.models import Conversation, Image, Turn
from galleries.models import Gallery, GalleryItem
from galleries.services import POSITION_GAP
from teams.models import Membership, Team


def build_large_gallery(size: int, *, role: str = Membership.Role.VIEWER):
    """A team gallery of ``size`` final images and a member with ``role``: (gallery, member)."""
    member = get_user_model().objects.create_user("gallery-member")
    team = Team.objects.create(name="Archive")
    Membership.objects.create(team=team, user=member, role=role)
    conversation = Conversation.objects.create(owner=member, team=team, title="Many foxes")
    turns = Turn.objects.bulk_create(
        Turn(
            conversation=conversation,
            author=member,
            prompt=f"a red fox in the snow, study number {n}",
            revised_prompt=f"A photorealistic red fox standing in fresh snow, variation {n}",
            image_model="gpt-image-1",
            options={"size": "1024x1024", "quality": "high"},
            status=Turn.Status.COMPLETED,
        )
        for n in range(size)
    )
    images = Image.objects.bulk_create(
        Image(
            turn=turn,
            role=Image.Role.FINAL,
            file=f"images/{conversation.pk}/{turn.pk}/final.png",
            thumbnail=f"images/{conversation.pk}/{turn.pk}/final-thumb.webp",
            width=1024,
            height=1024,
            format="png",
            bytes=1_500_000,
            sha256="0" * 64,
        )
        for turn in turns
    )
    gallery = Gallery.objects.create(team=team, name="Ten thousand foxes", created_by=member)
    GalleryItem.objects.bulk_create(
        GalleryItem(
            gallery=gallery,
            image=image,
            added_by=member,
            caption=f"Fox {n}" if n % 3 == 0 else "",
            position=n * POSITION_GAP,
        )
        for n, image in enumerate(images, start=1)
    )
    return gallery, member
