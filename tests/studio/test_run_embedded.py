"""`make run` as a newcomer meets it: scripts/run-embedded on free ports with its own var
directory. DEBUG is off, pages fail politely, a closed public link says so, a taken port
is reported with a non-zero exit, and the address is announced only once the app answers."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run-embedded"
VENV_BIN = Path(sys.executable).parent
BANNER = "Studio is running at"
MAKE_REVOKED_LINK = """
from django.contrib.auth import get_user_model
from galleries import services
from teams.models import Membership, Team
user = get_user_model().objects.create_user("newcomer", password="a-long-Passphrase-42")
team = Team.objects.create(name="Harbour", created_by=user)
Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
gallery = services.create_gallery(team=team, name="Best of", created_by=user)
link = services.create_public_link(gallery=gallery, created_by=user)
services.revoke_public_link(link=link)
print("token", link.token)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(var_dir: Path, port: int, simulator_port: int, **extra: str) -> dict[str, str]:
    # As on a newcomer's machine: nothing configured but where to run.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "STUDIO_", "OPENAI_", "SECURE_", "SESSION_", "CSRF_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "SIMULATOR_URL")
    }
    env.update(
        BIN=str(VENV_BIN),
        HOST="127.0.0.1",
        PORT=str(port),
        SIMULATOR_PORT=str(simulator_port),
        STUDIO_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@dataclass
class Running:
    base_url: str
    env: dict[str, str]
    output: str
    process: subprocess.Popen

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base_url}{path}", timeout=10)

    def manage(self, *args: str) -> str:
        key_file = Path(self.env["STUDIO_VAR_DIR"]) / "secret_key"
        done = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, "SECRET_KEY_FILE": str(key_file)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def read_until(process: subprocess.Popen, marker: str, timeout: float) -> str:
    """What the process printed up to ``marker``; fails if it exits or times out first."""
    seen = b""
    deadline = time.monotonic() + timeout
    descriptor = process.stdout.fileno()
    while marker.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} within {timeout} s:\n{seen.decode()}"
        ready, _, _ = select.select([descriptor], [], [], min(left, 1.0))
        chunk = os.read(descriptor, 65536) if ready else b""
        if ready and not chunk:
            raise AssertionError(f"exited before {marker!r}:\n{seen.decode()}")
        seen += chunk
    # The rest of the banner comes in the same write, or just after.
    time.sleep(0.2)
    ready, _, _ = select.select([descriptor], [], [], 0)
    return (seen + (os.read(descriptor, 65536) if ready else b"")).decode()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[Running]:
    var_dir = tmp_path_factory.mktemp("run-var")
    port, simulator_port = free_port(), free_port()
    env = environment(var_dir, port, simulator_port)
    process = subprocess.Popen(
        [str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output = read_until(process, BANNER, timeout=120)
        yield Running(f"http://127.0.0.1:{port}", env, output, process)
    finally:
        stop(process)


def test_the_banner_comes_once_the_app_answers(running):
    # Checked at once: the banner promised an app that is already up.
    assert running.get("/health/").status_code in (200, 503)
    assert f"{BANNER} {running.base_url}/" in running.output


def test_debug_is_off_and_static_files_are_served(running):
    page = running.get("/no-such-page/")
    assert page.status_code == 404
    assert "Nothing here" in page.text
    for debug_only in ("DEBUG = True", "URLconf", "Technical", "Traceback"):
        assert debug_only not in page.text
    assert running.get("/static/css/app.css").status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # The friendly page keeps to the policy itself: no inline style or script.
    assert "style=" not in page.text and "<style" not in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None


def test_a_revoked_public_link_shows_a_plain_page(running):
    token = re.search(r"token (\S+)", running.manage("shell", "-c", MAKE_REVOKED_LINK))[1]
    page = running.get(f"/g/{token}/")
    assert page.status_code == 404
    assert "This link was revoked or has expired" in page.text
    assert "URLconf" not in page.text


def test_the_signing_key_is_generated_into_var_and_private(running):
    key_file = Path(running.env["STUDIO_VAR_DIR"]) / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= 50


def test_the_simulator_answers_with_a_realistic_delay(running):
    simulator = running.output.split("simulated provider at ")[1].split("/v1")[0]
    low, high = httpx.get(f"{simulator}/_simulator/config", timeout=5).json()["latency"]
    assert 2 <= low <= high <= 10


def test_a_port_in_use_is_reported_with_a_non_zero_exit(running, tmp_path):
    taken = int(running.base_url.rsplit(":", 1)[1])
    env = environment(tmp_path, taken, free_port())
    done = subprocess.run(
        [str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert f"Port {taken} on 127.0.0.1 is already in use" in done.stderr
    assert BANNER not in done.stdout
    assert not (tmp_path / "db.sqlite3").exists()
