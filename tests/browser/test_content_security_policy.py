"""Every main page runs under the Content-Security-Policy without a single violation: no
inline script, no inline style, nothing from another origin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.test_gallery_page import make_team_gallery
from tests.browser.test_studio_page import (
    current_conversation_id,
    last_turn,
    new_conversation,
    send,
    wait_final,
)

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""
MAKE_STAFF_WITH_A_BUDGET = """
from django.contrib.auth import get_user_model
from usage.models import Budget
user = get_user_model().objects.get(username={username!r})
user.is_staff = user.is_superuser = True
user.save()
Budget.objects.create(user=user, period="month", metric="cost", limit=5)
"""


def visit(session, path: str, *, ready: str = "main") -> None:
    page = session.page
    page.goto(session.url(path))
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    assert violations == [], f"{path}: {violations}"
    session.shot(re.sub(r"\W+", "-", path).strip("-") or "studio")


def test_the_main_pages_show_no_csp_violations(session):
    page = session.page
    page.context.add_init_script(RECORD_VIOLATIONS)
    username = session.sign_up()
    headers = page.goto(session.url("/")).headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy

    gallery_id = make_team_gallery(session, username)
    session.studio.manage("shell", "-c", MAKE_STAFF_WITH_A_BUDGET.format(username=username))
    new_conversation(session)
    send(session, "a lighthouse at dusk")
    wait_final(last_turn(session))
    conversation_id = current_conversation_id(session)
    last_turn(session).get_by_role("button", name="Paint mask").click()
    expect(page.locator(".mask-stage")).to_be_visible()
    assert page.evaluate("window.__violations") == []

    for path in (
        f"/c/{conversation_id}/",
        "/galleries/",
        f"/galleries/{gallery_id}/",
        "/teams/",
        "/usage/",
        "/moderation/",
        "/admin/",
    ):
        visit(session, path, ready="body")
    # The error pages are checked where DEBUG is off, as under `make run`:
    # tests/studio/test_run_embedded.py.
    page.goto(session.url("/teams/"))
    page.locator("a[href^='/teams/']").filter(has_text="Harbour crew").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("#invite-link button").click()
    expect(page.locator("input.copy-field")).to_have_count(1)
    assert page.evaluate("window.__violations") == []


def test_the_log_in_pages_show_no_csp_violations(session):
    session.page.context.add_init_script(RECORD_VIOLATIONS)
    for path in ("/accounts/login/", "/accounts/signup/", "/admin/login/"):
        visit(session, path, ready="main form")
    page = session.page
    page.goto(session.url("/accounts/login/"))
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
