"""The studio page in Simplified and Traditional Chinese: every panel and dialog without a
word of English the catalogs translate, Chinese prompts drawn in a CJK face, and refusals
and failures told in Chinese."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.english_text import english_sentences_on, english_text_on
from tests.browser.test_studio_page import TURN, last_turn, send, wait_final

pytestmark = pytest.mark.browser

# What the page's own buttons say, to find them as a Chinese reader would.
WORDS = {
    "zh-hans": {
        "send": "发送",
        "options": "选项",
        "compare": "对比",
        "side_by_side": "并排",
        "paint_mask": "绘制蒙版",
        "add_to_gallery": "添加到图库",
        "flag": "举报",
        "close": "关闭",
        "cancel": "取消",
        "revised": "修订后的提示词",
        "failed": "这张图片未能生成",
        "retry": "重试",
        "live": "实时",
        "quality_medium": "中",
    },
    "zh-hant": {
        "send": "送出",
        "options": "選項",
        "compare": "比較",
        "side_by_side": "並排",
        "paint_mask": "繪製遮罩",
        "add_to_gallery": "加入圖庫",
        "flag": "檢舉",
        "close": "關閉",
        "cancel": "取消",
        "revised": "修訂後的提示詞",
        "failed": "這張圖片無法產生",
        "retry": "重試",
        "live": "即時",
        "quality_medium": "中",
    },
}
CJK_PROMPTS = {"zh-hans": "一只在雨中的橘猫", "zh-hant": "一隻在雨中的橘貓"}
CJK_FACE = {"zh-hans": "Noto Sans CJK SC", "zh-hant": "Noto Sans CJK TC"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def expect_chinese_from_the_server(message: str) -> None:
    """The page shows the server's own words here, in the reader's language."""
    assert HAN.search(message), f"the server answered in English: {message!r}"


def sign_up_in(session, language: str) -> str:
    page = session.page
    page.goto(session.url("/accounts/signup/"))
    page.click("#language-menu summary")
    page.click(f"#language-menu button[value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    return session.sign_up()


def no_english(session, label: str) -> None:
    session.shot(label)
    assert english_text_on(session.page) == [], label
    assert english_sentences_on(session.page) == [], label


def platform_fonts(page, selector: str) -> list[str]:
    """The faces Chromium really drew ``selector``'s text with (not what the CSS asked for)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return [font["familyName"] for font in fonts]
    finally:
        cdp.detach()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_studio_page_and_its_dialogs_show_no_english(session, language):
    words = WORDS[language]
    page = session.page
    sign_up_in(session, language)
    expect(page.locator("#send")).to_have_text(words["send"])
    no_english(session, f"empty-{language}")

    page.click("#options-toggle")
    expect(page.locator("#options-panel")).to_be_visible()
    expect(page.locator("#opt-quality option:checked")).to_have_text(words["quality_medium"])
    no_english(session, f"options-{language}")
    page.click("#options-toggle")

    send(session, "a lighthouse at dusk")
    first = last_turn(session)
    wait_final(first)
    expect(page.locator("#live-status")).to_have_text(words["live"])
    first.locator("details.revised summary").click()
    expect(first.locator("details.revised summary")).to_have_text(words["revised"])
    no_english(session, f"finished-turn-{language}")

    send(session, "make it snow")
    second = last_turn(session)
    wait_final(second)
    no_english(session, f"follow-up-{language}")

    second.get_by_role("button", name=words["compare"]).click()
    compare = page.locator("#compare-dialog")
    expect(compare).to_be_visible()
    no_english(session, f"compare-{language}")
    compare.get_by_role("button", name=words["side_by_side"]).click()
    expect(compare.locator("figcaption")).to_have_count(2)
    no_english(session, f"compare-side-{language}")
    compare.get_by_role("button", name=words["close"]).click()

    second.get_by_role("button", name=words["paint_mask"]).click()
    mask = page.locator("#mask-dialog")
    expect(mask.locator("canvas")).to_be_visible()
    no_english(session, f"mask-{language}")
    mask.get_by_role("button", name=words["cancel"]).click()
    expect(mask).to_be_hidden()

    second.get_by_role("button", name=words["flag"]).click()
    flag = page.locator("#flag-dialog")
    expect(flag.locator("#flag-reason")).to_be_visible()
    no_english(session, f"flag-{language}")
    flag.get_by_role("button", name=words["cancel"]).click()

    second.get_by_role("button", name=words["add_to_gallery"]).click()
    picker = page.locator("#gallery-dialog")
    expect(picker.locator("a[href='/galleries/']")).to_be_visible()
    no_english(session, f"no-gallery-{language}")
    picker.get_by_role("button", name=words["close"]).click()
    conversation_url = page.url

    # With a team: the share menu in the header, a gallery to add to, its lightbox and links.
    page.goto(session.url("/teams/"))
    page.fill("#team-name", "夜班")
    page.locator("#team-name").press("Enter")
    expect(page.locator("h1")).to_contain_text("夜班")
    page.goto(session.url("/galleries/"))
    page.fill("#new-gallery-name", "灯塔")
    page.locator("#new-gallery-name").press("Enter")
    expect(page.locator("#gallery-name")).to_have_text("灯塔")

    page.goto(conversation_url)
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator("#share-team")).to_be_visible()
    second = last_turn(session)
    second.get_by_role("button", name=words["add_to_gallery"]).click()
    expect(picker.locator("#picker-gallery")).to_be_visible()
    no_english(session, f"gallery-picker-{language}")
    picker.locator("button[type=submit]").click()
    expect(picker.locator(".picker-done")).to_contain_text("灯塔")
    no_english(session, f"added-{language}")
    picker.locator(".picker-done a").click()

    page.wait_for_selector("#gallery[data-ready='1']")
    page.locator(".tile-link").first.click()
    expect(page.locator("#lightbox .lightbox-image")).to_be_visible()
    no_english(session, f"lightbox-{language}")
    page.locator("#lightbox .lightbox-close").click()
    page.click("#share-gallery")
    expect(page.locator("#share-dialog .share-create")).to_be_visible()
    page.locator("#share-dialog button[type=submit]").click()
    expect(page.locator("#share-dialog .share-link")).to_have_count(1)
    no_english(session, f"public-links-{language}")


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_a_chinese_prompt_is_shown_and_drawn_in_a_cjk_face(session, language):
    page = session.page
    prompt = CJK_PROMPTS[language]
    sign_up_in(session, language)
    send(session, prompt)
    turn = last_turn(session)
    wait_final(turn)
    expect(page.locator("#conversation-title")).to_have_text(prompt)
    expect(turn.locator(".prompt-text")).to_have_text(prompt)
    turn.locator("details.revised summary").click()
    expect(turn.locator("details.revised p")).to_contain_text(prompt)
    expect(page.locator(".conversation-item.active")).to_contain_text(prompt)
    session.shot(f"chinese-prompt-{language}")

    for selector in ("#conversation-title", f"#{turn.get_attribute('id')} .prompt-text"):
        fonts = platform_fonts(page, selector)
        assert any(CJK_FACE[language] in font for font in fonts), (selector, fonts)


def test_a_refused_option_reads_in_chinese(session):
    page = session.page
    sign_up_in(session, "zh-hans")
    session.allow_console_error("400")

    # The page offers only what the model supports; a stale page could still send more.
    def stale_quality(route):
        body = route.request.post_data.replace('"quality":"medium"', '"quality":"ultra"')
        route.continue_(post_data=body)

    page.route(re.compile(r"/api/conversations/\d+/turns/$"), stale_quality)
    page.fill("#prompt", "a harbour at night")
    page.press("#prompt", "Enter")
    error = page.locator("#composer-error")
    expect(error).to_be_visible()
    expect(page.locator("#options-panel")).to_be_visible()
    session.shot("refused-option-zh-hans")
    expect_chinese_from_the_server(error.inner_text())


def test_a_provider_failure_reads_in_chinese(session):
    words = WORDS["zh-hans"]
    page = session.page
    sign_up_in(session, "zh-hans")
    send(session, "a harbour at night [fault:insufficient_quota]")
    turn = last_turn(session)
    expect(turn).to_have_attribute("data-status", "failed", timeout=20_000)
    expect(turn.locator(".turn-error strong")).to_have_text(words["failed"])
    expect(turn.get_by_role("button", name=words["retry"])).to_be_visible()
    session.shot("provider-failure-zh-hans")
    message = turn.locator(".turn-error p").inner_text()
    assert [text for text in english_text_on(page) if text != message] == []
    expect_chinese_from_the_server(message)


def test_a_prompt_sent_before_the_options_load_goes_with_them(session):
    page = session.page
    session.sign_up()
    held = []
    page.route("**/api/capabilities/**", lambda route: held.append(route))
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request)
            if request.method == "POST" and request.url.endswith("/turns/")
            else None
        ),
    )
    page.goto(session.url("/"))
    while not held:  # the page's modules run, and ask for the options
        page.wait_for_timeout(50)
    page.fill("#prompt", "a paper boat on a pond")
    page.press("#prompt", "Enter")
    expect(page.locator("#send")).to_be_disabled()
    assert not sent and page.locator(TURN).count() == 0

    for route in held:
        route.continue_()
    page.unroute("**/api/capabilities/**")
    expect(page.locator(TURN)).to_have_count(1)
    options = json.loads(re.search(r'name="options"\r\n\r\n(.*?)\r\n', sent[0].post_data)[1])
    assert options["model"] and options["size"] == "1024x1024" and options["quality"] == "medium"


def test_a_blocked_turn_quotes_the_provider_in_a_chinese_page(session):
    page = session.page
    username = sign_up_in(session, "zh-hant")
    send(session, "a ship wrecked on the rocks [fault:moderation]")
    turn = last_turn(session)
    expect(turn).to_have_attribute("data-status", "blocked", timeout=20_000)
    error = turn.locator(".turn-error")
    # The explanation is the page's; the provider's own words are quoted as it wrote them.
    expect(error).to_contain_text("供應商的說明")
    expect(error).to_contain_text("被標記的類別：sexual。")
    expect(error).not_to_contain_text("safety_violations")
    session.shot("blocked-zh-hant")
    assert english_text_on(page) == []
    # Other tests on this server expect an empty review queue: the blocked turn's case goes.
    session.studio.forget_review_cases(username)
