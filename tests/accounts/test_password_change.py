"""A person changes their password from the top bar's name link."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

OLD, NEW = "an old long passphrase 1", "a brand new passphrase 2"


@pytest.fixture
def dana(client):
    user = get_user_model().objects.create_user("dana", password=OLD)
    client.force_login(user)
    return user


def test_the_name_in_the_top_bar_leads_to_the_password_page(client, dana):
    page = client.get("/").content.decode()
    assert 'href="/accounts/password/"' in page


def test_a_password_change_keeps_this_session_and_logs_out_the_others(client, dana):
    other_browser = client.__class__()
    other_browser.force_login(dana)

    answer = client.post(
        "/accounts/password/",
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )

    assert "Password changed" in answer.content.decode()
    dana.refresh_from_db()
    assert dana.check_password(NEW)
    assert client.get("/usage/").status_code == 200
    assert other_browser.get("/usage/").status_code == 302


def test_a_wrong_old_password_is_refused_and_changes_nothing(client, dana):
    answer = client.post(
        "/accounts/password/",
        {"old_password": "not it", "new_password1": NEW, "new_password2": NEW},
    )
    assert answer.status_code == 200
    assert "Your old password was entered incorrectly" in answer.content.decode()
    dana.refresh_from_db()
    assert dana.check_password(OLD)


def test_the_password_page_reads_in_chinese(client, dana):
    page = client.get("/accounts/password/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "變更密碼" in page and "舊密碼" in page
    page = client.get("/accounts/password/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "修改密码" in page and "旧密码" in page


def test_visitors_are_sent_to_log_in(client):
    assert client.get("/accounts/password/").url.startswith("/accounts/login/")
