"""What every scenario that disturbs the stack asserts at its end: nothing stuck, nothing
lost, storage holding exactly what the database lists, the browser agreeing with both."""

from __future__ import annotations

from tests.integration.client import ConversationView, database_view
from tests.integration.stack import Browser, Stack

RUNNING = ("queued", "streaming")


def stored_files(stack: Stack, turn: dict) -> list[str]:
    return sorted(path.name for path in _files(stack, turn))


def assert_storage_matches(stack: Stack, turn: dict) -> None:
    """One file of the listed size per image the turn lists, one thumbnail per image that is
    not a partial, one preview per partial and final: nothing missing, nothing left over."""
    files = _files(stack, turn)
    derived = ("-thumb.", "-preview.")
    images = {
        path.name: path.stat().st_size
        for path in files
        if not any(marker in path.name for marker in derived)
    }
    thumbnails = [path for path in files if "-thumb." in path.name]
    previews = [path for path in files if "-preview." in path.name]
    assert len(images) == len(turn["images"]), (sorted(images), turn["images"])
    assert len(thumbnails) == len([i for i in turn["images"] if i["role"] != "partial"])
    assert len(previews) == len([i for i in turn["images"] if i["preview_url"]])
    for image in turn["images"]:
        partial = image["role"] == "partial"
        prefix = f"partial-{image['partial_index']}-" if partial else f"{image['role']}-"
        assert any(
            name.startswith(prefix) and size == image["bytes"] for name, size in images.items()
        ), (prefix, image["bytes"], images)


def _files(stack: Stack, turn: dict) -> list:
    folder = stack.media_dir / "images" / str(turn["conversation_id"]) / str(turn["id"])
    return [path for path in folder.iterdir() if path.is_file()] if folder.exists() else []


def assert_settled(
    stack: Stack, browser: Browser, conversation_id: int, view: ConversationView | None = None
) -> dict:
    """No turn left running, every completed turn with one final image on disk, and the
    browser's view (when given) equal to the database's. Returns the database's snapshot."""
    snapshot = browser.snapshot(conversation_id)
    stuck = [turn["id"] for turn in snapshot["turns"] if turn["status"] in RUNNING]
    assert not stuck, f"turns {stuck} are still running"
    for turn in snapshot["turns"]:
        if turn["status"] == "completed":
            assert [i["role"] for i in turn["images"]].count("final") == 1, turn
        assert_storage_matches(stack, turn)
    if view is not None:
        assert view.turns == database_view(snapshot)
        assert view.sequence == snapshot["sequence"]
    return snapshot
