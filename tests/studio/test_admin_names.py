"""The admin names its sections and models in the staff member's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="correct-horse-9")
    client.force_login(boss)
    return client


@pytest.mark.parametrize(
    ("accept", "names"),
    [
        ("en", ["Conversations", "Turns", "Review cases", "Blocked terms", "Public links"]),
        ("zh-CN", ["对话", "轮次", "审核事项", "屏蔽词", "公开链接", "账号", "用量"]),
        ("zh-TW", ["對話", "回合", "審核案件", "禁用詞", "公開連結", "帳號", "用量"]),
    ],
)
def test_the_admin_index_names_apps_and_models_in_the_language(admin_client, accept, names):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    for name in names:
        assert f">{name}<" in page
