"""The language menu, the JavaScript catalog and the Chinese fonts in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PageSession
from tests.browser.english_text import english_sentences_on, english_text_on
from tests.browser.test_studio_page import last_turn, send, wait_final

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


# What a Chinese-speaking team has after a turn: its team, a gallery with the picture in it,
# a public link, a favourite and a flag (so the review queue has a case to show).
SET_UP_THE_WALK = """
from django.contrib.auth import get_user_model
from conversations.models import Image
from favourites.services import add_favourite
from galleries.services import add_item, create_gallery, create_public_link
from moderation.services import flag_image
from teams.services import create_team
user = get_user_model().objects.get(username={username!r})
image = Image.objects.filter(turn__author=user, role=Image.Role.FINAL).latest("id")
team = create_team(creator=user, name="港口夜班")
gallery = create_gallery(team=team, name="港口习作", created_by=user)
add_item(gallery=gallery, image=image, caption="晨光", added_by=user)
add_favourite(user=user, image=image)
flag_image(reporter=user, image=image, reason="violence", note="海浪看起来太吓人")
link = create_public_link(gallery=gallery, created_by=user)
print("walk", team.pk, gallery.pk, link.token)
"""
# A visitor with no cookie and no account: the browser's own language decides.
ACCEPT_LANGUAGE = {"zh-hans": "zh-CN,zh;q=0.9", "zh-hant": "zh-TW,zh;q=0.9"}


def no_english(session, label: str) -> None:
    """A full-page screenshot of the page, then no catalog message left in English on it and
    no text that reads like an English sentence."""
    session.shot(label, full_page=True)
    assert english_text_on(session.page) == [], label
    assert english_sentences_on(session.page) == [], label


def log_in_as_staff(session) -> str:
    username = session.studio.create_staff()
    session.log_in(username)
    return username


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_every_page_reads_in_chinese(session, browser, language):
    page = session.page
    page.goto(session.url("/accounts/login/"))
    page.click("#language-menu summary")
    page.click(f"#language-menu button[value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    no_english(session, f"login-{language}")
    page.goto(session.url("/accounts/signup/"))
    no_english(session, f"signup-{language}")

    username = log_in_as_staff(session)
    expect(page.locator("html")).to_have_attribute("lang", language)
    send(session, "港口的清晨，渔船归来")
    wait_final(last_turn(session))
    output = session.studio.manage("shell", "-c", SET_UP_THE_WALK.format(username=username))
    team_id, gallery_id, token = re.search(r"walk (\d+) (\d+) (\S+)", output).groups()

    no_english(session, f"studio-{language}")
    # The password page is the user's name in the top bar.
    page.click(".topbar a.who")
    expect(page.locator("input[name=old_password]")).to_be_visible()
    no_english(session, f"password-{language}")
    page.goto(session.url("/admin/"))
    expect(page.locator("#content-main")).to_be_visible()
    no_english(session, f"admin-{language}")

    page.goto(session.url("/galleries/"))
    expect(page.locator(".gallery-card")).to_contain_text("港口习作")
    no_english(session, f"galleries-{language}")
    page.goto(session.url(f"/galleries/{gallery_id}/"))
    page.wait_for_selector("#gallery[data-ready='1']")
    expect(page.locator("#gallery-grid .tile img")).to_have_count(1)
    no_english(session, f"gallery-{language}")

    page.goto(session.url("/teams/"))
    expect(page.locator("main")).to_contain_text("港口夜班")
    no_english(session, f"teams-{language}")
    page.goto(session.url(f"/teams/{team_id}/"))
    expect(page.locator("h1")).to_contain_text("港口夜班")
    no_english(session, f"team-{language}")

    page.goto(session.url("/moderation/"))
    cases = page.locator("article.case")
    expect(cases).not_to_have_count(0)
    no_english(session, f"review-queue-{language}")
    # Other tests on this server expect an empty queue: the walk's case goes again.
    session.studio.forget_review_cases(username)

    page.goto(session.url("/usage/"))
    no_english(session, f"usage-{language}")

    page.goto(session.url("/favourites/"))
    expect(page.locator("#favourites .favourite")).to_have_count(1)
    no_english(session, f"favourites-{language}")

    page.goto(session.url("/providers/"))
    expect(page.locator("#providers tbody tr")).not_to_have_count(0)
    no_english(session, f"providers-{language}")
    page.locator("#providers tbody tr a").first.click()
    expect(page.locator("#edit-provider")).to_be_visible()
    no_english(session, f"provider-{language}")
    page.click("#provider-actions button.secondary >> nth=1")  # refresh the models
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("#models tbody tr")).not_to_have_count(0)
    no_english(session, f"provider-models-{language}")

    # A public link opens in the visitor's own language, without an account or a cookie.
    context = browser.new_context(
        viewport=DESKTOP, extra_http_headers={"Accept-Language": ACCEPT_LANGUAGE[language]}
    )
    context.set_default_timeout(15_000)
    visitor = PageSession(context.new_page(), session.studio, f"{session.name}-visitor")
    try:
        visitor.page.goto(visitor.url(f"/g/{token}/"))
        expect(visitor.page.locator("html")).to_have_attribute("lang", language)
        expect(visitor.page.locator("#gallery-name")).to_have_text("港口习作")
        visitor.page.wait_for_function(
            "[...document.querySelectorAll('#gallery-grid .tile img')]"
            ".every((img) => img.complete && img.naturalWidth > 0)"
        )
        no_english(visitor, f"public-gallery-{language}")
        visitor.allow_console_error("404")
        visitor.page.goto(visitor.url("/g/no-such-link/"))
        expect(visitor.page.locator("html")).to_have_attribute("lang", language)
        no_english(visitor, f"link-closed-{language}")
    finally:
        context.close()
    assert not visitor.errors, "\n".join(visitor.errors)
