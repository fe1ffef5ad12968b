"""The whole stack as real processes: what the integration fixtures and `make bench` start.

A dedicated PostgreSQL database and Redis db number (or a private redis-server), the
simulated provider, Daphne and a Celery worker, all started with one environment and
logging to test-artifacts/<name>/. Tests talk to them only as a browser would: HTTP and
websockets.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_ROOT = ROOT / "test-artifacts"
BIN = Path(sys.executable).parent
REDIS_SERVER_BIN = shutil.which("redis-server") or "/usr/bin/redis-server"

POSTGRES_URL = os.environ.get("INTEGRATION_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_SERVER = os.environ.get("INTEGRATION_REDIS_URL", "redis://127.0.0.1:6379")
DB_NAME = os.environ.get("INTEGRATION_DB_NAME", "studio_integration")
REDIS_DB = int(os.environ.get("INTEGRATION_REDIS_DB", "13"))

# Short enough that a killed worker's turn comes back within the test; every turn the tests
# run finishes well inside it, so no live turn is ever handed out twice.
VISIBILITY_TIMEOUT = 10
# Well above the 5 s heartbeat interval, so a live turn never looks abandoned; short, so a
# dead worker's turn can be claimed again soon after its task is redelivered.
LEASE_SECONDS = 8
# A socket that Redis forgot (a restart) hears again within this, not within 20 s.
RESYNC_SECONDS = 3
# Every turn streams over about this long unless a test slows the simulator down.
DEFAULT_LATENCY = (1.0, 2.0)
# Enough threads for every turn of the load test to stream at once, as `make worker` runs.
WORKER_CONCURRENCY = 200
# What the browser sends is tiny; Daphne refuses bigger frames before they reach the app.
WEBSOCKET_MAX_MESSAGE_BYTES = 65536
PASSWORD = "correct-horse-battery-staple-42"
# The processes hold a real-looking key (the simulator accepts any), so tests can prove it
# never reaches a page, an event or a log line.
API_KEY = "sk-proj-StudioCanary7Q2vX9mK4pL8wR3tY6uB1nE5"


# --- reachability ---------------------------------------------------------------------------


def require_services(*, redis_server: bool = False) -> None:
    """Fail under CI (the services are part of the job), skip elsewhere, with the reason.

    ``redis_server``: the redis-server program is needed too, for a private Redis.
    """
    problems = []
    if redis_server and not shutil.which(REDIS_SERVER_BIN):
        problems.append(f"{REDIS_SERVER_BIN} is not installed")
    try:
        psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        problems.append(f"PostgreSQL at {POSTGRES_URL}: {exc}".strip())
    try:
        redis.Redis.from_url(REDIS_SERVER, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis at {REDIS_SERVER}: {exc}")
    if not problems:
        return
    message = "integration tests need PostgreSQL and Redis; " + "; ".join(problems)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    check: Callable[[], Any], *, what: str, timeout: float = 30.0, watch: Sequence[Process] = ()
) -> Any:
    """Poll ``check`` until it returns something truthy; a watched process dying fails fast."""
    deadline = time.monotonic() + timeout
    while True:
        for process in watch:
            process.assert_alive()
        try:
            result = check()
        except (httpx.HTTPError, OSError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


# --- processes ------------------------------------------------------------------------------


class Process:
    """One subprocess in its own process group, so it and its children stop together."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None
        # Set when the process was ended on purpose: its exit is no failure.
        self.ended = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def start(self) -> Process:
        self.ended = False
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- {' '.join(self.argv)}\n".encode())
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def assert_alive(self) -> None:
        if not self.ended and self.popen is not None and self.popen.poll() is not None:
            raise AssertionError(
                f"{self.name} exited with {self.popen.returncode}:\n{self.log_tail()}"
            )

    def signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.ended = True
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the whole group: no shutdown code runs, as when a machine dies."""
        self.ended = True
        self.signal(signal.SIGKILL)
        self.popen.wait(10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def rss_bytes(self) -> int:
        """Resident memory of the process itself (VmRSS), read from /proc."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024


class RedisServer:
    """A private redis-server on a free port: one a test may kill and start again without
    touching the machine's shared Redis."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        argv = [REDIS_SERVER_BIN, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = Process("redis", argv, dict(os.environ), log_dir)

    def start(self) -> None:
        self.process.start()
        wait_until(self.ping, what="redis-server to answer PING", watch=[self.process])

    def ping(self) -> bool:
        try:
            with contextlib.closing(redis.Redis.from_url(self.url, socket_timeout=1)) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: every key, queued task and connection is gone, as in a crash."""
        self.process.kill()

    def stop(self) -> None:
        self.process.stop()


class Stack:
    """PostgreSQL + Redis + simulator + Daphne + a Celery worker, with their one environment.

    ``name`` picks the artifacts folder; ``own_redis`` starts a private redis-server instead
    of using a db number on the shared one, so that Redis can be killed and restarted;
    ``env`` overrides the processes' environment; ``realistic`` starts the simulator with
    photographic pictures (real-sized files).
    """

    def __init__(
        self,
        name: str = "integration",
        *,
        db_name: str = DB_NAME,
        own_redis: bool = False,
        worker_concurrency: int = WORKER_CONCURRENCY,
        latency: tuple[float, float] = DEFAULT_LATENCY,
        env: dict[str, str] | None = None,
        realistic: bool = False,
    ) -> None:
        self.name, self.db_name, self.latency = name, db_name, latency
        self.realistic = realistic
        self.worker_concurrency = worker_concurrency
        self.artifacts = ARTIFACTS_ROOT / name
        self.web_port, self.simulator_port = free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.simulator_url = f"http://127.0.0.1:{self.simulator_port}"
        self.var_dir = self.artifacts / "var"
        self.media_dir = self.var_dir / "media"
        self.redis = RedisServer(self.artifacts) if own_redis else None
        self.redis_url = f"{self.redis.url}/0" if self.redis else f"{REDIS_SERVER}/{REDIS_DB}"
        self.env = {**self._environment(), **(env or {})}
        self.processes: dict[str, Process] = {}
        self.worker: Process | None = None
        self.workers_started = 0

    def _environment(self) -> dict[str, str]:
        # Inherit PATH and the like, but nothing that would point the app elsewhere.
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("OPENAI_", "DJANGO_", "CELERY_", "TURN_", "AWS_", "STUDIO_"))
            and key not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "SECRET_KEY")
        }
        env.update(
            # The allocator settings `make worker` and the image run with (docs/operations.md).
            MALLOC_MMAP_THRESHOLD_="1048576",
            MALLOC_ARENA_MAX="2",
            DJANGO_SETTINGS_MODULE="studio.settings",
            DEBUG="1",
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"{POSTGRES_URL.replace('postgresql://', 'postgres://')}/{self.db_name}",
            REDIS_URL=self.redis_url,
            OPENAI_API_KEY=API_KEY,
            OPENAI_BASE_URL=f"{self.simulator_url}/v1",
            STUDIO_VAR_DIR=str(self.var_dir),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            TURN_LEASE_SECONDS=str(LEASE_SECONDS),
            WEBSOCKET_RESYNC_SECONDS=str(RESYNC_SECONDS),
            PYTHONUNBUFFERED="1",
            # Load runs and benchmarks hold a hundred turns per person at once; the limits
            # themselves are tested in tests/usage.
            STUDIO_MAX_RUNNING_TURNS_PER_USER="0",
            STUDIO_MAX_RUNNING_TURNS_PER_TEAM="0",
            # Benchmarks create hundreds of conversations; tests/security tests the limits.
            STUDIO_CONVERSATIONS_PER_HOUR="0",
        )
        return env

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        self._fresh_state()
        self._migrate()
        self.start_simulator()
        self.start_web()
        self.start_worker()

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()
        if self.redis:
            self.redis.stop()

    def _fresh_state(self) -> None:
        shutil.rmtree(self.artifacts, ignore_errors=True)
        self.media_dir.mkdir(parents=True)
        if self.redis:
            self.redis.start()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            name = sql.Identifier(self.db_name)
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        redis.Redis.from_url(self.redis_url).flushdb()

    def _migrate(self) -> None:
        log = self.artifacts / "migrate.log"
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        log.write_text(result.stdout + result.stderr)
        assert result.returncode == 0, f"migrate failed:\n{result.stdout}{result.stderr}"

    def start_simulator(self) -> None:
        low, high = self.latency
        process = self._spawn(
            "simulator",
            [
                sys.executable,
                "-m",
                "upstream.simulator",
                "--port",
                str(self.simulator_port),
                "--latency",
                f"{low}-{high}",
                *(["--realistic"] if self.realistic else []),
            ],
        )
        wait_until(
            lambda: httpx.get(f"{self.simulator_url}/_simulator/health").is_success,
            what="the simulator's health URL",
            watch=[process],
        )

    def start_web(self) -> None:
        process = self._spawn(
            "web",
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.web_port),
                "--websocket-max-message-size",
                str(WEBSOCKET_MAX_MESSAGE_BYTES),
                "--websocket-max-frame-size",
                str(WEBSOCKET_MAX_MESSAGE_BYTES),
                "studio.asgi:application",
            ],
        )
        # /health/ answers 200 only when the database, Redis, broker and upstream all answer.
        wait_until(
            lambda: httpx.get(f"{self.base_url}/health/", timeout=5).status_code == 200,
            what="Daphne's /health/",
            watch=[process],
            timeout=60,
        )

    def start_worker(self) -> Process:
        self.workers_started += 1
        name = f"worker{self.workers_started}"
        process = self._spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "studio",
                "worker",
                "-n",
                f"{name}@%h",
                "-Q",
                "streams,default",
                "--pool",
                "threads",
                "--concurrency",
                str(self.worker_concurrency),
                "--prefetch-multiplier",
                "1",
                "-l",
                "info",
            ],
        )
        self.worker = process
        # Celery logs "<name>@<host> ready." once it consumes from its queues.
        wait_until(
            lambda: f"{name}@" in process.log_text() and " ready." in process.log_text(),
            what=f"{name} to log 'ready'",
            watch=[process],
            timeout=60,
        )
        return process

    def kill_worker(self) -> None:
        self.worker.kill()

    def restart_worker(self) -> Process:
        """A fresh worker process, after the current one shut down cleanly."""
        self.worker.stop()
        return self.start_worker()

    def _spawn(self, name: str, argv: list[str]) -> Process:
        process = Process(name, argv, self.env, self.artifacts).start()
        self.processes[name] = process
        return process

    def logs(self) -> dict[str, str]:
        return {name: process.log_tail() for name, process in self.processes.items()}

    def log_texts(self) -> dict[str, str]:
        """Every process's whole log, the private Redis's included."""
        processes = [*self.processes.values(), *([self.redis.process] if self.redis else [])]
        return {process.name: process.log_text() for process in processes}

    def assert_running(self) -> None:
        for process in self.processes.values():
            process.assert_alive()

    # --- faults outside the app ---------------------------------------------------------

    def terminate_database_connections(self) -> int:
        """Drop every connection the stack's processes hold to its database, as a PostgreSQL
        restart or a network blip does; returns how many were dropped."""
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.db_name,),
            ).fetchall()
        return len(rows)

    # --- the simulator's control API ----------------------------------------------------

    def simulator_latency(self, low: float, high: float) -> None:
        response = httpx.post(
            f"{self.simulator_url}/_simulator/config", json={"latency": [low, high]}
        )
        response.raise_for_status()

    def simulator_realistic(self, on: bool) -> None:
        """Photographic pictures (real-sized files) from the simulator, or flat drawings."""
        httpx.post(
            f"{self.simulator_url}/_simulator/config", json={"realistic": on}
        ).raise_for_status()

    def simulator_fault(self, fault: str, times: int = 1, path: str = "/v1/responses") -> None:
        """Make the next ``times`` upstream calls to ``path`` fail with ``fault``."""
        response = httpx.post(
            f"{self.simulator_url}/_simulator/faults",
            json={"fault": fault, "times": times, "path": path},
        )
        response.raise_for_status()

    def simulator_requests(self) -> list[dict]:
        return httpx.get(f"{self.simulator_url}/_simulator/requests").json()["requests"]

    def upstream_calls(self, prompt: str) -> list[dict]:
        """The requests the app sent the provider for turns with this prompt."""
        return [
            r
            for r in self.simulator_requests()
            if r["path"] == "/v1/responses" and prompt in str(r["json"])
        ]

    def simulator_generations(self, prompt: str) -> list[dict]:
        """How many times the simulator generated each response for turns with this prompt."""
        listed = httpx.get(f"{self.simulator_url}/_simulator/generations").json()
        return [entry for entry in listed["responses"] if prompt in entry["prompt"]]

    def simulator_response(self, response_id: str) -> dict:
        """The response as the provider reports it (GET /v1/responses/{id})."""
        response = httpx.get(f"{self.simulator_url}/v1/responses/{response_id}")
        response.raise_for_status()
        return response.json()

    def simulator_emissions(self) -> list[dict]:
        return httpx.get(f"{self.simulator_url}/_simulator/emissions").json()["emissions"]

    def clear_simulator_records(self) -> None:
        httpx.delete(f"{self.simulator_url}/_simulator/requests").raise_for_status()
        httpx.delete(f"{self.simulator_url}/_simulator/emissions").raise_for_status()

    # --- people -------------------------------------------------------------------------

    def sign_up(self, username: str) -> Browser:
        browser = Browser(self.base_url)
        browser.sign_up(username, PASSWORD)
        return browser


class Browser:
    """What a signed-in person's browser does over HTTP: cookies, CSRF, the JSON API."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=base_url, timeout=30, headers={"Origin": base_url, "Referer": f"{base_url}/"}
        )

    def sign_up(self, username: str, password: str) -> None:
        self.http.get("/accounts/signup/").raise_for_status()
        response = self.http.post(
            "/accounts/signup/",
            data={
                "username": username,
                "password1": password,
                "password2": password,
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
        )
        assert response.status_code == 302, f"sign-up failed: {response.text[:2000]}"
        assert "sessionid" in self.http.cookies

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())

    def api(self, method: str, url: str, **kwargs) -> httpx.Response:
        # Django rotates the CSRF token at login, so read the current cookie each time.
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", "")}
        return self.http.request(method, url, headers=headers, **kwargs)

    def create_conversation(self, title: str) -> int:
        response = self.api("POST", "/api/conversations/", json={"title": title})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def start_turn(self, conversation_id: int, prompt: str, **options: Any) -> dict:
        response = self.api(
            "POST",
            f"/api/conversations/{conversation_id}/turns/",
            json={"prompt": prompt, "options": options},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def cancel_turn(self, turn_id: int) -> dict:
        response = self.api("POST", f"/api/turns/{turn_id}/cancel/")
        assert response.status_code == 200, response.text
        return response.json()

    def snapshot(self, conversation_id: int) -> dict:
        response = self.api("GET", f"/api/conversations/{conversation_id}/")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_for_turn(self, conversation_id: int, turn_id: int, timeout: float = 30) -> dict:
        def finished() -> dict | None:
            turns = {t["id"]: t for t in self.snapshot(conversation_id)["turns"]}
            turn = turns.get(turn_id)
            return turn if turn and turn["status"] not in ("queued", "streaming") else None

        return wait_until(finished, what=f"turn {turn_id} to finish", timeout=timeout)
