"""The app as a person runs it embedded (simulator + Daphne), and a headless Chromium to drive it.

Each test gets a fresh browser context, signs up its own user, saves screenshots under
test-artifacts/browser/ and fails if the page logged a console error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "Sunny-Harbor-4821"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# Records the role of every image layer the thread ever shows, so a partial image that is
# on screen only briefly can still be asserted on.
SEEN_LAYERS_SCRIPT = """
window.__layers = [];
new MutationObserver((records) => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType === 1 && node.matches("img.layer")) {
      const turn = node.closest("[data-turn-id]")?.dataset.turnId;
      window.__layers.push({role: node.dataset.role, turn});
    }
  }
}).observe(document, {childList: true, subtree: true});
"""


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        # Under CI the browser suite must run: a missing Chromium is a failure, not a skip.
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (install Debian's chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningStudio:
    base_url: str
    simulator_url: str
    env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str, **extra_env: str) -> str:
        """Run manage.py on the running app's database, for setup that has no page."""
        done = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return done.stdout

    def create_staff(self) -> str:
        """A new staff member (a superuser) with the tests' password; their username."""
        username = f"staff{uuid.uuid4().hex[:8]}"
        self.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            username,
            "--email",
            f"{username}@example.com",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )
        return username

    def forget_review_cases(self, author: str = "") -> None:
        """Delete review cases (``author``'s, or all): the queue is shared by every test."""
        only = f".filter(turn__author__username={author!r})" if author else ".all()"
        self.manage(
            "shell", "-c", f"from moderation.models import Case; Case.objects{only}.delete()"
        )

    def simulator(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = httpx.request(method, f"{self.simulator_url}{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response

    def recorded_requests(self, path: str = "") -> list[dict]:
        items = self.simulator("GET", "/_simulator/requests").json()["requests"]
        return [r for r in items if r["path"].startswith(path)]


def _wait_healthy(url: str, processes: list[subprocess.Popen], logs: Path) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a server exited early; see the logs in {logs}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not become healthy; see the logs in {logs}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=8)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it lives, which would break asyncio.run() in the test packages after this one.
@pytest.fixture(scope="package")
def studio(tmp_path_factory) -> Iterator[RunningStudio]:
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: install Debian's chromium package.")
    var_dir = tmp_path_factory.mktemp("studio-var")
    sim_port, web_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DEBUG="1",
        STUDIO_VAR_DIR=str(var_dir),
        SIMULATOR_URL=f"http://127.0.0.1:{sim_port}/v1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    python = str(VENV_BIN / "python")
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    sim_log = (var_dir / "simulator.log").open("w")
    web_log = (var_dir / "daphne.log").open("w")
    running = RunningStudio(f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{sim_port}", env=env)
    try:
        running.processes.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "upstream.simulator",
                    "--port",
                    str(sim_port),
                    "--latency",
                    "0.3-0.8",
                ],
                cwd=ROOT,
                env=env,
                stdout=sim_log,
                stderr=subprocess.STDOUT,
            )
        )
        running.processes.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "daphne"),
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(web_port),
                    "studio.asgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=web_log,
                stderr=subprocess.STDOUT,
            )
        )
        _wait_healthy(f"{running.simulator_url}/_simulator/health", running.processes, var_dir)
        _wait_healthy(f"{running.base_url}/health/", running.processes, var_dir)
        yield running
    finally:
        for process in reversed(running.processes):
            _stop(process)
        sim_log.close()
        web_log.close()


@pytest.fixture(scope="package")
def browser(studio):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class PageSession:
    """A page plus what a test needs around it: screenshots and the console's errors."""

    def __init__(self, page, studio: RunningStudio, name: str):
        self.page = page
        self.studio = studio
        self.name = name
        self.errors: list[str] = []
        self.allowed_errors: list[str] = []
        self.shots = 0
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message) -> None:
        if message.type == "error" and not any(a in message.text for a in self.allowed_errors):
            self.errors.append(f"console.error: {message.text}")

    def allow_console_error(self, text: str) -> None:
        """A request the test means to be refused logs its status; that is not a fault."""
        self.allowed_errors.append(text)

    def url(self, path: str) -> str:
        return f"{self.studio.base_url}{path}"

    def shot(self, label: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def log_in(self, username: str) -> None:
        page = self.page
        page.goto(self.url("/accounts/login/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#studio[data-ready='1']")

    def sign_up(self) -> str:
        username = f"user{uuid.uuid4().hex[:10]}"
        page = self.page
        page.goto(self.url("/accounts/signup/"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#studio[data-ready='1']")
        return username


@contextmanager
def page_session(browser, studio, name: str, viewport=DESKTOP) -> Iterator[PageSession]:
    """A fresh browser context (its own cookies: its own person) with one page."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_init_script(SEEN_LAYERS_SCRIPT)
    current = PageSession(context.new_page(), studio, name)
    try:
        yield current
        current.shot("end")
    finally:
        context.close()
    assert not current.errors, f"{name}: the browser console showed errors:\n" + "\n".join(
        current.errors
    )


@pytest.fixture
def session(browser, studio, request) -> Iterator[PageSession]:
    viewport = getattr(request, "param", None) or DESKTOP
    name = request.node.name.replace("[", "-").replace("]", "")
    studio.simulator("POST", "/_simulator/config", json={"latency": [0.3, 0.8]})
    with page_session(browser, studio, name, viewport) as current:
        yield current


@pytest.fixture
def second_session(browser, studio, request) -> Iterator[PageSession]:
    """A second person in a second browser, beside ``session``."""
    name = request.node.name.replace("[", "-").replace("]", "") + "-second"
    with page_session(browser, studio, name) as current:
        yield current


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts():
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
