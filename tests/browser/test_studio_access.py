"""The studio page by keyboard, with screen readers, with contradicting options and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_studio_page import (
    TURN,
    last_turn,
    new_conversation,
    send,
    wait_final,
)

pytestmark = pytest.mark.browser

CREATE_CONVERSATION = """async (title) => {
    const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
    const response = await fetch("/api/conversations/", {method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token},
        body: JSON.stringify({title})});
    return (await response.json()).id;
}"""


def focused_id(page) -> str:
    return page.evaluate("document.activeElement?.id || document.activeElement?.tagName")


def test_keyboard_skip_link_short_tab_order_and_options_keep_focus(session):
    page = session.page
    session.sign_up()
    for index in range(6):
        page.evaluate(CREATE_CONVERSATION, f"Study {index}")
    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator(".conversation-item")).to_have_count(6)

    page.keyboard.press("Tab")
    expect(page.locator("#skip-to-prompt")).to_be_focused()
    expect(page.locator("#skip-to-prompt")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#prompt")).to_be_focused()

    # The conversation list is one Tab stop however long it is; arrows move within it.
    page.focus("#conversation-search")
    presses = 0
    while focused_id(page) != "prompt" and presses < 20:
        page.keyboard.press("Tab")
        presses += 1
    assert focused_id(page) == "prompt", presses
    # The open conversation's link, rename and delete, the reference button, the prompt.
    assert presses <= 5, presses
    page.focus("#conversation-search")
    page.keyboard.press("Tab")
    first = page.locator(".conversation-link").first
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".conversation-link").nth(1)).to_be_focused()

    # Typing a custom width and pressing Tab goes on to the height, not to the page.
    page.click("#options-toggle")
    page.select_option("#opt-model", "gpt-image-2")
    page.select_option("#opt-size", "custom")
    page.fill("#opt-custom_width", "1024")
    page.press("#opt-custom_width", "Tab")
    expect(page.locator("#opt-custom_height")).to_be_focused()
    page.fill("#opt-custom_height", "1000")
    page.press("#opt-custom_height", "Tab")
    expect(page.locator("#options-panel .field-error")).to_contain_text("multiples of 16")
    assert focused_id(page) not in ("BODY", "opt-custom_height"), focused_id(page)


def test_running_timer_is_not_announced_every_second(session):
    session.sign_up()
    new_conversation(session)
    session.studio.simulator("POST", "/_simulator/config", json={"latency": [2, 2]})
    send(session, "a slow sunrise over the sea")
    elapsed = last_turn(session).locator(".stage .elapsed")
    expect(elapsed).to_have_text(re.compile(r"\ds"))
    expect(elapsed).to_have_attribute("aria-hidden", "true")
    # What stays announced is the stage itself, which changes only between stages.
    expect(last_turn(session).locator(".stage[role=status] .stage-label")).to_be_visible()
    wait_final(last_turn(session))


def test_jpeg_resets_a_transparent_background_as_it_is_chosen(session):
    page = session.page
    session.sign_up()
    page.click("#options-toggle")
    page.select_option("#opt-model", "gpt-image-1")
    page.select_option("#opt-output_format", "png")
    page.select_option("#opt-background", "transparent")
    page.select_option("#opt-output_format", "jpeg")
    expect(page.locator("#opt-background")).to_have_value("auto")
    expect(page.locator("#opt-background option[value=transparent]")).to_be_disabled()
    notice = page.locator("#options-panel .option-notice")
    expect(notice).to_contain_text("JPEG has no transparency")
    session.shot("jpeg-resets-background")


def test_transparent_result_shows_on_a_checkerboard(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    page.click("#options-toggle")
    page.select_option("#opt-model", "gpt-image-1")
    page.select_option("#opt-output_format", "png")
    page.select_option("#opt-background", "transparent")
    page.click("#options-toggle")
    send(session, "a single green leaf, cut out")
    turn = last_turn(session)
    wait_final(turn)
    frame = turn.locator(".frame").first
    expect(frame).to_have_class(re.compile("is-transparent"))
    background = frame.evaluate("el => getComputedStyle(el).backgroundImage")
    assert "conic-gradient" in background, background
    session.shot("checkerboard")


def placeholder_fits(page) -> bool:
    return page.evaluate("""() => {
        const area = document.querySelector('#prompt');
        const style = getComputedStyle(area);
        const context = document.createElement('canvas').getContext('2d');
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        const room = area.clientWidth - padding;
        return context.measureText(area.placeholder).width <= room;
    }""")


@pytest.mark.parametrize("session", [PHONE], indirect=True, ids=["phone"])
def test_phone_title_placeholder_and_usage_chart_stay_readable(session):
    page = session.page
    session.sign_up()
    page.goto(session.url("/teams/"))
    page.fill("input[name=name]", "Night shift")
    page.locator("form:has(input[name=name]) button[type=submit]").click()
    page.goto(session.url("/"))
    page.wait_for_selector("#studio[data-ready='1']")
    assert placeholder_fits(page)
    send(session, "a lighthouse keeper reading by lamplight")
    wait_final(last_turn(session))
    expect(page.locator("#share-team")).to_be_visible()
    title = page.locator("#conversation-title")
    expect(title).to_contain_text("a lighthouse keeper")
    width = title.evaluate("el => el.getBoundingClientRect().width")
    assert width >= 200, width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    session.shot("phone-header")

    page.goto(session.url("/usage/"))
    labels = page.locator("#cost-chart text")
    expect(labels.first).to_be_visible()
    heights = labels.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 10, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    session.shot("phone-usage")


def test_several_conversations_are_not_left_empty_by_new(session):
    page = session.page
    session.sign_up()
    for _ in range(3):
        new_conversation(session)
    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator(".list-note")).to_have_text("No conversations yet.")
    send(session, "a lantern in the snow")
    expect(page.locator(".conversation-item")).to_have_count(1)
    expect(page.locator(TURN)).to_have_count(1)
