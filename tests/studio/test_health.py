"""The health endpoint reports each dependency as JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_every_dependency(client, studio_settings):
    response = client.get("/health/")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "channel_layer", "broker", "provider:Simulator"}
    assert all(check["ok"] for check in checks.values()), checks
    assert checks["broker"]["status"].startswith("not used")


def test_an_unreachable_provider_makes_health_fail_with_503(client, studio_settings):
    from providers.models import Provider

    Provider.objects.filter(from_environment=True).update(base_url="http://127.0.0.1:9/v1")
    response = client.get("/health/")
    assert response.status_code == 503
    check = response.json()["checks"]["provider:Simulator"]
    assert check["ok"] is False and "Unreachable" in check["status"]


def test_a_refused_key_is_wrong_key_never_ok(client, studio_settings, sim):

    sim.configure(api_key="sk-the-right-one-0000")
    response = client.get("/health/")
    assert response.status_code == 503
    check = response.json()["checks"]["provider:Simulator"]
    assert check["ok"] is False and "Wrong key" in check["status"]
