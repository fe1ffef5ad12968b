"""A public link shows one gallery to anyone, read-only, until it is revoked or expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.models import Image
from galleries import services
from galleries.models import PublicLink
from tests.galleries.conftest import login, make_image

pytestmark = pytest.mark.django_db

JSON = "application/json"


def urls(link, item) -> list[str]:
    return [
        f"/g/{link.token}/",
        f"/g/{link.token}/items/",
        f"/g/{link.token}/items/{item.pk}/image/",
        f"/g/{link.token}/items/{item.pk}/image/?thumbnail=1",
    ]


def test_anyone_with_the_link_sees_the_gallery_read_only(client, public_link, item):
    page = client.get(f"/g/{public_link.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Best of" in html and "Dawn fox" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page["Cache-Control"]
    assert "Rename" not in html and "Remove from gallery" not in html
    listed = client.get(f"/g/{public_link.token}/items/").json()["items"]
    assert [i["caption"] for i in listed] == ["Dawn fox"]
    # Names, ids and links into the team's conversations stay private.
    assert not {"added_by", "image_id", "turn_url", "gallery_id"} & set(listed[0])
    assert listed[0]["url"].startswith(f"/g/{public_link.token}/items/")
    full = client.get(listed[0]["url"])
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert client.get(listed[0]["thumbnail_url"])["Content-Type"] == "image/webp"
    download = client.get(listed[0]["download_url"])
    assert download["Content-Disposition"].startswith("attachment;")
    assert client.post(f"/g/{public_link.token}/items/").status_code == 405


def test_a_revoked_link_shows_nothing(client, public_link, item):
    services.revoke_public_link(link=public_link)
    for url in urls(public_link, item):
        assert client.get(url).status_code == 404, url


def test_an_expired_link_shows_nothing(client, public_link, item):
    PublicLink.objects.filter(pk=public_link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for url in urls(public_link, item):
        assert client.get(url).status_code == 404, url


def test_a_link_that_has_not_expired_yet_works(client, gallery, people, item):
    link = services.create_public_link(
        gallery=gallery, created_by=people["owner"], expires_at=timezone.now() + timedelta(hours=1)
    )
    for url in urls(link, item):
        assert client.get(url).status_code == 200, url


def test_the_link_shows_only_its_own_gallery(client, public_link, item, team, people, media):
    other_gallery = services.create_gallery(team=team, name="Other", created_by=people["owner"])
    other_item = services.add_item(
        gallery=other_gallery, image=make_image(item.image.turn.conversation), added_by=None
    )
    image_url = f"/g/{public_link.token}/items/{other_item.pk}/image/"
    assert client.get(image_url).status_code == 404
    listed = client.get(f"/g/{public_link.token}/items/").json()["items"]
    assert [i["id"] for i in listed] == [item.pk]


@pytest.mark.parametrize("token", ["nope", "x" * 65, "a" * 32, "a.b"])
def test_unknown_tokens_are_not_found(client, public_link, item, token):
    assert client.get(f"/g/{token}/").status_code == 404
    assert client.get(f"/g/{token}/items/").status_code == 404
    assert client.get(f"/g/{token}/items/{item.pk}/image/").status_code == 404


def test_hidden_images_are_gone_from_the_public_page_for_everyone(
    client, public_link, item, people, django_user_model
):
    Image.objects.filter(pk=item.image_id).update(moderation=Image.Moderation.HIDDEN)
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    for viewer in (None, staff):
        if viewer is not None:
            login(client, viewer)
        assert "Dawn fox" not in client.get(f"/g/{public_link.token}/").content.decode()
        assert client.get(f"/g/{public_link.token}/items/").json()["items"] == []
        image = client.get(f"/g/{public_link.token}/items/{item.pk}/image/")
        assert image.status_code == 404


def test_owners_create_list_and_revoke_links(client, gallery, people, item):
    login(client, people["owner"])
    api = f"/api/galleries/{gallery.pk}/links/"
    soon = (timezone.now() + timedelta(days=7)).isoformat()
    created = client.post(api, {"expires_at": soon}, content_type=JSON)
    assert created.status_code == 201
    link = created.json()
    assert link["is_open"] and link["expires_at"] and link["url"].startswith("/g/")
    assert client.get(link["url"]).status_code == 200
    assert [x["id"] for x in client.get(api).json()["links"]] == [link["id"]]
    revoked = client.post(f"{api}{link['id']}/revoke/").json()
    assert not revoked["is_open"] and revoked["revoked_at"]
    client.logout()
    assert client.get(link["url"]).status_code == 404


@pytest.mark.parametrize(
    "expires_at",
    ["tomorrow", "2020-01-01T00:00:00Z", 12, ["2030-01-01"]],
)
def test_a_bad_expiry_is_refused(client, gallery, people, expires_at):
    login(client, people["owner"])
    response = client.post(
        f"/api/galleries/{gallery.pk}/links/", {"expires_at": expires_at}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "expires_at"
    assert not PublicLink.objects.exists()


def test_an_expiry_without_a_zone_is_taken_as_utc(client, gallery, people):
    login(client, people["owner"])
    response = client.post(
        f"/api/galleries/{gallery.pk}/links/",
        {"expires_at": "2100-01-01T12:00:00"},
        content_type=JSON,
    )
    assert response.json()["expires_at"] == "2100-01-01T12:00:00+00:00"


def test_bad_paging_on_the_public_page_is_a_400(client, public_link):
    assert client.get(f"/g/{public_link.token}/?cursor=garbage").status_code == 400
    response = client.get(f"/g/{public_link.token}/items/?sort=size")
    assert response.status_code == 400 and response.json()["error"]["field"] == "sort"


def test_a_revoked_link_says_so_in_plain_words(client, public_link, item):
    services.revoke_public_link(link=public_link)
    response = client.get(f"/g/{public_link.token}/")
    assert response.status_code == 404
    assert b"This link was revoked or has expired" in response.content
    assert b"Dawn fox" not in response.content
