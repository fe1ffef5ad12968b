"""Test data builders: rows, pictures to upload, a signed-in session's cookie."""

from __future__ import annotations

import io

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image as PILImage

from conversations.models import Conversation
from teams.models import Membership, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    # Hashed when the user is built, so the saved row can log in.
    password = factory.django.Password("correct-horse-9")


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Conversation {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.VIEWER


def png_bytes(size=(64, 64), color=(200, 40, 40, 255), mode="RGBA", fmt="PNG") -> bytes:
    """A picture of one colour (a tuple or a name such as "red"), encoded as ``fmt``."""
    return encode_image(PILImage.new(mode, size, color if mode != "L" else 0), fmt)


def encode_image(image: PILImage.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def session_cookie(user) -> bytes:
    """The Cookie header of a session signed in as ``user``, for a websocket handshake."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def use_gateway_provider(name: str = "gateway"):
    """Make the environment's (simulated) provider a constrained gateway named ``name``."""
    from providers.models import Provider

    provider = Provider.objects.get(from_environment=True)
    provider.name, provider.wire_profile, provider.stored_ids = name, "gateway", False
    provider.save()
    return provider
