"""The studio page in a real browser against the embedded app and the simulated provider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import png_bytes

pytestmark = pytest.mark.browser

TURN = "article.turn"
FINAL_TIMEOUT = 20_000


def new_conversation(session) -> None:
    """Open a fresh conversation; it is stored when its first prompt is sent."""
    page = session.page
    if page.locator("#sidebar-toggle").is_visible():
        page.click("#sidebar-toggle")
    page.click("#new-conversation")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator(TURN)).to_have_count(0)
    expect(page.locator("#conversation-title")).to_have_text("Studio")


def current_conversation_id(session) -> int:
    page = session.page
    page.wait_for_url(re.compile(r"/c/\d+/$"))
    page.wait_for_selector("#live-status[data-state=live]")
    return int(re.search(r"/c/(\d+)/", page.url)[1])


def send(session, prompt: str) -> None:
    page = session.page
    count = page.locator(TURN).count()
    page.fill("#prompt", prompt)
    page.press("#prompt", "Enter")
    expect(page.locator(TURN)).to_have_count(count + 1)


def last_turn(session):
    return session.page.locator(TURN).last


def wait_final(turn) -> None:
    expect(turn.locator("img.layer[data-role=final]")).to_be_visible(timeout=FINAL_TIMEOUT)
    expect(turn).to_have_attribute("data-status", "completed", timeout=FINAL_TIMEOUT)


def pick_model(page, model: str, provider: str = "Simulator") -> None:
    """Choose ``model`` in the options panel's group of ``provider``."""
    value = page.eval_on_selector(
        f'#opt-model optgroup[label="{provider}"]',
        "(group, model) => [...group.querySelectorAll('option')]"
        ".find((o) => o.value.slice(o.value.indexOf(':') + 1) === model).value",
        model,
    )
    page.select_option("#opt-model", value)


def turn_id(turn) -> int:
    return int(turn.get_attribute("data-turn-id"))


def responses_requests(session) -> list[dict]:
    return [r for r in session.studio.recorded_requests("/v1/responses") if r["method"] == "POST"]


def png_file(path, color, size=(320, 240)):
    path.write_bytes(png_bytes(size, color, mode="RGB"))
    return path


def test_sign_up_lands_on_the_studio(session):
    page = session.page
    page.goto(session.url("/accounts/signup/"))
    session.shot("signup-form")
    username = session.sign_up()
    expect(page.locator(".topbar .who")).to_have_text(username)
    expect(page.locator("#prompt")).to_be_visible()
    expect(page.locator("#empty-state")).to_be_visible()
    session.shot("studio-empty")


def test_create_rename_search_and_delete_a_conversation(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "fishing boats in a harbour")
    conversation_id = current_conversation_id(session)
    item = page.locator(f".conversation-item[data-conversation-id='{conversation_id}']")
    expect(item).to_have_class(re.compile("active"))
    expect(item).to_contain_text("fishing boats in a harbour")
    item.get_by_role("button", name=re.compile("Rename")).click()
    page.fill(".rename-input", "Harbour studies")
    page.press(".rename-input", "Enter")
    expect(item).to_contain_text("Harbour studies")
    expect(page.locator("#conversation-title")).to_have_text("Harbour studies")
    new_conversation(session)
    send(session, "a quiet forest path")
    other = current_conversation_id(session)
    assert other != conversation_id
    page.fill("#conversation-search", "harbour")
    expect(page.locator(".conversation-item")).to_have_count(1)
    session.shot("search")
    page.fill("#conversation-search", "")
    expect(page.locator(".conversation-item")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f".conversation-item[data-conversation-id='{other}']").get_by_role(
        "button", name=re.compile("Delete")
    ).click()
    expect(page.locator(".conversation-item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/$"))


def test_prompt_streams_partials_then_final_and_revised_prompt(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    expect(page.locator("#estimate")).to_contain_text("image tokens")
    send(session, "a red fox in fresh snow at dawn")
    turn = last_turn(session)
    expect(turn.locator(".stage")).to_be_visible()
    expect(turn.locator(".frame")).to_be_visible()
    wait_final(turn)
    roles = [layer["role"] for layer in page.evaluate("window.__layers")]
    assert "partial" in roles, roles
    assert roles.index("partial") < roles.index("final"), roles
    expect(turn.locator(".stage")).to_be_hidden()
    revised = turn.locator("details.revised")
    expect(revised).to_be_visible()
    revised.locator("summary").click()
    expect(revised.locator("p")).to_contain_text("a red fox in fresh snow at dawn")
    expect(turn.locator(".turn-meta")).to_contain_text("image tokens")
    expect(turn.locator(".turn-meta")).to_contain_text("$")
    revised.get_by_role("button", name="Use this prompt").click()
    expect(page.locator("#prompt")).to_have_value(re.compile("a red fox in fresh snow"))
    # The conversation took its title from the first prompt.
    expect(page.locator("#conversation-title")).to_have_text(re.compile("a red fox"))
    session.shot("final-desktop")


def test_follow_up_continues_the_first_image(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a lighthouse on a cliff")
    first = page.locator(TURN).first
    wait_final(first)
    expect(page.locator(".parent-chip")).to_contain_text("Continuing from")
    send(session, "now make it at night with a full moon")
    second = last_turn(session)
    wait_final(second)
    expect(page.locator(TURN)).to_have_count(2)
    request = responses_requests(session)[-1]
    continued = request["json"].get("previous_response_id") or any(
        "image_generation_call" in str(item) or "input_image" in str(item)
        for item in request["json"].get("input", [])
    )
    assert continued, request["json"]
    # The new image is compared with the one it continues.
    second.get_by_role("button", name="Compare").click()
    dialog = page.locator("#compare-dialog")
    expect(dialog.locator("img.compare-before")).to_be_visible()
    dialog.locator("input[type=range]").fill("30")
    session.shot("compare")
    dialog.get_by_role("button", name="Side by side").click()
    expect(dialog.locator(".compare-side img")).to_have_count(2)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_paint_mask_undo_and_send_inpainting(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a swimming pool in a sunny garden")
    first = page.locator(TURN).first
    wait_final(first)
    first.get_by_role("button", name="Paint mask").click()
    canvas = page.locator("#mask-dialog canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()

    def stroke(x0, y0, x1, y1):
        page.mouse.move(box["x"] + box["width"] * x0, box["y"] + box["height"] * y0)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * x1, box["y"] + box["height"] * y1, steps=8)
        page.mouse.up()

    stroke(0.3, 0.5, 0.6, 0.5)
    stroke(0.2, 0.85, 0.8, 0.85)
    session.shot("mask-two-strokes")
    page.locator("#mask-dialog").get_by_role("button", name="Undo").click()
    alpha = page.evaluate("""() => {
        const c = document.querySelector('#mask-dialog canvas');
        const ctx = c.getContext('2d');
        const at = (fx, fy) =>
            ctx.getImageData(Math.round(c.width * fx), Math.round(c.height * fy), 1, 1).data[3];
        return {first: at(0.45, 0.5), second: at(0.5, 0.85)};
    }""")
    assert alpha["first"] > 0 and alpha["second"] == 0, alpha
    session.shot("mask-after-undo")
    page.click("#mask-apply")
    expect(page.locator(".mask-chip")).to_be_visible()
    send(session, "put a pink flamingo in the pool")
    second = last_turn(session)
    wait_final(second)
    expect(second.locator(".input-thumb[data-role=mask]")).to_be_visible()
    tool = responses_requests(session)[-1]["json"]["tools"][0]
    mask = tool["input_image_mask"]["image_url"]
    assert mask["image"] is True
    assert (mask["width"], mask["height"]) == (1024, 1024)
    assert mask["format"] == "png" and "A" in mask["mode"]


def test_branch_from_first_turn_and_switch_between_branches(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a small wooden cabin in a forest")
    first = page.locator(TURN).first
    wait_final(first)
    send(session, "add snow on the roof")
    wait_final(last_turn(session))
    first_id = turn_id(first)
    first.get_by_role("button", name="Edit from here").click()
    expect(page.locator(".parent-chip")).to_contain_text("Branching from")
    send_branch = "make it a summer scene with flowers"
    page.fill("#prompt", send_branch)
    page.press("#prompt", "Enter")
    branch = last_turn(session)
    expect(branch.locator(".prompt-text")).to_have_text(send_branch)
    wait_final(branch)
    expect(page.locator(TURN)).to_have_count(2)
    switcher = branch.locator(".sibling-switcher")
    expect(switcher).to_contain_text("2 / 2")
    assert responses_requests(session)[-1]["json"] is not None
    session.shot("branch-2-of-2")
    switcher.get_by_role("button", name="Previous version").click()
    expect(last_turn(session).locator(".prompt-text")).to_have_text("add snow on the roof")
    expect(last_turn(session).locator(".sibling-switcher")).to_contain_text("1 / 2")
    assert turn_id(page.locator(TURN).first) == first_id
    session.shot("branch-1-of-2")
    last_turn(session).get_by_role("button", name="Next version").click()
    expect(last_turn(session).locator(".prompt-text")).to_have_text(send_branch)


def test_reload_mid_stream_shows_the_turn_finish(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    session.studio.simulator("POST", "/_simulator/config", json={"latency": [6, 6]})
    send(session, "a hot air balloon over a valley")
    turn = last_turn(session)
    # The picture a person sees; a newer partial may be fading in over an older one.
    partial = turn.get_by_role("img", name=re.compile(r"^Partial image \d"))
    expect(partial).to_be_visible(timeout=10_000)
    session.studio.simulator("POST", "/_simulator/config", json={"latency": [0.3, 0.8]})
    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    turn = last_turn(session)
    expect(turn).to_have_attribute("data-status", "streaming")
    expect(turn.locator(".stage")).to_be_visible()
    expect(turn.get_by_role("img", name=re.compile(r"^Partial image \d"))).to_be_visible()
    session.shot("reloaded-mid-stream")
    wait_final(turn)
    expect(page.locator("#live-status")).to_have_text("Live")


def test_cancel_a_slow_turn(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a very slow painting of a tortoise [fault:slow_first_byte]")
    turn = last_turn(session)
    expect(turn.locator(".stage")).to_contain_text(re.compile("Queued|Generating"))
    session.shot("slow-turn-running")
    turn.get_by_role("button", name="Cancel").click()
    expect(turn).to_have_attribute("data-status", "cancelled")
    expect(turn.locator(".turn-error")).to_contain_text("Cancelled")
    expect(turn.get_by_role("button", name="Retry")).to_be_visible()
    # The slow upstream answer arrives later and must not bring the turn back.
    page.wait_for_timeout(3500)
    expect(turn).to_have_attribute("data-status", "cancelled")
    expect(turn.locator("img.layer[data-role=final]")).to_have_count(0)


def test_reference_images_by_file_picker(session, tmp_path):
    page = session.page
    session.sign_up()
    new_conversation(session)
    files = [
        png_file(tmp_path / "blue.png", (30, 60, 200)),
        png_file(tmp_path / "green.png", (30, 180, 60)),
        png_file(tmp_path / "red.png", (200, 40, 40)),
    ]
    page.set_input_files("#reference-input", [str(f) for f in files])
    thumbs = page.locator(".reference-thumb")
    expect(thumbs).to_have_count(3)
    page.get_by_role("button", name="Remove reference green.png").click()
    expect(thumbs).to_have_count(2)
    session.shot("references")
    send(session, "combine these colours into an abstract poster")
    turn = last_turn(session)
    expect(turn.locator(".input-thumb[data-role=reference]")).to_have_count(2)
    expect(thumbs).to_have_count(0)
    wait_final(turn)
    content = responses_requests(session)[-1]["json"]["input"]
    pictures = [
        part
        for item in content
        for part in item.get("content", [])
        if isinstance(part, dict) and part.get("type") == "input_image"
    ]
    assert len(pictures) == 2, content
    assert all((p["image_url"]["width"], p["image_url"]["height"]) == (320, 240) for p in pictures)


def test_options_follow_the_model(session):
    page = session.page
    session.sign_up()
    page.click("#options-toggle")
    pick_model(page, "gpt-image-2")
    page.select_option("#opt-size", "custom")
    page.fill("#opt-custom_width", "1000")
    page.press("#opt-custom_width", "Tab")
    expect(page.locator("#options-panel .field-error")).to_contain_text("multiples of 16")
    page.fill("#opt-custom_width", "1536")
    page.press("#opt-custom_width", "Tab")
    expect(page.locator("#options-panel .field-error")).to_be_hidden()
    expect(page.locator("#options-summary")).to_contain_text("1536x864")
    session.shot("options-gpt-image-2")
    pick_model(page, "dall-e-3")
    expect(page.locator("#opt-background")).to_have_count(0)
    expect(page.locator("#opt-partial_images")).to_have_count(0)
    expect(page.locator("#opt-api_mode option")).to_have_count(1)
    pick_model(page, "gpt-image-1")
    page.select_option("#opt-quality", "high")
    page.select_option("#opt-size", "1024x1536")
    page.select_option("#opt-partial_images", "2")
    expect(page.locator("#estimate")).to_contain_text("6,440 image tokens")


@pytest.mark.parametrize("session", [PHONE], indirect=True, ids=["phone"])
def test_phone_layout(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a cat sleeping on a windowsill")
    wait_final(last_turn(session))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    expect(page.locator("#sidebar")).not_to_be_in_viewport()
    session.shot("phone-thread")
    page.click("#sidebar-toggle")
    expect(page.locator("#sidebar")).to_be_in_viewport(ratio=1)
    page.wait_for_timeout(300)  # let the drawer finish sliding in before the screenshot
    session.shot("phone-sidebar")
    page.keyboard.press("Escape")
    expect(page.locator("#sidebar-toggle")).to_have_attribute("aria-expanded", "false")
