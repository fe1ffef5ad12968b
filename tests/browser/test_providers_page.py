"""Staff add a provider on the providers page; a member makes a turn on its model."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageSession, page_session
from tests.browser.test_studio_page import (
    last_turn,
    new_conversation,
    pick_model,
    send,
    turn_id,
    wait_final,
)
from upstream.simulator.personas.gateway import DROPPED_HEADER
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


def add_provider(staff, preset: str, name: str, base_url: str):
    """Staff add a provider from ``preset`` on the providers page; its page is open after."""
    page = staff.page
    page.click("a[href='/providers/']")
    page.select_option("#preset", preset)
    page.fill("#name", name)
    page.fill("#base_url", base_url)
    page.fill("#api_key", KEY)
    page.click("#add-provider button[type=submit]")
    expect(page.locator("h1")).to_contain_text(name)
    return page


def test_staff_add_a_provider_and_a_member_makes_a_turn_on_its_model(staff, session, relay):
    page = add_provider(staff, "gateway", "Relay", relay.url)
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
    add_provider(staff, "tuzi", "Tuzi", tuzi.url)

    member = session.page
    session.sign_up()
    new_conversation(session)
    member.click("#options-toggle")
    pick_model(member, "gpt-4o-image-vip", provider="Tuzi")
    member.click("#options-toggle")
    member.evaluate(RECORD_STAGE_LABELS)
    send(session, "four kites over a beach")
    turn = last_turn(session)
    expect(turn.locator(".stage-label")).to_contain_text("%", timeout=20_000)
    session.shot("tuzi-progress")
    expect(turn.locator("img.layer[data-role=final]")).to_have_count(4, timeout=20_000)
    expect(turn).to_have_attribute("data-status", "completed")
    session.shot("tuzi-four-finals")
    # Every label the running turn showed, in order: the gateway's queue, then its percents.
    stages = member.evaluate("window.__stageLabels")
    queued = stages.index("Queued at the provider")
    percents = [float(s.split("·")[-1].strip(" %")) for s in stages[queued:] if s.endswith("%")]
    assert percents == sorted(percents) and percents[-1] > percents[0], stages
    sent = [r for r in tuzi.requests() if r["path"] == "/v1/chat/completions"]
    assert len(sent) == 1 and sent[0]["json"]["model"] == "gpt-4o-image-vip"

    # A follow-up edits the third of the four pictures, chosen by its own button.
    turn = member.locator(f"article.turn[data-turn-id='{turn_id(turn)}']")
    third = turn.locator("img.layer[data-role=final]").nth(2).get_attribute("data-image-id")
    turn.get_by_role("button", name="Edit from here 3", exact=True).click()
    expect(member.locator(f".parent-chip[data-parent-image-id='{third}']")).to_be_visible()
    send(session, "the third kite, now at night")
    follow_up = last_turn(session)
    expect(follow_up.locator("img.layer[data-role=final]")).to_have_count(4, timeout=20_000)
    expect(follow_up).to_have_attribute("data-status", "completed")
    session.shot("tuzi-follow-up-from-the-third")

    sent = [r for r in tuzi.requests() if r["path"] == "/v1/chat/completions"]
    assert len(sent) == 2
    parts = sent[1]["json"]["messages"][-1]["content"]
    (picture,) = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert picture["image"] is True  # sent as an image_url data URI
    assert picture["sha256"] == full_size_sha256(session, turn, 3)
    assert picture["sha256"] != full_size_sha256(session, turn, 1)


# Records each stage label the page adds, however briefly it stays.
RECORD_STAGE_LABELS = """() => {
  window.__stageLabels = [];
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType === 1 && node.matches("span.stage-label")) {
        window.__stageLabels.push(node.textContent);
      }
    }
  }).observe(document, {childList: true, subtree: true});
}"""


def full_size_sha256(session, turn, number: int) -> str:
    """The SHA-256 of picture ``number`` of ``turn`` as its "Open full size" link serves it."""
    href = turn.locator("a", has_text="Open full size").nth(number - 1).get_attribute("href")
    response = session.page.request.get(session.url(href) if href.startswith("/") else href)
    assert response.ok
    return hashlib.sha256(response.body()).hexdigest()


@pytest.fixture
def litellm() -> Iterator[RunningSimulator]:
    """A LiteLLM proxy in front of a simulator of its own: its Images API drops options."""
    running = start_in_thread(persona="litellm", latency=(0.2, 0.5))
    yield running
    running.stop()


def test_the_options_panel_says_what_a_gateway_drops_and_never_sends_it(staff, session, litellm):
    add_provider(staff, "litellm", "Team LiteLLM", litellm.url)

    member = session.page
    session.sign_up()
    new_conversation(session)
    member.click("#options-toggle")
    pick_model(member, "gpt-image-1", provider="Team LiteLLM")
    member.select_option("#opt-api_mode", "generate")
    note = member.locator("#options-panel .dropped-options")
    expect(note).to_contain_text("Team LiteLLM ignores background, moderation")
    expect(note).to_contain_text("output_format")
    session.shot("litellm-dropped-note")
    member.select_option("#opt-api_mode", "responses")
    expect(note).to_have_count(0)
    member.select_option("#opt-api_mode", "generate")
    member.click("#options-toggle")
    send(session, "a red kite")
    wait_final(last_turn(session))

    (sent,) = [r for r in litellm.requests() if r["path"] == "/v1/images/generations"]
    # Of what it drops, only the site's moderation level was sent (policy, not the panel's).
    assert sent["headers"].get(DROPPED_HEADER, "moderation") == "moderation"
