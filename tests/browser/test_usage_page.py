"""The usage page in a real browser: turns made in the studio show up as totals and a chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_studio_page import last_turn, new_conversation, pick_model, send, wait_final

pytestmark = pytest.mark.browser


def test_turns_show_estimate_then_actual_and_add_up_on_the_usage_page(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    expect(page.locator("#estimate")).to_contain_text("estimated ≈")
    send(session, "a paper kite over green hills")
    wait_final(last_turn(session))
    expect(last_turn(session).locator(".turn-meta")).to_contain_text("actual")
    session.shot("studio-actual")
    page.click("#options-toggle")
    pick_model(page, "gpt-image-1-mini")
    page.select_option("#opt-quality", "low")
    expect(page.locator("#estimate")).to_contain_text("estimated ≈ 472 image tokens")
    send(session, "a paper kite at night")
    wait_final(last_turn(session))

    page.get_by_role("link", name="Usage").click()
    expect(page.locator("h1")).to_have_text("Your usage")
    expect(page.locator("[data-total=turns]")).to_have_text("2")
    chart = page.locator("#cost-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(2)
    expect(page.locator(".legend li")).to_have_count(2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("figure.chart").screenshot(path=str(ARTIFACTS / f"{session.name}-chart.png"))
    session.shot("usage-page", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = download.value.path().read_text().strip().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("total,,2 turns")
