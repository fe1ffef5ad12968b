"""The gallery pages and JSON endpoints: what an item shows, media, moderation, bad input."""

from __future__ import annotations

import pytest

from conversations.models import Image
from galleries import services
from galleries.models import GalleryItem
from tests.factories import ConversationFactory
from tests.galleries.conftest import items_of, login, make_image

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_an_item_shows_its_prompt_model_options_and_who_added_it(
    editor, gallery, shared_conversation
):
    image = make_image(
        shared_conversation, prompt="a red fox", revised_prompt="A red fox in snow, photoreal"
    )
    response = editor.post(
        f"/api/galleries/{gallery.pk}/items/",
        {"image_id": image.pk, "caption": " First light "},
        content_type=JSON,
    )
    assert response.status_code == 201
    item = response.json()
    assert item["caption"] == "First light"
    assert item["prompt"] == "a red fox"
    assert item["revised_prompt"] == "A red fox in snow, photoreal"
    assert item["model"] == "gpt-image-1"
    assert item["options"] == {"size": "1024x1024", "quality": "high"}
    assert item["added_by"] == "bob"
    assert (item["width"], item["height"], item["format"]) == (48, 32, "png")
    base = f"/galleries/{gallery.pk}/items/{item['id']}/image/"
    assert item["url"] == base
    assert item["thumbnail_url"] == f"{base}?thumbnail=1"
    assert item["download_url"] == f"{base}?download=1"
    turn_id = image.turn_id
    assert item["turn_url"] == f"/c/{shared_conversation.pk}/#turn-{turn_id}"
    assert items_of(editor, gallery)["items"] == [item]


def test_the_link_back_shows_only_to_those_who_can_open_the_conversation(
    client, gallery, people, media
):
    private = ConversationFactory(owner=people["editor"], team=None)
    services.add_item(gallery=gallery, image=make_image(private), added_by=people["editor"])
    login(client, people["editor"])
    assert items_of(client, gallery)["items"][0]["turn_url"].startswith(f"/c/{private.pk}/")
    login(client, people["viewer"])
    [item] = items_of(client, gallery)["items"]
    assert item["turn_url"] is None
    # The image itself still shows, through the gallery.
    assert client.get(item["url"]).status_code == 200
    assert client.get(f"/media/images/{item['image_id']}/").status_code == 404
    assert f"/c/{private.pk}/" not in client.get(f"/galleries/{gallery.pk}/").content.decode()


def test_media_serves_the_stored_webp_thumbnail_and_a_download(editor, item):
    base = f"/galleries/{item.gallery_id}/items/{item.pk}/image/"
    full = editor.get(base)
    assert full["Content-Type"] == "image/png"
    assert full["Cache-Control"].startswith("private")
    assert full["X-Content-Type-Options"] == "nosniff"
    thumbnail = editor.get(f"{base}?thumbnail=1")
    assert thumbnail["Content-Type"] == "image/webp"
    assert b"".join(thumbnail.streaming_content)[8:12] == b"WEBP"
    download = editor.get(f"{base}?download=1")
    assert download["Content-Disposition"] == (
        f'attachment; filename="studio-{item.image.turn_id}-{item.image_id}.png"'
    )


def test_a_patch_without_a_caption_keeps_it(editor, item):
    url = f"/api/galleries/{item.gallery_id}/items/{item.pk}/"
    assert editor.patch(url, {}, content_type=JSON).json()["caption"] == "Dawn fox"
    assert editor.patch(url, {"caption": ""}, content_type=JSON).json()["caption"] == ""


def test_a_missing_file_is_not_found_rather_than_an_error(editor, item):
    item.image.file.storage.delete(item.image.file.name)
    assert editor.get(f"/galleries/{item.gallery_id}/items/{item.pk}/image/").status_code == 404


def test_hidden_images_disappear_for_members_but_not_for_staff(client, item, people):
    Image.objects.filter(pk=item.image_id).update(moderation=Image.Moderation.HIDDEN)
    login(client, people["viewer"])
    assert items_of(client, item.gallery)["items"] == []
    assert client.get(f"/api/galleries/{item.gallery_id}/items/{item.pk}/").status_code == 404
    url = f"/galleries/{item.gallery_id}/items/{item.pk}/image/"
    assert client.get(url).status_code == 404
    assert "Dawn fox" not in client.get(f"/galleries/{item.gallery_id}/").content.decode()
    people["owner"].is_staff = True
    people["owner"].save()
    login(client, people["owner"])
    assert [i["id"] for i in items_of(client, item.gallery)["items"]] == [item.pk]
    assert client.get(url).status_code == 200
    Image.objects.filter(pk=item.image_id).update(moderation=Image.Moderation.REMOVED)
    assert items_of(client, item.gallery)["items"] == []


def test_a_hidden_image_cannot_be_added(editor, gallery, shared_conversation):
    image = make_image(shared_conversation)
    Image.objects.filter(pk=image.pk).update(moderation=Image.Moderation.HIDDEN)
    response = editor.post(
        f"/api/galleries/{gallery.pk}/items/", {"image_id": image.pk}, content_type=JSON
    )
    assert response.status_code == 404
    error = response.json()["error"]
    assert error == {"message": "That image does not exist.", "field": "image_id"}


def test_adding_the_wrong_kind_of_image_or_twice_is_a_clear_400(editor, item, shared_conversation):
    url = f"/api/galleries/{item.gallery_id}/items/"
    twice = editor.post(url, {"image_id": item.image_id}, content_type=JSON)
    assert twice.status_code == 400
    assert twice.json()["error"] == {
        "message": "That image is already in this gallery.",
        "field": "image_id",
    }
    partial = make_image(shared_conversation, role=Image.Role.PARTIAL)
    refused = editor.post(url, {"image_id": partial.pk}, content_type=JSON)
    assert refused.status_code == 400 and "finished" in refused.json()["error"]["message"]
    too_long = make_image(shared_conversation)
    long_caption = editor.post(
        url, {"image_id": too_long.pk, "caption": "x" * 501}, content_type=JSON
    )
    assert long_caption.json()["error"]["field"] == "caption"
    assert GalleryItem.objects.count() == 1


def test_an_image_from_any_conversation_the_editor_can_see_may_be_added(
    editor, gallery, people, media
):
    own_private = ConversationFactory(owner=people["editor"], team=None)
    image = make_image(own_private)
    response = editor.post(
        f"/api/galleries/{gallery.pk}/items/", {"image_id": image.pk}, content_type=JSON
    )
    assert response.status_code == 201


def test_malformed_bodies_are_refused(editor, gallery):
    for body in (b"not json", b"[1, 2]"):
        response = editor.post(f"/api/galleries/{gallery.pk}/items/", body, content_type=JSON)
        assert response.status_code == 400
    renamed = editor.patch(f"/api/galleries/{gallery.pk}/", {"name": ""}, content_type=JSON)
    assert renamed.status_code == 400 and renamed.json()["error"]["field"] == "name"
    unchanged = editor.patch(f"/api/galleries/{gallery.pk}/", {}, content_type=JSON)
    assert unchanged.json()["name"] == "Best of"
    nowhere = editor.post(f"/api/galleries/{gallery.pk}/items/{1}/move/", {}, content_type=JSON)
    assert nowhere.status_code == 404


def test_the_gallery_page_renders_the_first_page_and_a_link_to_more(editor, gallery, seven):
    page = editor.get(f"/galleries/{gallery.pk}/", {"limit": 3})
    html = page.content.decode()
    assert html.count('class="tile"') == 3
    assert "?thumbnail=1" in html and 'id="gallery-items"' in html
    assert "More images" in html and "cursor=" in html
    assert 'href="/galleries/"' in html  # the nav link
    searched = editor.get(f"/galleries/{gallery.pk}/", {"q": "heron"}).content.decode()
    assert searched.count('class="tile"') == 1


def test_the_list_page_groups_galleries_by_team_with_a_cover(editor, gallery, item, people):
    html = editor.get("/galleries/").content.decode()
    assert "Night shift" in html and "Best of" in html
    assert f"/galleries/{gallery.pk}/items/{item.pk}/image/?thumbnail=1" in html
    assert 'id="new-gallery"' in html
    viewer = login(editor, people["viewer"])
    assert 'id="new-gallery"' not in viewer.get("/galleries/").content.decode()


def test_creating_a_gallery_answers_with_it(editor, team):
    response = editor.post(
        "/api/galleries/", {"team_id": team.pk, "name": "Birds"}, content_type=JSON
    )
    assert response.status_code == 201
    gallery = response.json()
    assert gallery["name"] == "Birds" and gallery["team"] == {"id": team.pk, "name": "Night shift"}
    assert gallery["role"] == "editor" and gallery["created_by"] == "bob"
    assert gallery["url"] == f"/galleries/{gallery['id']}/"
