"""The language menu, the JavaScript catalog and the Chinese fonts in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.english_text import english_text_on

pytestmark = pytest.mark.browser


def test_a_visitor_switches_to_traditional_chinese_and_keeps_it(session):
    page = session.page
    page.goto(session.url("/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.click("#language-menu summary")
    page.click("#language-menu button[value=zh-hant]")
    expect(page.locator("h1")).to_have_text("登入")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    session.shot("login-zh-hant")

    # The modules' translations come from the catalog the page loaded.
    dollars = page.evaluate("import('/static/js/i18n.js').then((m) => m.formatDollars(1234.5))")
    assert dollars == "US$1,234.50"
    fonts = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    assert "Noto Sans CJK TC" in fonts and "Microsoft JhengHei" in fonts and "PingFang TC" in fonts

    assert english_text_on(page) == []

    session.sign_up()
    page.goto(session.url("/teams/"))
    expect(page.locator("h1")).to_have_text("團隊")
    expect(page.locator(".topbar")).to_contain_text("登出")
    session.shot("teams-zh-hant")
    page.fill("#team-name", "夜班")
    page.click("text=建立團隊")
    expect(page.locator("h1")).to_contain_text("夜班")
    session.shot("team-zh-hant", full_page=True)
    assert english_text_on(page) == []


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_galleries_and_usage_show_no_english_message(session, language):
    page = session.page
    page.goto(session.url("/accounts/signup/"))
    page.click("#language-menu summary")
    page.click(f"#language-menu button[value={language}]")
    session.sign_up()
    for path in ("/galleries/", "/teams/", "/usage/"):
        page.goto(session.url(path))
        session.shot(f"{path.strip('/')}-{language}", full_page=True)
        assert english_text_on(page) == [], path


def test_an_english_page_stays_english_with_the_menu_offering_chinese(session):
    page = session.page
    page.goto(session.url("/accounts/signup/"))
    page.click("#language-menu summary")
    expect(page.locator("#language-menu button[value=zh-hans]")).to_have_text("简体中文")
    expect(page.locator("h1")).to_have_text("Create your account")
    # The check itself: an English page is full of catalog messages.
    assert "Create your account" in english_text_on(page)
    dollars = page.evaluate("import('/static/js/i18n.js').then((m) => m.formatDollars(0.042, 3))")
    assert dollars == "$0.042"
