"""Whole pages in Simplified and Traditional Chinese, and refusals in the reader's language."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from teams.models import Membership, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour(alice, bob):
    team = Team.objects.create(name="Harbour")
    Membership.objects.create(team=team, user=alice, role=Membership.Role.OWNER)
    Membership.objects.create(team=team, user=bob, role=Membership.Role.VIEWER)
    return team


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["成员", "所有者", "查看者", "邀请", "共享的对话", "退出团队", "退出登录"]),
        ("zh-hant", ["成員", "擁有者", "檢視者", "邀請", "共享的對話", "退出團隊", "登出"]),
    ],
)
def test_a_team_page_in_chinese(client, alice, harbour, language, words):
    client.force_login(alice)
    page = client.get(
        reverse("teams:detail", args=[harbour.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'<html lang="{language}">' in page
    for word in words:
        assert word in page
    for english in ("Members", "Shared conversations", "Leave the team", "Log out"):
        assert english not in page


def test_a_refusal_in_a_team_form_is_in_chinese(client, bob, harbour):
    client.force_login(bob)
    response = client.post(
        reverse("teams:action", args=[harbour.pk, "rename"]),
        {"name": "Port"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 403
    assert "只有团队所有者才能这样做。" in response.content.decode()


def test_a_refusal_in_the_json_api_is_in_the_requests_language(client, bob, harbour):
    client.force_login(bob)
    response = client.post(
        reverse("galleries:galleries"),
        data=json.dumps({"team_id": harbour.pk, "name": "Boats"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-TW",
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "你可以檢視該團隊的圖庫，但不能新增；請讓團隊擁有者把你設為編輯者。"
    )


def test_the_review_queue_in_traditional_chinese(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x-9", is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("moderation:queue"), HTTP_ACCEPT_LANGUAGE="zh-HK").content.decode()
    for word in ("審核佇列", "稽核紀錄", "篩選", "這裡沒有需要審核的內容。", "任意原因"):
        assert word in page


def test_the_usage_page_in_simplified_chinese(client, alice):
    client.force_login(alice)
    page = client.get(reverse("usage:mine"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    for word in ("费用", "轮次", "按模型和提供商统计的每日费用", "预算", "US$0.00", "导出 CSV"):
        assert word in page
    assert "年" in page.split('id="totals"', 1)[1]  # the date range, as Chinese dates


def test_the_delete_confirmation_quotes_the_team_name_once(client, alice, harbour):
    harbour.name = "O'Hara <b>"
    harbour.save()
    client.force_login(alice)
    page = client.get(
        reverse("teams:detail", args=[harbour.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    confirm = page.split('data-confirm="', 1)[1].split('"', 1)[0]
    assert confirm.startswith("要删除 O&#x27;Hara &lt;b&gt; 及其图库吗？")
