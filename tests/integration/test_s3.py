"""Images in S3: the whole stack on an S3-compatible server (moto's, as its own process).

Turns write their partials, finals and thumbnails to the bucket; every route to an image
checks access and then redirects to a short-lived presigned URL, so the bytes never pass
through Daphne; moderation hides and removes as on disk, a removal deleting the objects.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from tests.integration.client import database_view, open_socket
from tests.integration.s3 import S3Server, require_s3
from tests.integration.stack import (
    ARTIFACTS_ROOT,
    DB_NAME,
    POSTGRES_URL,
    Browser,
    Stack,
    require_services,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    require_services(redis_server=True)
    require_s3()
    server = S3Server(ARTIFACTS_ROOT / "s3-server")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def s3_stack(s3: S3Server) -> Iterator[Stack]:
    # A private Redis too: on the session stack's db its worker would take these turns.
    running = Stack("integration-s3", db_name=f"{DB_NAME}_s3", own_redis=True, env=s3.environment())
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def sara(s3_stack: Stack) -> Iterator[Browser]:
    browser = s3_stack.sign_up("sara")
    yield browser
    browser.http.close()


def run_turn(stack: Stack, browser: Browser, conversation_id: int, prompt: str) -> dict:
    """A turn streamed to completion while a socket watches; the database's turn."""

    async def scenario():
        async with open_socket(stack, browser, conversation_id) as socket:
            await socket.receive()
            turn = browser.start_turn(conversation_id, prompt, partial_images=2)
            await socket.receive_turn(turn["id"], timeout=45)
            return socket.view

    view = asyncio.run(scenario())
    snapshot = browser.snapshot(conversation_id)
    assert view.turns == database_view(snapshot)
    (turn,) = [t for t in snapshot["turns"] if t["prompt"] == prompt]
    assert turn["status"] == "completed", turn
    return turn


def fetch_through_redirect(http: httpx.Client, url: str, s3: S3Server) -> httpx.Response:
    """The image as a browser gets it: a redirect to the bucket, then the bucket's answer."""
    redirect = http.get(url, follow_redirects=False)
    assert redirect.status_code == 302, (url, redirect.status_code, redirect.text[:300])
    # Daphne sends the address of the bytes, never the bytes.
    assert redirect.content == b""
    location = redirect.headers["location"]
    # Short-lived: MEDIA_PRESIGNED_SECONDS, 120 s by default.
    assert location.startswith(f"{s3.url}/") and "X-Amz-Expires=120&" in location
    found = httpx.get(location)
    assert found.status_code == 200, (location, found.text[:300])
    return found


def final_of(turn: dict) -> dict:
    (final,) = [i for i in turn["images"] if i["role"] == "final"]
    return final


def test_a_turn_writes_its_partials_final_previews_and_thumbnail_to_the_bucket(
    s3_stack: Stack, s3: S3Server, sara: Browser
):
    conversation_id = sara.create_conversation("Lighthouses")
    turn = run_turn(s3_stack, sara, conversation_id, "a lighthouse in fog")

    stored = s3.objects(f"images/{conversation_id}/{turn['id']}/")
    derived = ("-thumb.", "-preview.")
    images = {key: size for key, size in stored.items() if not any(d in key for d in derived)}
    thumbnails = [key for key in stored if "-thumb." in key]
    previews = [key for key in stored if "-preview." in key]
    assert sorted(size for size in images.values()) == sorted(i["bytes"] for i in turn["images"])
    assert [i["role"] for i in turn["images"]].count("partial") == 2
    assert len(thumbnails) == 1
    assert len(previews) == 3, "every partial and the final have a preview"
    assert not (s3_stack.media_dir / "images").exists(), "nothing is written to local disk"

    final = final_of(turn)
    body = fetch_through_redirect(sara.http, final["url"], s3)
    assert body.headers["content-type"] == "image/png"
    assert len(body.content) == final["bytes"]
    assert hashlib.sha256(body.content).hexdigest()[:12] in next(
        key for key in images if "/final-" in key
    )
    thumbnail = fetch_through_redirect(sara.http, final["thumbnail_url"], s3)
    assert thumbnail.headers["content-type"] == "image/webp"
    download = fetch_through_redirect(sara.http, f"{final['url']}?download=1", s3)
    assert download.headers["content-disposition"].startswith("attachment;")


def test_an_outsider_gets_404_and_no_presigned_url(s3_stack: Stack, s3: S3Server, sara: Browser):
    conversation_id = sara.create_conversation("Private lighthouses")
    final = final_of(run_turn(s3_stack, sara, conversation_id, "a lighthouse at night"))
    outsider = s3_stack.sign_up("otto")
    anonymous = httpx.Client(base_url=s3_stack.base_url)

    for http in (outsider.http, anonymous):
        for url in (final["url"], final["thumbnail_url"], f"{final['url']}?download=1"):
            response = http.get(url, follow_redirects=False)
            assert response.status_code == 404, (url, response.status_code)
            assert "location" not in response.headers
            assert s3.url not in response.text and "X-Amz" not in response.text


def test_a_gallery_and_its_public_link_serve_images_from_the_bucket(
    s3_stack: Stack, s3: S3Server, sara: Browser
):
    conversation_id = sara.create_conversation("Gallery lighthouses")
    final = final_of(run_turn(s3_stack, sara, conversation_id, "a lighthouse at dawn"))
    created = sara.api("POST", "/teams/", data={"name": "Harbour"}, follow_redirects=False)
    assert created.status_code == 302, created.text[:300]
    team_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    gallery = sara.api("POST", "/api/galleries/", json={"team_id": team_id, "name": "Coast"})
    assert gallery.status_code == 201, gallery.text
    gallery_id = gallery.json()["id"]
    item = sara.api("POST", f"/api/galleries/{gallery_id}/items/", json={"image_id": final["id"]})
    assert item.status_code == 201, item.text
    item_id = item.json()["id"]

    member_view = fetch_through_redirect(
        sara.http, f"/galleries/{gallery_id}/items/{item_id}/image/", s3
    )
    assert len(member_view.content) == final["bytes"]

    link = sara.api("POST", f"/api/galleries/{gallery_id}/links/", json={"expires_at": None})
    assert link.status_code == 201, link.text
    public_url = f"{link.json()['url']}items/{item_id}/image/"
    with httpx.Client(base_url=s3_stack.base_url) as stranger:
        public = fetch_through_redirect(stranger, public_url, s3)
        assert len(public.content) == final["bytes"]
        revoked = sara.api("POST", f"/api/galleries/{gallery_id}/links/{link.json()['id']}/revoke/")
        assert revoked.status_code == 200, revoked.text
        closed = stranger.get(public_url, follow_redirects=False)
        assert closed.status_code == 404 and "location" not in closed.headers


def test_moderation_hides_and_removes_images_in_the_bucket(
    s3_stack: Stack, s3: S3Server, sara: Browser
):
    conversation_id = sara.create_conversation("Moderated lighthouses")
    hidden = final_of(run_turn(s3_stack, sara, conversation_id, "a lighthouse, to hide"))
    removed_turn = run_turn(s3_stack, sara, conversation_id, "a lighthouse, to remove")
    removed = final_of(removed_turn)
    staff = s3_stack.sign_up("mira")
    make_staff(s3_stack, "mira")

    decide(s3_stack, staff, sara, hidden["id"], "hide")
    assert sara.http.get(hidden["url"], follow_redirects=False).status_code == 404
    # Staff still see a hidden image; its objects stay in the bucket.
    fetch_through_redirect(staff.http, f"/moderation/media/images/{hidden['id']}/", s3)

    prefix = f"images/{conversation_id}/{removed_turn['id']}/"
    before = s3.objects(prefix)
    decide(s3_stack, staff, sara, removed["id"], "remove")
    for http, url in ((sara.http, removed["url"]), (staff.http, removed["url"])):
        response = http.get(url, follow_redirects=False)
        assert response.status_code == 404 and "location" not in response.headers
    # The final, its thumbnail, and the partials that previewed it.
    # Two partials and the final, a preview of each, and the final's thumbnail.
    assert len(before) == 7
    assert s3.objects(prefix) == {}


def make_staff(stack: Stack, username: str) -> None:
    with psycopg.connect(f"{POSTGRES_URL}/{stack.db_name}", autocommit=True) as db:
        db.execute("UPDATE auth_user SET is_staff = true WHERE username = %s", (username,))


def decide(stack: Stack, staff: Browser, reporter: Browser, image_id: int, action: str) -> None:
    flagged = reporter.api("POST", f"/api/images/{image_id}/flag/", json={"reason": "other"})
    assert flagged.status_code == 201, flagged.text
    with psycopg.connect(f"{POSTGRES_URL}/{stack.db_name}") as db:
        (case_id,) = db.execute(
            "SELECT id FROM moderation_case WHERE image_id = %s", (image_id,)
        ).fetchone()
    decided = staff.api(
        "POST",
        "/moderation/decide/",
        data={"case": case_id, "action": action},
        follow_redirects=False,
    )
    assert decided.status_code == 302, decided.text[:300]
