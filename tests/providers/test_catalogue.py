"""Each provider's models, learned from GET /v1/models, with shutdown dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from providers.catalogue import refresh_models
from providers.models import ProviderModel

pytestmark = pytest.mark.django_db


def test_a_refresh_adds_new_models_and_retires_ones_no_longer_listed(environment_provider, sim):
    sim.configure(models=["gpt-image-2", "gpt-image-1", "gpt-5", "acme-image-pro"])
    first = refresh_models(environment_provider)
    assert first.added == ["acme-image-pro", "gpt-5", "gpt-image-1", "gpt-image-2"]

    sim.configure(models=["gpt-image-2", "gpt-5", "acme-image-pro", "gpt-image-2-2026-04-21"])
    second = refresh_models(environment_provider)

    assert second.added == ["gpt-image-2-2026-04-21"] and second.retired == ["gpt-image-1"]
    rows = {m.name: m for m in environment_provider.models.all()}
    assert not rows["gpt-image-1"].listed
    assert rows["gpt-5"].kind == "text" and not rows["gpt-5"].offered
    assert rows["acme-image-pro"].kind == "image" and rows["acme-image-pro"].offered
    environment_provider.refresh_from_db()
    assert environment_provider.models_refreshed_at is not None


def test_shutdown_dates_are_kept_and_warn_thirty_days_ahead(environment_provider, sim):
    soon = date.today() + timedelta(days=20)
    later = date.today() + timedelta(days=90)
    sim.configure(
        models=[
            {"id": "gpt-image-1.5", "shutdown_date": soon.isoformat()},
            {"id": "gpt-image-2", "shutdown_date": later.isoformat()},
        ]
    )
    refresh_models(environment_provider)
    rows = {m.name: m for m in ProviderModel.objects.filter(provider=environment_provider)}
    assert rows["gpt-image-1.5"].shutdown_date == soon and rows["gpt-image-1.5"].retires_soon()
    assert not rows["gpt-image-2"].retires_soon()


def test_openai_shutdown_dates_from_the_table_apply_to_the_openai_lineup_only(
    environment_provider, sim
):
    sim.configure(models=["gpt-image-1", "gpt-image-2"])
    refresh_models(environment_provider)
    row = environment_provider.models.get(name="gpt-image-1")
    assert not row.is_retired()
    environment_provider.openai_lineup = True
    environment_provider.save()
    row = environment_provider.models.get(name="gpt-image-1")
    assert row.effective_shutdown() == date(2026, 10, 23)
    assert row.is_retired(today=date(2026, 11, 30))
