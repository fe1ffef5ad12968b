"""Staff manage providers in the product: list, add from a preset, edit, test, refresh."""

from __future__ import annotations

import pytest

from providers.models import Provider
from tests.providers.conftest import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff, studio_settings):
    client.force_login(staff)
    return client


def follow_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_members_who_are_not_staff_get_404(client, alice, studio_settings):
    client.force_login(alice)
    assert client.get("/providers/").status_code == 404
    assert client.post("/providers/add/", {"preset": "openai", "name": "X"}).status_code == 404
    assert not Provider.objects.filter(name="X").exists()


def test_staff_add_a_provider_from_a_preset_and_see_only_the_last_four(staff_client, gateway_sim):
    response = staff_client.post(
        "/providers/add/",
        {"preset": "gateway", "name": "Relay", "base_url": gateway_sim.url, "api_key": SECRET},
        follow=True,
    )
    provider = Provider.objects.get(name="Relay")
    assert (provider.wire_profile, provider.stored_ids, provider.max_retries) == (
        "gateway",
        False,
        0,
    )
    page = response.content.decode()
    assert SECRET not in page and "…WXYZ" in page


@pytest.mark.parametrize(
    ("setup", "verdict"),
    [
        ("right key", "Works: the provider lists"),
        ("wrong key", "Wrong key"),
        ("unreachable", "Unreachable"),
        ("not openai", "Not OpenAI-compatible"),
    ],
)
def test_test_connection_answers_in_plain_words(staff_client, gateway, gateway_sim, setup, verdict):
    if setup == "wrong key":
        gateway_sim.configure(api_key="sk-another-key-entirely-0000")
    elif setup == "unreachable":
        gateway.base_url = "http://127.0.0.1:9/v1"
    elif setup == "not openai":
        gateway.base_url = gateway_sim.base + "/_simulator"
    gateway.save()
    response = staff_client.post(f"/providers/{gateway.pk}/test/", follow=True)
    assert verdict in follow_messages(response)


def test_refresh_models_fills_the_catalogue_shown_on_the_page(staff_client, gateway, gateway_sim):
    gateway_sim.configure(
        models=["gpt-image-2", {"id": "gpt-image-1", "shutdown_date": "2099-01-01"}]
    )
    response = staff_client.post(f"/providers/{gateway.pk}/refresh/", follow=True)
    assert "2 models listed" in follow_messages(response)
    page = response.content.decode()
    assert 'data-model="gpt-image-2"' in page and "1 Jan 2099" in page


def test_edit_keeps_the_key_when_left_empty_and_refuses_bad_input(staff_client, gateway):
    form = {
        "name": "Relay two",
        "base_url": gateway.base_url,
        "wire_profile": "gateway",
        "enabled": "on",
        "endpoints": ["responses", "generate"],
        "max_retries": "1",
        "timeout_seconds": "600",
        "prices": '{"gpt-image-2": {"per_call": 0.05}}',
        "api_key": "",
    }
    staff_client.post(f"/providers/{gateway.pk}/edit/", form)
    gateway.refresh_from_db()
    assert (gateway.name, gateway.timeout_seconds, gateway.key_hint) == ("Relay two", 600, "…WXYZ")
    assert gateway.prices == {"gpt-image-2": {"per_call": 0.05}}
    bad = staff_client.post(
        f"/providers/{gateway.pk}/edit/", {**form, "prices": "{not json"}, follow=True
    )
    assert "not valid JSON" in follow_messages(bad)
    bad = staff_client.post(
        f"/providers/{gateway.pk}/edit/", {**form, "base_url": "ftp://x"}, follow=True
    )
    assert "http:// or https://" in follow_messages(bad)


def test_a_disabled_provider_is_no_longer_offered(staff_client, gateway):
    staff_client.post(f"/providers/{gateway.pk}/disable/")
    gateway.refresh_from_db()
    assert not gateway.enabled
    offered = staff_client.get("/api/capabilities/").json()
    assert gateway.pk not in {p["id"] for p in offered["providers"]}


def test_staff_set_the_site_default_model(staff_client, gateway):
    staff_client.post("/providers/default/", {"default": f"{gateway.pk}:gpt-image-2"})
    offered = staff_client.get("/api/capabilities/").json()
    assert offered["default_model"] == f"{gateway.pk}:gpt-image-2"
    refused = staff_client.post("/providers/default/", {"default": f"{gateway.pk}:"}, follow=True)
    assert refused.status_code == 200


def test_staff_switch_background_resume_off_and_on(staff_client, studio_settings):
    added = staff_client.post(
        "/providers/add/",
        {"preset": "openai", "name": "Direct", "base_url": "https://api.openai.com/v1"},
    )
    assert added.status_code == 302
    provider = Provider.objects.get(name="Direct")
    assert provider.background_resume  # the OpenAI preset keeps background responses
    form = {
        "name": "Direct",
        "base_url": provider.base_url,
        "wire_profile": "openai",
        "enabled": "on",
        "endpoints": provider.endpoints,
        "stored_ids": "on",
        "max_retries": "2",
        "timeout_seconds": "300",
        "prices": "{}",
    }
    staff_client.post(f"/providers/{provider.pk}/edit/", form)
    provider.refresh_from_db()
    assert not provider.background_resume
    staff_client.post(f"/providers/{provider.pk}/edit/", {**form, "background_resume": "on"})
    provider.refresh_from_db()
    assert provider.background_resume
    page = staff_client.get(f"/providers/{provider.pk}/")
    assert b'name="background_resume" checked' in page.content
