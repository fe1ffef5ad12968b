"""The admin lists galleries, items (with a thumbnail) and public links for staff."""

from __future__ import annotations

import pytest

from tests.galleries.conftest import login

pytestmark = pytest.mark.django_db


def test_staff_browse_galleries_items_and_links(admin_client, gallery, item, public_link):
    for url in (
        "/admin/galleries/gallery/",
        f"/admin/galleries/gallery/{gallery.pk}/change/",
        "/admin/galleries/galleryitem/?q=fox",
        f"/admin/galleries/galleryitem/{item.pk}/change/",
        "/admin/galleries/publiclink/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    items = admin_client.get("/admin/galleries/galleryitem/").content.decode()
    thumbnail = f"/admin/galleries/galleryitem/{item.pk}/thumbnail/"
    assert thumbnail in items and "Dawn fox" in items
    served = admin_client.get(thumbnail)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"


def test_the_admin_thumbnail_is_for_staff_only(client, item, people):
    login(client, people["owner"])
    response = client.get(f"/admin/galleries/galleryitem/{item.pk}/thumbnail/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
