"""Chat image models answer with links: through the engine, against the tu-zi and one-api
personas, what is fetched, what is refused, and that a refused or broken link stores nothing.

The address checks themselves (a resolver answering 127.0.0.1 or 169.254.169.254) are in
tests/upstream/test_downloads.py; here the simulator's loopback address stands in for a
public provider's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from conversations.failures import failure_text
from conversations.models import Image, Turn
from providers.services import create_provider
from upstream.downloads import LinkDownloader
from upstream.simulator.personas.gateway import FORCED_HEADER
from upstream.simulator.personas.links import DEFAULT_TTL

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuzi(sim, studio_settings):
    sim.configure(persona="tuzi")
    yield create_provider(name="tu-zi", preset="tuzi", base_url=sim.url, api_key="sk-tuzi-0000")
    sim.configure(link_ttl=DEFAULT_TTL)


@pytest.fixture
def public_provider(monkeypatch):
    """The provider's own address counts as public, as a gateway on the internet's would:
    links into private networks are then refused."""
    monkeypatch.setattr(LinkDownloader, "allows_private", False)


def chat_turn(run, conversation, alice, provider, prompt, model="gpt-4o-image") -> Turn:
    return run(
        conversation=conversation,
        author=alice,
        prompt=prompt,
        api_mode="generate",
        options={"provider": provider.pk, "model": model},
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_stored(turn: Turn, settings) -> None:
    assert not Image.objects.filter(turn=turn).exists()
    assert stored_files(settings) == []


def test_a_link_into_a_private_network_from_a_public_provider_fails_the_turn(
    run, conversation, alice, tuzi, public_provider, settings
):
    turn = chat_turn(run, conversation, alice, tuzi, "a fox [chat:private_link]")

    assert turn.status == Turn.Status.FAILED
    assert turn.error_code == "image_link_refused"
    assert "private or local network address (127.0.0.1)" in turn.error_message
    assert "was not downloaded" in turn.error_message
    assert_nothing_stored(turn, settings)
    with translation.override("zh-hans"):
        assert failure_text(turn.error_detail, turn.error_message) == (
            "图片链接指向私有或本地网络地址（127.0.0.1），因此没有下载。"
        )


def test_the_same_answer_from_a_provider_on_loopback_is_fetched(
    run, conversation, alice, tuzi, settings
):
    # The counterpart: without the public address, the ordinary link is downloaded.
    turn = chat_turn(run, conversation, alice, tuzi, "a fox")
    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    assert stored_files(settings)


def test_a_50_mb_picture_is_cut_off_and_nothing_is_half_stored(
    run, conversation, alice, tuzi, settings
):
    turn = chat_turn(run, conversation, alice, tuzi, "a fox [chat:huge_link]")

    assert turn.status == Turn.Status.FAILED
    assert turn.error_code == "image_download_failed"
    assert "larger than 25 MB" in turn.error_message
    with translation.override("zh-hant"):
        assert failure_text(turn.error_detail, turn.error_message) == "連結中的圖片大於 25 MB。"
    assert_nothing_stored(turn, settings)


def test_an_asynchronous_models_source_is_polled_until_ready(run, conversation, alice, tuzi):
    # The simulator's source link answers 404 "not ready yet" twice before the picture.
    turn = chat_turn(run, conversation, alice, tuzi, "a fox", model="gpt-4o-image-async")

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    (final,) = turn.images.filter(role=Image.Role.FINAL)
    assert (final.width, final.height) == (1024, 1024)


def test_expiring_links_are_downloaded_while_the_turn_runs(run, conversation, alice, sim, tuzi):
    turn = chat_turn(run, conversation, alice, tuzi, "four foxes", model="gpt-4o-image-vip")
    assert turn.status == Turn.Status.COMPLETED, turn.error_message

    # Every link the gateway named is gone now; the pictures were kept, not the links.
    sim.state.links.clear()
    finals = list(turn.images.filter(role=Image.Role.FINAL))
    assert len(finals) == 4
    for image in finals:
        with image.file.open("rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert not any("/cdn/" in str(value) for value in turn.images.values_list("file", flat=True))


def test_a_link_that_already_expired_fails_the_turn_clearly(
    run, conversation, alice, sim, tuzi, settings
):
    sim.configure(link_ttl=-1)
    turn = chat_turn(run, conversation, alice, tuzi, "a fox")

    assert turn.status == Turn.Status.FAILED
    assert turn.error_code == "image_download_failed"
    assert "The image link answered HTTP 404; it may have expired." in turn.error_message
    assert_nothing_stored(turn, settings)


# --- one-api: `size` always sent ------------------------------------------------------------


def generations(sim) -> list[dict]:
    return [r for r in sim.requests() if r["path"] == "/v1/images/generations"]


@pytest.mark.parametrize("size", [None, "1536x1024"])
def test_every_images_request_to_one_api_carries_a_size_of_its_own(
    run, conversation, alice, sim, studio_settings, size
):
    sim.configure(persona="oneapi")
    oneapi = create_provider(name="one-api", preset="oneapi", base_url=sim.url)
    options = {"provider": oneapi.pk, "model": "gpt-image-1"}
    if size:
        options["size"] = size
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox",
        api_mode="generate",
        options=options,
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    (call,) = generations(sim)
    # Not forced to 1024x1024 by the gateway: Studio sent the person's size, or the model's
    # own default (auto) when none was chosen.
    assert call["json"]["size"] == (size or "auto")
    assert FORCED_HEADER not in call["headers"]


def test_a_provider_without_the_switch_gets_its_size_forced_by_such_a_gateway(
    run, conversation, alice, sim, studio_settings
):
    # What the switch prevents: new-api's preset sends no size, and the old gateway forces one.
    sim.configure(persona="oneapi")
    newapi = create_provider(name="new-api", preset="newapi", base_url=sim.url)
    turn = run(
        conversation=conversation,
        author=alice,
        prompt="a red fox",
        api_mode="generate",
        options={"provider": newapi.pk, "model": "gpt-image-1"},
    )

    assert turn.status == Turn.Status.COMPLETED, turn.error_message
    (call,) = generations(sim)
    assert call["headers"][FORCED_HEADER] == "size"
    assert call["json"]["size"] == "1024x1024"
