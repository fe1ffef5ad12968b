"""The language menu, the JavaScript catalog and the Chinese fonts in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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

    session.sign_up()
    page.goto(session.url("/teams/"))
    expect(page.locator("h1")).to_have_text("團隊")
    expect(page.locator(".topbar")).to_contain_text("登出")
    session.shot("teams-zh-hant")


def test_an_english_page_stays_english_with_the_menu_offering_chinese(session):
    page = session.page
    page.goto(session.url("/accounts/signup/"))
    page.click("#language-menu summary")
    expect(page.locator("#language-menu button[value=zh-hans]")).to_have_text("简体中文")
    expect(page.locator("h1")).to_have_text("Create your account")
    dollars = page.evaluate("import('/static/js/i18n.js').then((m) => m.formatDollars(0.042, 3))")
    assert dollars == "$0.042"
