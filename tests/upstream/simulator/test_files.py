from __future__ import annotations

from tests.factories import png_bytes


def test_upload_list_retrieve_download_and_delete(client):
    data = png_bytes((64, 64), (1, 2, 3), mode="RGB")
    form = {
        "purpose": "vision",
        "expires_after[anchor]": "created_at",
        "expires_after[seconds]": "3600",
    }
    created = client.post(
        "/files", data=form, files={"file": ("cat.png", data, "image/png")}
    ).json()
    assert (
        created["id"].startswith("file-")
        and created["object"] == "file"
        and created["status"] == "processed"
    )
    assert (
        created["bytes"] == len(data)
        and created["filename"] == "cat.png"
        and created["purpose"] == "vision"
    )
    assert created["expires_at"] == created["created_at"] + 3600
    assert created["id"] in [f["id"] for f in client.get("/files").json()["data"]]
    assert client.get(f"/files/{created['id']}").json() == created
    assert client.get(f"/files/{created['id']}/content").content == data
    assert client.delete(f"/files/{created['id']}").json() == {
        "id": created["id"],
        "object": "file",
        "deleted": True,
    }
    missing = client.get(f"/files/{created['id']}")
    assert (
        missing.status_code == 404
        and missing.json()["error"]["message"] == f"No such File object: {created['id']}"
    )


def test_upload_needs_a_file_and_a_purpose(client):
    assert (
        client.post("/files", data={"purpose": "vision"}, files={"x": ("a", b"1")}).json()["error"][
            "param"
        ]
        == "file"
    )
    assert (
        client.post("/files", files={"file": ("a.png", b"1")}).json()["error"]["param"] == "purpose"
    )
