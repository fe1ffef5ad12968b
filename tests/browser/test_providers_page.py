"""Staff add a provider on the providers page; a member makes a turn on its model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageSession, page_session
from tests.browser.test_studio_page import last_turn, new_conversation, pick_model, send, wait_final
from upstream.simulator.server import RunningSimulator, start_in_thread

pytestmark = pytest.mark.browser

KEY = "sk-relay-browser-test-key-5678"


@pytest.fixture
def relay() -> Iterator[RunningSimulator]:
    """A second provider on its own port: a constrained gateway that wants its own key."""
    running = start_in_thread(gateway=True, latency=(0.2, 0.5))
    running.configure(models=["gpt-image-2", "gpt-5"], api_key=KEY)
    yield running
    running.stop()


@pytest.fixture
def staff(browser, studio, request) -> Iterator[PageSession]:
    name = request.node.name.replace("[", "-").replace("]", "")
    with page_session(browser, studio, f"{name}-staff") as current:
        current.log_in(studio.create_staff())
        yield current


def test_staff_add_a_provider_and_a_member_makes_a_turn_on_its_model(staff, session, relay):
    page = staff.page
    page.click("a[href='/providers/']")
    page.select_option("#preset", "gateway")
    page.fill("#name", "Relay")
    page.fill("#base_url", relay.url)
    page.fill("#api_key", KEY)
    page.click("#add-provider button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Relay")
    expect(page.locator("#api_key")).to_have_attribute("placeholder", "…5678 (leave empty to keep)")
    page.click("#provider-actions >> text=Test connection")
    expect(page.locator(".flash")).to_contain_text("Works: the provider lists 2 models")
    page.click("#provider-actions >> text=Refresh models")
    expect(page.locator(".flash")).to_contain_text("2 models listed")
    expect(page.locator("#models tr[data-model='gpt-image-2']")).to_contain_text("verified")
    staff.shot("provider-page")
    assert KEY not in page.content()

    member = session.page
    session.sign_up()
    new_conversation(session)
    member.click("#options-toggle")
    expect(member.locator("#opt-model optgroup[label='Relay']")).to_have_count(1)
    pick_model(member, "gpt-image-2", provider="Relay")
    member.click("#options-toggle")
    send(session, "a lighthouse on a cliff")
    turn = last_turn(session)
    wait_final(turn)
    session.shot("turn-on-relay")

    sent = [r for r in relay.requests() if r["path"] == "/v1/responses"]
    assert len(sent) == 1
    assert sent[0]["json"]["tools"][0]["model"] == "gpt-image-2"
    assert sent[0]["json"]["instructions"]


@pytest.fixture
def tuzi() -> Iterator[RunningSimulator]:
    """tu-zi in front of a simulator of its own: chat image models with progress in words."""
    running = start_in_thread(persona="tuzi", latency=(2.0, 2.0))
    yield running
    running.stop()


def test_a_chat_image_model_on_tuzi_shows_progress_then_four_pictures(staff, session, tuzi):
    page = staff.page
    page.click("a[href='/providers/']")
    page.select_option("#preset", "tuzi")
    page.fill("#name", "Tuzi")
    page.fill("#base_url", tuzi.url)
    page.fill("#api_key", KEY)
    page.click("#add-provider button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Tuzi")

    member = session.page
    session.sign_up()
    new_conversation(session)
    member.click("#options-toggle")
    pick_model(member, "gpt-4o-image-vip", provider="Tuzi")
    member.click("#options-toggle")
    send(session, "four kites over a beach")
    turn = last_turn(session)
    expect(turn.locator(".stage-label")).to_contain_text("%", timeout=20_000)
    session.shot("tuzi-progress")
    expect(turn.locator("img.layer[data-role=final]")).to_have_count(4, timeout=20_000)
    expect(turn).to_have_attribute("data-status", "completed")
    session.shot("tuzi-four-finals")
    sent = [r for r in tuzi.requests() if r["path"] == "/v1/chat/completions"]
    assert len(sent) == 1 and sent[0]["json"]["model"] == "gpt-4o-image-vip"
