"""Usage pages and CSV exports: totals, the chart, access; the composer's estimate endpoint."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import Turn
from tests.factories import ConversationFactory
from tests.usage.test_pricing import PROTOCOL_TOKENS
from usage.models import Budget
from usage.selectors import TOKEN_KINDS

pytestmark = pytest.mark.django_db


def spent_turn(conversation, author, *, cost, model="gpt-image-1", days_ago=0, tokens=1000):
    turn = Turn.objects.create(
        conversation=conversation,
        author=author,
        prompt="a kite",
        image_model=model,
        status=Turn.Status.COMPLETED,
        input_text_tokens=tokens // 10,
        input_image_tokens=tokens // 5,
        output_image_tokens=tokens - tokens // 10 - tokens // 5,
        total_tokens=tokens,
        cost=cost,
    )
    Turn.objects.filter(pk=turn.pk).update(queued_at=timezone.now() - timedelta(days=days_ago))
    return turn


@pytest.fixture
def history(conversation, alice, team):
    """Alice's turns over some days and two models, and one too old for the default range."""
    return [
        spent_turn(conversation, alice, cost=Decimal("0.042"), days_ago=0),
        spent_turn(conversation, alice, cost=Decimal("0.011"), days_ago=0, model="gpt-image-2"),
        spent_turn(conversation, alice, cost=Decimal("0.167"), days_ago=3, tokens=4500),
        spent_turn(conversation, alice, cost=None, days_ago=5, model="imagine-9", tokens=10),
        spent_turn(conversation, alice, cost=Decimal("9"), days_ago=45),
    ]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_usage_page_shows_totals_chart_and_models(client, alice, history):
    client.force_login(alice)

    response = client.get("/usage/")

    assert response.status_code == 200
    totals = response.context["report"].totals
    assert totals["turns"] == 4
    assert totals["cost"] == Decimal("0.220")
    assert totals["total_tokens"] == 1000 + 1000 + 4500 + 10
    assert totals["unpriced"] == 1
    html = response.content.decode()
    assert '<svg id="cost-chart"' in html
    assert html.count("<rect ") == 3  # today's two models stacked, and three days ago
    assert [line.model for line in response.context["report"].models][:2] == [
        "gpt-image-1",
        "gpt-image-2",
    ]
    assert 'href="/usage/"' in html  # the navigation link


def test_the_page_takes_the_same_number_of_queries_however_many_turns(
    client, alice, conversation, history
):
    client.force_login(alice)
    Budget.objects.create(user=alice, metric="cost", period="day", limit=5)
    with CaptureQueriesContext(connection) as few:
        client.get("/usage/")
    for day in range(20):
        spent_turn(conversation, alice, cost=Decimal("0.01"), days_ago=day, model=f"m{day % 4}")
    with CaptureQueriesContext(connection) as many:
        client.get("/usage/")
    assert len(many) == len(few)


def test_a_date_range_chooses_the_turns(client, alice, history):
    client.force_login(alice)
    today = timezone.localdate()
    start = (today - timedelta(days=50)).isoformat()
    end = (today - timedelta(days=3)).isoformat()

    response = client.get("/usage/", {"start": start, "end": end})

    assert response.context["report"].totals["turns"] == 3
    assert f"start={start}&amp;end={end}" in response.content.decode()


def test_a_reversed_range_is_refused_and_the_default_shown(client, alice, history):
    client.force_login(alice)
    response = client.get("/usage/", {"start": "2026-05-02", "end": "2026-05-01"})
    assert "The start date comes after the end date." in response.content.decode()
    assert response.context["report"].totals["turns"] == 4


def test_the_page_shows_budgets_and_what_is_left(client, alice, history):
    Budget.objects.create(user=alice, metric="cost", period="day", limit=1)
    client.force_login(alice)
    html = client.get("/usage/").content.decode()
    assert "Daily cost budget" in html
    assert "$0.053 of $1.00" in html
    assert "$0.947 left" in html


def test_csv_totals_equal_the_sum_of_the_turns(client, alice, history):
    client.force_login(alice)

    response = client.get("/usage/export.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows, totals = read_csv(response)
    assert len(rows) == 4
    columns = {name: header.index(name) for name in (*TOKEN_KINDS, "cost_usd")}
    for kind in TOKEN_KINDS:
        assert int(totals[columns[kind]]) == sum(int(row[columns[kind]]) for row in rows)
    costs = [Decimal(row[columns["cost_usd"]]) for row in rows if row[columns["cost_usd"]]]
    assert Decimal(totals[columns["cost_usd"]]) == sum(costs) == Decimal("0.220")
    page = client.get("/usage/").context["report"].totals
    assert int(totals[columns["total_tokens"]]) == page["total_tokens"]
    assert totals[0] == "total" and totals[2] == "4 turns"


def test_csv_cells_cannot_become_spreadsheet_formulas(client, django_user_model, studio_settings):
    mallory = django_user_model.objects.create_user("=cmd", password="correct-horse-9")
    spent_turn(ConversationFactory(owner=mallory), mallory, cost=Decimal("0.01"))
    client.force_login(mallory)
    header, row, _ = read_csv(client.get("/usage/export.csv"))
    assert row[header.index("author")] == "'=cmd"


def test_the_team_page_counts_every_turn_in_shared_conversations(
    client, alice, bob, team, conversation, history
):
    shared = ConversationFactory(owner=alice, team=team)
    spent_turn(shared, alice, cost=Decimal("0.5"))
    spent_turn(shared, bob, cost=Decimal("0.25"))
    client.force_login(bob)

    response = client.get(f"/usage/teams/{team.pk}/")

    assert response.status_code == 200
    assert response.context["report"].totals["cost"] == Decimal("0.75")
    _, *rows, totals = read_csv(client.get(f"/usage/teams/{team.pk}/export.csv"))
    assert sorted(row[2] for row in rows) == ["alice", "bob"]
    assert totals[-1] == "0.750000"


def test_my_page_links_to_my_teams(client, alice, team):
    client.force_login(alice)
    assert f'href="/usage/teams/{team.pk}/"' in client.get("/usage/").content.decode()


@pytest.mark.parametrize("suffix", ["", "export.csv"])
def test_outsiders_get_404_for_a_teams_usage(client, charlie, team, suffix, studio_settings):
    client.force_login(charlie)
    assert client.get(f"/usage/teams/{team.pk}/{suffix}").status_code == 404
    assert client.get(f"/usage/teams/999999/{suffix}").status_code == 404


@pytest.mark.parametrize("path", ["/usage/", "/usage/export.csv"])
def test_the_usage_pages_need_a_login(client, path, studio_settings):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("quality", "size"), list(PROTOCOL_TOKENS))
def test_the_estimate_endpoint_answers_the_table(client, alice, prices, quality, size):
    client.force_login(alice)
    query = {"model": "gpt-image-1", "size": size, "quality": quality, "partial_images": 2}

    answer = client.get("/api/estimate/", query).json()

    tokens = PROTOCOL_TOKENS[quality, size] + 200
    assert answer["tokens"] == tokens
    assert answer["cost"] == pytest.approx(tokens * 40 / 1_000_000)
    assert answer["priced"] and not answer["bills_per_image"]


def test_the_estimate_endpoint_for_a_model_billed_per_image(client, alice, prices):
    client.force_login(alice)
    query = {"model": "dall-e-2", "api_mode": "generate", "size": "256x256", "n": 3}
    answer = client.get("/api/estimate/", query).json()
    assert (answer["tokens"], answer["cost"], answer["bills_per_image"]) == (0, 0.048, True)


def test_the_estimate_endpoint_for_a_chat_model_billed_per_call(client, alice, studio_settings):
    client.force_login(alice)
    query = {"model": "gpt-4o-image-vip", "api_mode": "generate"}
    answer = client.get("/api/estimate/", query).json()
    assert answer["cost"] == 0.1  # one call, four pictures
    assert answer["bills_per_call"] and not answer["bills_per_image"]


def test_the_estimate_endpoint_refuses_nonsense(client, alice, studio_settings):
    assert client.get("/api/estimate/").status_code == 401
    client.force_login(alice)
    bad_size = client.get("/api/estimate/", {"size": "huge"})
    assert bad_size.status_code == 400 and bad_size.json()["error"]["field"] == "size"
    assert client.get("/api/estimate/", {"n": "two"}).status_code == 400


def test_posting_a_turn_over_budget_answers_402_with_the_reason(client, alice, conversation):
    Budget.objects.create(user=alice, metric="tokens", period="day", limit=0)
    client.force_login(alice)
    response = client.post(
        f"/api/conversations/{conversation.pk}/turns/",
        json.dumps({"prompt": "a kite"}),
        content_type="application/json",
    )
    assert response.status_code == 402
    assert "daily token budget" in response.json()["error"]["message"]
    assert not Turn.objects.exists()
