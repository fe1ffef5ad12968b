"""Administrators set budgets in the Django admin."""

from __future__ import annotations

import pytest

from tests.factories import TeamFactory
from usage.models import Budget

pytestmark = pytest.mark.django_db


def test_budgets_are_listed_filtered_and_searched(admin_client, alice):
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=5000)
    Budget.objects.create(team=TeamFactory(name="Kites"), metric="cost", period="month", limit=20)

    listed = admin_client.get("/admin/usage/budget/")
    assert listed.status_code == 200
    assert "user alice" in listed.content.decode() and "team Kites" in listed.content.decode()
    searched = admin_client.get("/admin/usage/budget/", {"q": "kites", "metric": "cost"})
    assert searched.context["cl"].result_count == 1


def test_an_admin_form_refuses_a_budget_for_nobody(admin_client):
    response = admin_client.post(
        "/admin/usage/budget/add/", {"metric": "cost", "period": "day", "limit": "5"}
    )
    assert response.status_code == 200
    assert "choose exactly one" in response.content.decode()
    assert not Budget.objects.exists()
