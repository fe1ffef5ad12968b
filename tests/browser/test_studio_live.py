"""Turns as they happen: details while live, refusals, a watcher arriving mid-turn, and telling
a person who looked away that their image finished."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_studio_page import (
    TURN,
    current_conversation_id,
    last_turn,
    new_conversation,
    send,
    wait_final,
)

pytestmark = pytest.mark.browser

# Records the notifications the page asks the browser for, with permission granted.
NOTIFICATIONS_SCRIPT = """
window.__notes = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notes.push({title, body: options?.body}); }
  close() {}
};
"""


def set_hidden(page, hidden: bool) -> None:
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            Object.defineProperty(document, "visibilityState", {configurable: true,
                get: () => hidden ? "hidden" : "visible"});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def open_second_page(session, path: str):
    """The same person in a second tab (same cookies)."""
    page = session.page.context.new_page()
    page.goto(session.url(path))
    page.wait_for_selector("#studio[data-ready='1']")
    return page


def test_a_live_turn_shows_what_a_reload_shows(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a windmill in a tulip field")
    wait_final(last_turn(session))
    conversation_id = current_conversation_id(session)
    watcher = open_second_page(session, f"/c/{conversation_id}/")
    watcher.wait_for_selector("#live-status[data-state=live]")

    send(session, "now in the rain")
    live = watcher.locator(TURN).last
    expect(watcher.locator(TURN)).to_have_count(2)
    wait_final(live)
    expect(live.locator(".turn-meta")).to_contain_text("gpt-image-2 · 1024x1024 · medium")
    expect(live.locator(".turn-meta")).to_contain_text("done in")
    live_meta = live.locator(".turn-meta").inner_text()
    watcher.reload()
    watcher.wait_for_selector("#studio[data-ready='1']")
    reloaded = watcher.locator(TURN).last
    wait_final(reloaded)
    assert reloaded.locator(".turn-meta").inner_text() == live_meta
    page.bring_to_front()
    watcher.close()


def test_a_blocked_turn_explains_and_offers_to_edit_the_prompt(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a ship wrecked on the rocks [fault:moderation]")
    turn = last_turn(session)
    expect(turn).to_have_attribute("data-status", "blocked", timeout=20_000)
    error = turn.locator(".turn-error")
    expect(error).to_contain_text("safety system refused this request")
    expect(error).to_contain_text("The provider said")
    expect(error).to_contain_text("It flagged: sexual.")
    expect(error).not_to_contain_text("help.openai.com")
    expect(error).not_to_contain_text("safety_violations")
    expect(error).not_to_contain_text(re.compile(r"req_\w+"))
    session.shot("blocked")

    error.get_by_role("button", name="Edit the prompt").click()
    expect(page.locator("#prompt")).to_have_value("a ship wrecked on the rocks [fault:moderation]")
    expect(page.locator("#prompt")).to_be_focused()
    page.fill("#prompt", "a ship sailing past the rocks")
    page.press("#prompt", "Enter")
    edited = last_turn(session)
    expect(edited.locator(".prompt-text")).to_have_text("a ship sailing past the rocks")
    expect(edited.locator(".sibling-switcher")).to_contain_text("2 / 2")
    wait_final(edited)


def test_a_watcher_who_opens_mid_start_sees_the_turn_arrive_in_view(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    for prompt in ("a red door", "now blue", "now green"):
        send(session, prompt)
        wait_final(last_turn(session))
    conversation_id = current_conversation_id(session)
    session.studio.simulator("POST", "/_simulator/config", json={"latency": [1.5, 1.5]})
    page.fill("#prompt", "now with a brass knocker")
    # The watcher's page loads, scrolls to the newest turn and connects while the turn starts.
    watcher = page.context.new_page()
    watcher.goto(session.url(f"/c/{conversation_id}/"), wait_until="commit")
    page.press("#prompt", "Enter")
    arriving = watcher.locator(TURN).last
    expect(watcher.locator(TURN)).to_have_count(4)
    expect(arriving.locator(".prompt-text")).to_have_text("now with a brass knocker")
    expect(arriving).to_be_in_viewport()
    final = arriving.locator("img.layer[data-role=final]")
    expect(final).to_be_visible(timeout=30_000)
    expect(final).to_be_in_viewport()
    watcher.close()


def test_title_and_notification_when_a_turn_finishes_in_the_background(session):
    page = session.page
    page.context.add_init_script(NOTIFICATIONS_SCRIPT)
    session.sign_up()
    new_conversation(session)
    toggle = page.locator("#notify-toggle")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    send(session, "a hummingbird at a red flower")
    set_hidden(page, True)
    wait_final(last_turn(session))
    expect(page).to_have_title(re.compile(r"^\(1\) Done · a hummingbird"))
    notes = page.evaluate("window.__notes")
    assert notes == [{"title": "Your image is ready", "body": "a hummingbird at a red flower"}]

    set_hidden(page, False)
    expect(page).to_have_title(re.compile(r"^a hummingbird.* · Studio$"))
    # In sight, a finished turn changes neither the title nor notifies.
    send(session, "now two hummingbirds")
    wait_final(last_turn(session))
    expect(page).to_have_title(re.compile(r"^a hummingbird"))
    assert len(page.evaluate("window.__notes")) == 1
