"""A team gallery in a real browser: add images from the studio, then browse the grid."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_studio_page import last_turn, new_conversation, send, wait_final

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Teams have no pages to make them with here: the ORM sets the team up on the app's database.
MAKE_TEAM_GALLERY = """
from django.contrib.auth import get_user_model
from galleries.models import Gallery
from teams.models import Membership, Team
user = get_user_model().objects.get(username={username!r})
team = Team.objects.create(name="Harbour crew", created_by=user)
Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
print("gallery", Gallery.objects.create(team=team, name="Harbour studies", created_by=user).pk)
"""
CAPTIONS = ["First light", "High tide", "Evening fog"]


def make_team_gallery(session, username: str) -> int:
    output = session.studio.manage("shell", "-c", MAKE_TEAM_GALLERY.format(username=username))
    return int(re.search(r"gallery (\d+)", output)[1])


def add_to_gallery(session, turn, caption: str) -> None:
    turn.get_by_role("button", name="Add to gallery").click()
    picker = session.page.locator("#gallery-dialog")
    expect(picker.locator("#picker-gallery")).to_contain_text("Harbour studies")
    picker.locator("#picker-caption").fill(caption)
    if caption == CAPTIONS[0]:
        session.shot("picker")
    picker.get_by_role("button", name="Add").click()
    expect(picker).to_contain_text("Added to Harbour studies")
    picker.get_by_role("button", name="Close").click()


def make_public_link(session) -> str:
    page = session.page
    page.get_by_role("button", name="Public links").click()
    dialog = page.locator("#share-dialog")
    dialog.get_by_role("button", name="Create link").click()
    link = dialog.locator(".share-link input")
    expect(link).to_have_count(1)
    session.shot("public-links")
    url = link.input_value()
    dialog.get_by_role("button", name="Close").click()
    return url


def test_gallery_grid_lightbox_keys_download_and_public_link(session, browser):
    page = session.page
    username = session.sign_up()
    gallery_id = make_team_gallery(session, username)
    new_conversation(session)
    for index, caption in enumerate(CAPTIONS):
        send(session, f"a harbour at {caption.lower()}, study {index}")
        turn = last_turn(session)
        wait_final(turn)
        add_to_gallery(session, turn, caption)
    session.shot("added-to-gallery")

    page.click(".topbar >> text=Galleries")
    expect(page.locator(".gallery-card")).to_contain_text("Harbour studies")
    session.shot("galleries")
    page.click(".gallery-card")
    page.wait_for_selector("#gallery[data-ready='1']")
    assert page.url.endswith(f"/galleries/{gallery_id}/")
    tiles = page.locator("#gallery-grid .tile img")
    expect(tiles).to_have_count(3)
    page.wait_for_function(
        "[...document.querySelectorAll('#gallery-grid .tile img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)"
    )
    thumbnail = tiles.first.get_attribute("src")
    assert thumbnail.endswith("?thumbnail=1")
    assert page.request.get(session.url(thumbnail)).headers["content-type"] == "image/webp"
    session.shot("grid")

    # Newest first: the last image added leads.
    tiles.first.click()
    lightbox = page.locator("#lightbox")
    expect(lightbox).to_be_visible()
    expect(lightbox.locator(".lightbox-count")).to_have_text("1 of 3")
    expect(lightbox.locator(".caption-input")).to_have_value("Evening fog")
    expect(lightbox.locator(".lightbox-details")).to_contain_text("gpt-image-2")
    expect(lightbox.locator(".lightbox-details")).to_contain_text(username)
    page.wait_for_selector("#lightbox img.lightbox-image[data-full='1']")
    session.shot("lightbox")
    page.keyboard.press("ArrowRight")
    expect(lightbox.locator(".lightbox-count")).to_have_text("2 of 3")
    expect(lightbox.locator(".caption-input")).to_have_value("High tide")
    page.keyboard.press("ArrowRight")
    expect(lightbox.locator(".caption-input")).to_have_value("First light")
    page.keyboard.press("ArrowRight")  # already the last: stays
    expect(lightbox.locator(".lightbox-count")).to_have_text("3 of 3")
    page.keyboard.press("ArrowLeft")
    expect(lightbox.locator(".caption-input")).to_have_value("High tide")

    with page.expect_download() as started:
        lightbox.get_by_role("link", name="Download").click()
    download = started.value
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as saved:
        assert saved.read(8) == PNG_SIGNATURE

    page.keyboard.press("Escape")
    expect(lightbox).to_be_hidden()

    # By hand the first added comes first; moving one stays moved after a reload.
    captions = page.locator("#gallery-grid .tile-caption")
    page.select_option("#gallery-sort", "hand")
    expect(captions).to_have_text(CAPTIONS)
    tiles.first.click()
    lightbox.get_by_role("button", name="Move later").click()
    expect(lightbox.locator(".lightbox-count")).to_have_text("2 of 3")
    page.keyboard.press("Escape")
    moved = [CAPTIONS[1], CAPTIONS[0], CAPTIONS[2]]
    expect(captions).to_have_text(moved)
    page.reload()
    expect(captions).to_have_text(moved)
    expect(page.locator("#gallery-sort")).to_have_value("hand")

    public_url = make_public_link(session)
    anonymous = browser.new_context()
    try:
        public = anonymous.new_page()
        public.goto(public_url)
        expect(public.locator("#gallery-grid .tile")).to_have_count(3)
        expect(public.locator("#gallery-name")).to_have_text("Harbour studies")
        public.locator("#gallery-grid .tile").first.click()
        expect(public.locator("#lightbox .lightbox-caption")).to_have_text("Evening fog")
        expect(public.locator("#lightbox")).not_to_contain_text(username)
        expect(public.get_by_role("button", name="Remove from gallery")).to_have_count(0)
        public.screenshot(path=str(ARTIFACTS / f"{session.name}-public-page.png"))
    finally:
        anonymous.close()

    # Search narrows the grid; the turn link leads back into the studio.
    page.fill("#gallery-search", "TIDE")
    expect(tiles).to_have_count(1)
    tiles.first.click()
    lightbox.get_by_role("link", name="Open its turn").click()
    page.wait_for_selector("#studio[data-ready='1']")
    turn_id = re.search(r"#turn-(\d+)$", page.url)[1]
    expect(page.locator(f"#turn-{turn_id}")).to_be_in_viewport()
    expect(page.locator(f"#turn-{turn_id} .prompt-text")).to_contain_text("high tide")
