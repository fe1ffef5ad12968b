"""Keeping a conversation tidy: deleting a turn with its branch or one image, exporting it."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.test_studio_page import (
    TURN,
    last_turn,
    new_conversation,
    send,
    turn_id,
    wait_final,
)

pytestmark = pytest.mark.browser


def test_delete_a_turn_with_its_branch_and_one_image(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a red door")
    root = page.locator(TURN).first
    wait_final(root)
    send(session, "now blue")
    wait_final(last_turn(session))
    send(session, "with a brass knocker")
    wait_final(last_turn(session))
    doomed = turn_id(page.locator(TURN).nth(1))

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(TURN).nth(1).get_by_role("button", name="Delete this turn").click()
    expect(page.locator(TURN)).to_have_count(1)
    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(page.locator(TURN)).to_have_count(1)
    expect(page.locator(f"#turn-{doomed}")).to_have_count(0)

    send(session, "two images of a door at dusk")
    pair = last_turn(session)
    expect(pair).to_have_attribute("data-status", "completed", timeout=20_000)
    expect(pair.locator("img.layer[data-role=final]")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    pair.get_by_role("button", name="Delete image 1").click()
    expect(pair.locator(".frame")).to_have_count(1)
    expect(pair.get_by_role("button", name="Delete image")).to_have_count(0)
    session.shot("after-deleting")


def test_export_a_conversation_as_a_zip(session, tmp_path):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a kite over the dunes")
    wait_final(last_turn(session))
    with page.expect_download() as download:
        page.click("#export-link")
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("a-kite-over-the-dunes-")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("conversation.json"))
        [turn] = manifest["turns"]
        assert turn["prompt"] == "a kite over the dunes"
        assert turn["revised_prompt"]
        assert turn["options"]["size"] == "1024x1024"
        [image] = turn["images"]
        assert image["file"] in archive.namelist()


def test_favourite_an_image_and_find_it_on_the_favourites_page(session):
    page = session.page
    session.sign_up()
    new_conversation(session)
    send(session, "a fox asleep under a fern")
    turn = last_turn(session)
    wait_final(turn)
    star = turn.get_by_role("button", name="Favourite")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_have_text("★ Favourite")
    page.reload()
    page.wait_for_selector("#studio[data-ready='1']")
    expect(last_turn(session).get_by_role("button", name="Favourite")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.click(".topbar >> text=Favourites")
    expect(page.locator(".favourite")).to_have_count(1)
    expect(page.locator(".favourite-prompt")).to_have_text("a fox asleep under a fern")
    session.shot("favourites")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".favourite")).to_have_count(0)
    expect(page.locator("#favourites-empty")).to_be_visible()
    page.get_by_role("link", name="Studio").first.click()
    page.wait_for_selector("#studio[data-ready='1']")
