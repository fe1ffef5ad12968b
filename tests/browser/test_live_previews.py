"""The live view paints partials and finals from light previews; full images only on demand."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_studio_page import last_turn, new_conversation, send, wait_final

pytestmark = pytest.mark.browser

PREVIEW_MAX_BYTES = 150_000
LIGHT = ("?preview=1", "?thumbnail=1")


@pytest.fixture
def realistic(studio):
    studio.simulator("POST", "/_simulator/config", json={"realistic": True})
    yield
    studio.simulator("POST", "/_simulator/config", json={"realistic": False})


def test_a_streaming_turn_downloads_previews_and_the_full_image_only_when_asked(session, realistic):
    page = session.page
    fetched: list[tuple[str, int]] = []

    def note(response) -> None:
        if "/media/images/" in response.url:
            fetched.append((response.url, len(response.body())))

    session.sign_up()
    new_conversation(session)
    page.on("response", note)
    send(session, "a red fox in fresh snow at dawn")
    turn = last_turn(session)
    wait_final(turn)
    roles = [layer["role"] for layer in page.evaluate("window.__layers")]
    assert "partial" in roles and "final" in roles, roles
    shown = turn.locator("img.layer").evaluate_all("els => els.map((e) => e.getAttribute('src'))")
    assert shown and all(src.endswith("?preview=1") for src in shown), shown
    # Previews for the frame, the final's thumbnail for the "continuing from" chip.
    assert fetched and all(url.endswith(LIGHT) for url, _ in fetched), fetched
    assert all(size <= PREVIEW_MAX_BYTES for _, size in fetched), fetched

    # The mask editor paints on the full image: it is fetched now, and it is big.
    def is_full(response) -> bool:
        return "/media/images/" in response.url and not response.url.endswith(LIGHT)

    with page.expect_response(is_full) as full:
        turn.get_by_role("button", name="Paint mask").click()
    expect(page.locator("#mask-dialog canvas")).to_be_visible()
    assert len(full.value.body()) > 1_000_000
    assert not [url for url, _ in fetched if not url.endswith(LIGHT) and url != full.value.url]
    session.shot("mask-on-full-image")
