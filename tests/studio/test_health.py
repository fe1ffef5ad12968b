"""The health endpoint reports each dependency as JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_every_dependency(client, studio_settings):
    response = client.get("/health/")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "channel_layer", "broker", "upstream"}
    assert all(check["ok"] for check in checks.values()), checks
    assert checks["broker"]["status"].startswith("not used")


def test_an_unreachable_upstream_makes_health_fail_with_503(client, studio_settings):
    studio_settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["upstream"]["ok"] is False
