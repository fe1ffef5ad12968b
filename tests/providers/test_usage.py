"""The usage page and its CSV tell providers apart."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def test_usage_groups_by_provider_and_model(run, client, conversation, alice, gateway):
    gateway.prices = {"gpt-image-2": {"per_call": 0.04}}
    gateway.save()
    run(conversation=conversation, author=alice, prompt="a pear", api_mode="generate")
    run(
        conversation=conversation,
        author=alice,
        prompt="a plum",
        api_mode="generate",
        options={"provider": gateway.pk, "model": "gpt-image-2"},
    )
    client.force_login(alice)

    page = client.get("/usage/").content.decode()
    assert "By provider and model" in page and "Relay" in page and "Simulator" in page

    body = b"".join(client.get("/usage/export.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["provider"], r["image_model"]) for r in rows[:-1]] == [
        ("Simulator", "gpt-image-2"),
        ("Relay", "gpt-image-2"),
    ]
    assert rows[1]["cost_usd"] == "0.040000"
