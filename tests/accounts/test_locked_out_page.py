"""The page shown while log-ins are paused reads in the visitor's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    ("accept_language", "heading", "wait"),
    [
        ("zh-CN", "登录失败次数过多", "请在 15 分钟后再试"),
        ("zh-TW", "登入失敗次數過多", "請在 15 分鐘後再試"),
    ],
)
def test_a_locked_out_visitor_reads_why_in_chinese(client, alice, accept_language, heading, wait):
    for _ in range(11):
        response = client.post(
            LOGIN,
            {"username": "alice", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.7",
            HTTP_ACCEPT_LANGUAGE=accept_language,
        )

    assert response.status_code == 429
    page = response.content.decode()
    assert heading in page and wait in page
    assert "Too many failed log-ins" not in page
