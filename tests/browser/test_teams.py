"""Two people in two browsers: a team, an invitation, a shared conversation, a removal."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_studio_page import (
    current_conversation_id,
    last_turn,
    new_conversation,
    send,
    wait_final,
)

pytestmark = pytest.mark.browser


def create_team(session, name: str) -> str:
    page = session.page
    page.goto(session.url("/teams/"))
    page.fill("#team-name", name)
    page.click("text=Create team")
    expect(page.locator("h1")).to_contain_text(name)
    return page.url


def test_a_team_shares_a_conversation_and_removal_ends_access(session, second_session):
    owner, member = session, second_session
    member_name = member.sign_up()
    owner.sign_up()

    team_url = create_team(owner, "Night shift")
    owner.page.fill("#invite-user input[name=username]", member_name)
    owner.page.select_option("#invite-user select[name=role]", "viewer")
    owner.page.click("#invite-user button")
    expect(owner.page.locator(".flash")).to_contain_text("is invited")
    owner.shot("invited")

    member.page.goto(member.url("/teams/"))
    expect(member.page.locator("#invitations")).to_contain_text("Night shift")
    member.shot("invitation")
    member.page.click("#invitations >> text=Accept")
    expect(member.page.locator("#my-role")).to_have_text("viewer")

    owner.page.goto(owner.url("/"))
    owner.page.wait_for_selector("#studio[data-ready='1']")
    new_conversation(owner)
    send(owner, "a lighthouse at night")
    conversation_id = current_conversation_id(owner)
    wait_final(last_turn(owner))
    owner.page.select_option("#share-team", label="Shared · Night shift")
    expect(owner.page.locator(".conversation-item.active")).to_contain_text("Night shift")
    owner.shot("shared")

    member.page.goto(member.url(f"/c/{conversation_id}/"))
    member.page.wait_for_selector("#live-status[data-state=live]")
    expect(member.page.locator("#read-only-note")).to_contain_text("You are watching")
    expect(member.page.locator("#composer")).to_be_hidden()
    wait_final(last_turn(member))
    member.shot("watching")

    # A new turn by the owner reaches the member live.
    send(owner, "now with fog")
    expect(member.page.locator("article.turn")).to_have_count(2, timeout=20_000)
    wait_final(last_turn(member))

    # The owner starts a team gallery and adds the image; the member sees it in the lightbox.
    owner.page.goto(owner.url("/galleries/"))
    owner.page.fill("#new-gallery-name", "Best of the night")
    owner.page.click("#new-gallery >> text=Create gallery")
    owner.page.wait_for_url(re.compile(r"/galleries/\d+/$"))
    gallery_path = re.search(r"/galleries/\d+/$", owner.page.url)[0]
    owner.page.goto(owner.url(f"/c/{conversation_id}/"))
    turn = owner.page.locator("article.turn").first
    wait_final(turn)
    turn.get_by_role("button", name="Add to gallery").click()
    picker = owner.page.locator("#gallery-dialog")
    expect(picker.locator("#picker-gallery")).to_contain_text("Best of the night")
    picker.locator("#picker-caption").fill("Lamp lit")
    picker.get_by_role("button", name="Add").click()
    expect(picker).to_contain_text("Added to Best of the night")
    picker.get_by_role("button", name="Close").click()

    member.page.goto(member.url(gallery_path))
    member.page.wait_for_selector("#gallery[data-ready='1']")
    member.page.locator("#gallery-grid .tile").first.click()
    lightbox = member.page.locator("#lightbox")
    expect(lightbox).to_be_visible()
    expect(lightbox).to_contain_text("Lamp lit")
    member.page.wait_for_selector("#lightbox img.lightbox-image[data-full='1']")
    member.shot("lightbox")
    # Any member may flag what they see for the staff's review.
    lightbox.get_by_role("button", name="Flag").click()
    flag = member.page.locator("#flag-dialog")
    flag.locator("#flag-reason").select_option("other")
    flag.get_by_role("button", name="Send to review").click()
    expect(flag).to_contain_text("staff will review")
    flag.get_by_role("button", name="Done").click()
    count_flags = (
        "from moderation.models import Flag; print(Flag.objects.filter("
        f"reporter__username={member_name!r}, gallery_item__isnull=False).count())"
    )
    flags = member.studio.manage("shell", "-c", count_flags)
    assert flags.strip().splitlines()[-1] == "1"
    member.page.keyboard.press("Escape")
    member.page.goto(member.url(f"/c/{conversation_id}/"))
    member.page.wait_for_selector("#live-status[data-state=live]")

    owner.page.goto(team_url)
    owner.page.locator(f"#members li[data-username='{member_name}']").get_by_role(
        "button", name="Remove"
    ).click()
    expect(owner.page.locator(".flash")).to_contain_text("was removed")

    # The member's open page loses its socket at once, and the conversation is gone for them.
    expect(member.page.locator("#read-only-note")).to_have_text(
        "You no longer have access to this conversation."
    )
    expect(member.page.locator("#live-status")).to_have_attribute("data-state", "idle")
    member.shot("access-ended")
    response = member.page.goto(member.url(f"/c/{conversation_id}/"))
    assert response.status == 404
    assert member.page.goto(member.url(gallery_path)).status == 404
    member.shot("removed")
    # The browser reports the 404 it was asked to load; nothing else may be in the console.
    member.errors = [e for e in member.errors if "status of 404" not in e]
