"""A gallery of 10,000 images: its first and deepest pages cost the same few queries."""

from __future__ import annotations

import pytest

from galleries.models import Gallery
from galleries.pagination import DEFAULT_PAGE_SIZE, encode_cursor, order
from tests.galleries.builders import build_large_gallery
from tests.galleries.conftest import login

pytestmark = pytest.mark.django_db

SIZE = 10_000
# The session, its user, the gallery with the member's role, one page of items; pages also
# read the person's moderation standing for the notice every page can show.
API_QUERIES = 4
PAGE_QUERIES = API_QUERIES + 1


@pytest.fixture
def large_gallery() -> tuple[Gallery, object]:
    return build_large_gallery(SIZE)


def deep_cursor(gallery: Gallery, sort: str) -> str:
    """The cursor that opens the page at item 9,000 of the order."""
    item = order(gallery.items.all(), sort)[9_000]
    return encode_cursor(sort, item)


@pytest.mark.parametrize("sort", ["date", "hand"])
def test_first_and_deep_pages_run_the_same_few_queries(
    client, large_gallery, sort, django_assert_num_queries
):
    gallery, member = large_gallery
    login(client, member)
    deep = deep_cursor(gallery, sort)
    pages = [
        (f"/galleries/{gallery.pk}/", {"sort": sort}),
        (f"/galleries/{gallery.pk}/", {"sort": sort, "cursor": deep}),
        (f"/api/galleries/{gallery.pk}/items/", {"sort": sort}),
        (f"/api/galleries/{gallery.pk}/items/", {"sort": sort, "cursor": deep}),
        (
            f"/api/galleries/{gallery.pk}/items/",
            {"sort": sort, "cursor": deep, "q": "STUDY number"},
        ),
    ]
    for url, params in pages:
        with django_assert_num_queries(API_QUERIES if "/api/" in url else PAGE_QUERIES):
            response = client.get(url, params)
        assert response.status_code == 200, (url, params)
        if url.startswith("/api/"):
            body = response.json()
            assert len(body["items"]) == DEFAULT_PAGE_SIZE and body["next_cursor"]
        else:
            assert response.content.decode().count('class="tile"') == DEFAULT_PAGE_SIZE


def test_the_deep_page_continues_where_the_order_says(client, large_gallery):
    gallery, member = large_gallery
    login(client, member)
    expected = list(order(gallery.items.all(), "date").values_list("pk", flat=True)[9_001:9_004])
    page = client.get(
        f"/api/galleries/{gallery.pk}/items/",
        {"cursor": deep_cursor(gallery, "date"), "limit": 3},
    ).json()
    assert [i["id"] for i in page["items"]] == expected
