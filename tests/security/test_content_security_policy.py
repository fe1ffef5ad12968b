"""Every response carries a Content-Security-Policy allowing scripts and styles from the
site only; the browser test (tests/browser/test_content_security_policy.py) checks that
the pages keep to it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/teams/", "/no-such-page/"])
def test_pages_send_a_policy_without_inline_script_or_style(client, alice, path):
    client.force_login(alice)
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
