"""Shared fixtures: the simulated provider on a loopback port, people, a team, conversations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from upstream.simulator.server import RunningSimulator, start_in_thread


def pytest_sessionstart(session) -> None:
    # Pages are translated from .mo files built from the committed .po sources.
    from studio.catalogs import compile_catalogs

    compile_catalogs()


@pytest.fixture(autouse=True)
def default_language_after() -> Iterator[None]:
    """A request in another language leaves it active on the thread (LocaleMiddleware never
    switches it off): the next test starts in the default language again."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Creation limits count on the cache, which outlives a test's database rollback."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def simulator() -> Iterator[RunningSimulator]:
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sim(simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    """The shared simulator, reset to defaults around each test."""
    simulator.clear()
    simulator.configure(
        latency=(0.0, 0.0),
        gateway=False,
        persona="",
        models=[],
        id_length=0,
        api_key="",
        realistic=False,
    )
    yield simulator
    simulator.clear()
    simulator.configure(
        latency=(0.0, 0.0),
        gateway=False,
        persona="",
        models=[],
        id_length=0,
        api_key="",
        realistic=False,
    )


@pytest.fixture
def media(settings, tmp_path):
    """Image files in a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return settings


@pytest.fixture
def studio_settings(media, sim, django_db_blocker):
    """Unit-test settings: turns run inline on commit, in-memory channels, the simulator
    as the environment's provider."""
    settings = media
    settings.TURN_DISPATCH = "inline"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.OPENAI_BASE_URL = sim.url
    settings.OPENAI_API_KEY = ""
    settings.UPSTREAM_MAX_RETRIES = 2
    from providers.seeding import seed_from_environment

    with django_db_blocker.unblock():
        seed_from_environment()
    return settings


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a turn and run it to the end (turns dispatch inline on commit in these tests)."""
    from conversations.planning import TurnRequest
    from conversations.services import start_turn

    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            turn = start_turn(TurnRequest(**kwargs))
        turn.refresh_from_db()
        return turn

    return start


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct-horse-9")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="correct-horse-9")


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie", password="correct-horse-9")


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password="correct-horse-9")


@pytest.fixture
def team(alice, bob):
    """alice's team "Night shift": she owns it and bob edits."""
    from teams.models import Membership
    from teams.services import create_team

    team = create_team(creator=alice, name="Night shift")
    Membership.objects.create(team=team, user=bob, role=Membership.Role.EDITOR)
    return team


@pytest.fixture
def people(team, alice, bob, carol, charlie) -> dict:
    """One person per role in ``team``, by role; the outsider owns a team of his own."""
    from teams.models import Membership
    from teams.services import create_team

    Membership.objects.create(team=team, user=carol, role=Membership.Role.VIEWER)
    create_team(creator=charlie, name="Elsewhere")
    return {"owner": alice, "editor": bob, "viewer": carol, "outsider": charlie}


@pytest.fixture
def conversation(alice, studio_settings):
    from conversations.services import create_conversation

    return create_conversation(owner=alice, title="Foxes")
