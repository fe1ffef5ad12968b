"""Editing in the studio: masks beside references, follow-ups with references, refusals,
editing a sent prompt, the prompt history, several versions at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_studio_page import (
    TURN,
    last_turn,
    new_conversation,
    png_file,
    responses_requests,
    send,
    wait_final,
)

pytestmark = pytest.mark.browser


def sent_images(request: dict) -> list[dict]:
    parts = request["json"]["input"][0]["content"]
    return [part["image_url"] for part in parts if part["type"] == "input_image"]


def paint_mask(session, turn) -> None:
    page = session.page
    turn.get_by_role("button", name="Paint mask").click()
    canvas = page.locator("#mask-dialog canvas")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=6)
    page.mouse.up()
    page.click("#mask-apply")
    expect(page.locator(".mask-chip")).to_be_visible()


def first_image(session):
    new_conversation(session)
    send(session, "a swimming pool in a sunny garden")
    first = session.page.locator(TURN).first
    wait_final(first)
    return first


def test_mask_with_references_edits_the_painted_image_and_survives_a_refusal(session, tmp_path):
    page = session.page
    session.sign_up()
    first = first_image(session)
    paint_mask(session, first)
    files = [
        png_file(tmp_path / "square.png", (0, 90, 200), size=(1024, 1024)),
        png_file(tmp_path / "photo.png", (250, 200, 0), size=(640, 480)),
    ]
    page.set_input_files("#reference-input", [str(f) for f in files])
    expect(page.locator(".reference-thumb")).to_have_count(2)

    # Refused before anything is stored: a prompt over the model's limit.
    session.allow_console_error("status of 400")
    page.fill("#prompt", "x" * 32_001)
    page.press("#prompt", "Enter")
    expect(page.locator("#composer-error")).to_contain_text("32,000")
    expect(page.locator(TURN)).to_have_count(1)
    expect(page.locator(".reference-thumb")).to_have_count(2)
    expect(page.locator(".mask-chip")).to_be_visible()
    session.shot("refused-keeps-inputs")

    send(session, "put the flamingo from the photos in the pool")
    second = last_turn(session)
    wait_final(second)
    expect(second.locator(".input-thumb[data-role=reference]")).to_have_count(2)
    expect(second.locator(".input-thumb[data-role=mask]")).to_have_count(1)
    request = responses_requests(session)[-1]
    sizes = [(i["width"], i["height"]) for i in sent_images(request)]
    assert sizes == [(1024, 1024), (1024, 1024), (640, 480)], sizes
    assert request["json"]["tools"][0]["input_image_mask"]["image_url"]["width"] == 1024


def test_follow_up_with_a_reference_keeps_the_continued_image(session, tmp_path):
    page = session.page
    session.sign_up()
    first_image(session)
    page.set_input_files("#reference-input", [str(png_file(tmp_path / "chair.png", (250, 200, 0)))])
    send(session, "add the yellow chair from this photo")
    second = last_turn(session)
    wait_final(second)
    sizes = [(i["width"], i["height"]) for i in sent_images(responses_requests(session)[-1])]
    assert sizes == [(1024, 1024), (320, 240)], sizes
    final = second.locator("img.layer[data-role=final]")
    assert final.get_attribute("width") == "1024" and final.get_attribute("height") == "1024"


def test_edit_a_sent_prompt_and_walk_the_prompt_history(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a red kite over hills")
    wait_final(last_turn(session))
    send(session, "now at sunset")
    wait_final(last_turn(session))

    prompt = page.locator("#prompt")
    page.fill("#prompt", "")
    prompt.press("ArrowUp")
    expect(prompt).to_have_value("now at sunset")
    prompt.press("ArrowUp")
    expect(prompt).to_have_value("a red kite over hills")
    prompt.press("ArrowDown")
    expect(prompt).to_have_value("now at sunset")
    prompt.press("ArrowDown")
    expect(prompt).to_have_value("")

    # "Edit" puts the prompt back; sending it makes a new version beside the original.
    last_turn(session).get_by_role("button", name="Edit this prompt").click()
    expect(prompt).to_have_value("now at sunset")
    expect(page.locator(".editing-chip")).to_contain_text("New version of")
    page.fill("#prompt", "now at sunrise")
    page.press("#prompt", "Enter")
    edited = last_turn(session)
    expect(edited.locator(".prompt-text")).to_have_text("now at sunrise")
    expect(edited.locator(".sibling-switcher")).to_contain_text("2 / 2")
    expect(page.locator(TURN)).to_have_count(2)
    wait_final(edited)
    expect(page.locator(".editing-chip")).to_have_count(0)


def test_several_versions_of_one_prompt_are_siblings(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    page.click("#options-toggle")
    page.fill("#opt-n", "3")
    page.press("#opt-n", "Tab")
    expect(page.locator("#options-summary")).to_contain_text("3 versions")
    expect(page.locator("#estimate")).to_contain_text("3 versions")
    page.click("#options-toggle")
    page.fill("#prompt", "a paper boat on a pond")
    page.press("#prompt", "Enter")
    turn = page.locator(TURN)
    expect(turn).to_have_count(1)
    expect(turn.locator(".sibling-switcher")).to_contain_text("1 / 3")
    wait_final(turn)
    for _ in range(2):
        turn.get_by_role("button", name="Next version").click()
        wait_final(page.locator(TURN))
    expect(turn.locator(".sibling-switcher")).to_contain_text("3 / 3")
    assert len(responses_requests(session)) >= 3
