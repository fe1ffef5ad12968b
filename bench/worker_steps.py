"""What a worker spends on one realistic partial image, step by step.

Replays the worker's handling of a partial (conversations.turn_output.TurnOutput.partial) on
the simulator's own realistic partials, one step at a time with the worker's functions: the
base64 decode, describing and hashing the bytes, writing the file, making the preview, the
database writes (the claim, the sequence number, the image row, the commit) and publishing
the event on Redis. Each step's CPU time (``time.process_time``: this thread and the
publisher's loop) and wall time are kept; the medians over ``REPEATS`` partials are the
figures. Runs in a child process (``run()``), on a
throwaway PostgreSQL database beside the stack's and the stack's Redis, with Django set up
as the worker has it.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 30
STEPS = ("decode", "hash", "write", "preview", "database", "publish")


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="studio-bench-steps-") as var_dir:
        _configure_django(var_dir)
        from django.db import connection
        from django.test.utils import setup_test_environment, teardown_test_environment

        setup_test_environment()
        original = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            partials = _realistic_partials()
            samples = _replay(partials)
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
            teardown_test_environment()
    return {
        "partial_bytes": statistics.median(len(p) * 3 // 4 for p in partials),
        "steps": {
            step: {
                "cpu_ms": round(statistics.median(s[0] for s in samples[step]), 2),
                "wall_ms": round(statistics.median(s[1] for s in samples[step]), 2),
            }
            for step in STEPS
        },
        "preview_bytes": statistics.median(samples["preview_bytes"]),
    }


def _configure_django(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    os.environ["STUDIO_VAR_DIR"] = var_dir
    os.environ["MEDIA_ROOT"] = str(Path(var_dir) / "media")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-serving-anything")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _realistic_partials() -> list[str]:
    """The base64 partials the simulator streams for a few prompts, 1024x1024 PNG."""
    from upstream.simulator.options import resolve
    from upstream.simulator.rendering import ImageTask, render

    options = resolve({"partial_images": 3}, model="gpt-image-1")
    prompts = ["a fox in snow", "a lighthouse at dusk", "a kite over dunes"]
    return [
        b64
        for prompt in prompts
        for b64 in render(ImageTask(prompt, options, realistic=True)).partials_b64
    ]


def _replay(partials: list[str]) -> dict[str, list]:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from conversations import imaging, previews
    from conversations.events import _send_event, record_quietly
    from conversations.models import Conversation, Image, Turn
    from conversations.presenters import present_image, turn_event

    owner = get_user_model().objects.create_user("bench-steps")
    conversation = Conversation.objects.create(owner=owner, title="Steps")
    turn = Turn.objects.create(
        conversation=conversation,
        author=owner,
        prompt="a fox in snow",
        image_model="gpt-image-1",
        status=Turn.Status.STREAMING,
    )
    samples: dict[str, list] = {step: [] for step in (*STEPS, "preview_bytes")}
    for index in range(REPEATS):
        b64 = partials[index % len(partials)]
        with _timed(samples["decode"]):
            data = base64.b64decode(b64, validate=True)
        with _timed(samples["hash"]):
            info = imaging.describe(data)
        image = Image(
            turn=turn,
            role=Image.Role.PARTIAL,
            partial_index=index % 3,
            width=info.width,
            height=info.height,
            format=info.format,
            bytes=info.bytes,
            sha256=info.sha256,
        )
        stem = f"partial-{index}-{info.sha256[:12]}"
        with _timed(samples["write"]):
            image.file.save(f"{stem}.png", ContentFile(data), save=False)
        with _timed(samples["preview"]):
            derived = previews.derive(data, role=Image.Role.PARTIAL, thumbnail=False)
            previews.attach_derived(image, derived, stem)
        samples["preview_bytes"].append(image.preview.size)
        # The writes of events.record_and_announce, then its publish after the commit, each
        # timed on its own.
        with _timed(samples["database"]), transaction.atomic():
            Turn.objects.filter(pk=turn.pk, status=Turn.Status.STREAMING).update(
                heartbeat_at=timezone.now()
            )
            image.save()
            record_quietly(turn)
        event = turn_event(turn, "turn.partial_image", image=present_image(image))
        with _timed(samples["publish"]):
            _send_event(conversation.pk, json.dumps(event))
    return samples


@contextmanager
def _timed(into: list):
    cpu, wall = time.process_time(), time.perf_counter()
    yield
    into.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))


if __name__ == "__main__":
    print(run())
