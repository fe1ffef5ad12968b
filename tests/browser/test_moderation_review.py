"""A staff review session in a real browser: a person flags an image and the provider blocks a
turn; a reviewer filters the queue, hides the image with a warning, keeps the rest in bulk,
and suspends the author; the author's open page and later visits follow each decision."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageSession, page_session
from tests.browser.test_studio_page import last_turn, new_conversation, send, turn_id, wait_final

pytestmark = pytest.mark.browser

CASE = "article.case"


@pytest.fixture
def reviewer(browser, studio, request) -> Iterator[PageSession]:
    """A second person in a browser of their own: a staff member, logged in."""
    name = request.node.name.replace("[", "-").replace("]", "")
    # This review counts every case in the queue: it starts from an empty one.
    studio.forget_review_cases()
    with page_session(browser, studio, f"{name}-reviewer") as current:
        current.log_in(studio.create_staff())
        yield current


def decide(card, action: str, *, note: str = "", author: str = "") -> None:
    if note:
        card.locator("input[name=note]").fill(note)
    if author:
        card.locator("select[name=author_action]").select_option(author)
    card.get_by_role("button", name=action, exact=True).click()


def test_staff_review_session(session, reviewer):
    author, page = session, session.page
    author.sign_up()
    new_conversation(author)
    send(author, "a lighthouse in a storm")
    wait_final(last_turn(author))
    # Pinned by id: "the last turn" moves on when the next prompt is sent.
    drawn = page.locator(f"article.turn[data-turn-id='{turn_id(last_turn(author))}']")
    drawn.get_by_role("button", name="Flag").click()
    dialog = page.locator("#flag-dialog")
    dialog.locator("#flag-reason").select_option("violence")
    dialog.locator("#flag-note").fill("the waves look like they hurt someone")
    author.shot("flag-dialog")
    dialog.get_by_role("button", name="Send to review").click()
    expect(dialog.locator("#flag-done")).to_contain_text("staff will review")
    dialog.get_by_role("button", name="Done").click()
    send(author, "a ship wrecked on the rocks [fault:moderation]")
    blocked = last_turn(author)
    expect(blocked).to_have_attribute("data-status", "blocked", timeout=20_000)

    queue = reviewer.page
    queue.get_by_role("link", name="Review").click()
    expect(queue).to_have_url(re.compile(r"/moderation/$"))
    cards = queue.locator(CASE)
    expect(cards).to_have_count(2)
    expect(queue.locator(f"{CASE}:has(.badge.blocked)")).to_contain_text("moderation_blocked")
    reviewer.shot("queue-open", full_page=True)

    queue.select_option("#id_reason", "violence")
    queue.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(1)
    flagged = cards.first
    expect(flagged).to_contain_text("the waves look like they hurt someone")
    expect(flagged).to_contain_text("a lighthouse in a storm")
    thumbnail = flagged.locator(".thumb img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    reviewer.shot("queue-filtered")
    decide(flagged, "Hide", note="too graphic for the team", author="warn")
    expect(queue.locator(".flash")).to_contain_text("Decided 1 case: hide")

    # The author's open page drops the image at once; a reload does not bring it back.
    expect(drawn.locator("img.layer[data-role=final]")).to_have_count(0)
    expect(drawn.get_by_role("button", name="Flag")).to_have_count(0)
    expect(drawn.locator(".turn-error")).to_contain_text("Taken down by moderation")
    author.shot("image-taken-down")

    queue.goto(reviewer.url("/moderation/"))
    expect(cards).to_have_count(1)
    queue.check("#select-all")
    expect(queue.locator("#selected-count")).to_have_text("1 selected")
    queue.get_by_role("button", name="Keep selected").click()
    expect(queue.locator(".empty-note")).to_be_visible()
    queue.select_option("#id_status", "decided")
    queue.get_by_role("button", name="Filter").click()
    expect(cards).to_have_count(2)
    hidden = queue.locator(f"{CASE}:has(.badge.flagged)")
    expect(hidden.locator(".history")).to_contain_text("chose Hide")
    expect(hidden.locator(".history")).to_contain_text("too graphic for the team")
    expect(hidden.locator(".badge.warn")).to_contain_text("warned 1")
    expect(hidden.locator(".thumb[data-moderation=hidden] img").first).to_be_visible()
    reviewer.shot("queue-decided", full_page=True)

    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator("#account-notice")).to_contain_text("A moderator has warned you")
    expect(page.locator("img.layer[data-role=final]")).to_have_count(0)
    author.shot("warning-notice")
    page.locator("#account-notice").get_by_role("button", name="Dismiss").click()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator("#account-notice")).to_have_count(0)

    decide(queue.locator(f"{CASE}:has(.badge.blocked)"), "Keep", author="suspend")
    expect(queue.locator(".flash")).to_contain_text("Decided 1 case: keep")
    expect(queue.get_by_role("button", name=re.compile("Lift .*suspension")).first).to_be_visible()

    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator("#account-notice")).to_contain_text("Your account is suspended")
    # Nothing is left to continue from, so this starts afresh, and is refused.
    page.fill("#prompt", "one more lighthouse")
    page.press("#prompt", "Enter")
    expect(page.locator("#composer-error")).to_contain_text("suspended")
    author.shot("suspended")
    # Chromium logs every 4xx answer to fetch; this refusal is the one expected.
    refused = [e for e in author.errors if "status of 403" in e]
    assert len(refused) == 1, author.errors
    author.errors.remove(refused[0])
