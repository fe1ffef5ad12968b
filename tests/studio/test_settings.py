"""Production-like settings pass Django's deployment checks; env readers are strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.env import env_bool, env_int, env_json

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DEBUG", "SECRET_KEY"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="studio.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "-production-secret-7f3a9c2e1b0d8e6f4a5b",
        ALLOWED_HOSTS="studio.example.com",
        STUDIO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret(tmp_path):
    result = run_manage("check", STUDIO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_env_readers_reject_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ValueError, match="FLAG"):
        env_bool("FLAG")
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ValueError, match="whole number"):
        env_int("COUNT", 1)


def test_prices_from_the_environment_replace_the_models_they_name(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.STUDIO_PRICES['gpt-image-2'], s.STUDIO_PRICES['gpt-image-1']['image_output'])",
        DEBUG="1",
        STUDIO_VAR_DIR=str(tmp_path),
        STUDIO_PRICES_JSON='{"gpt-image-2": {"per_image": {"low": {"1024x1024": 0.006}}}}',
    )
    assert result.returncode == 0, result.stderr
    assert "{'per_image': {'low': {'1024x1024': 0.006}}} 40" in result.stdout.splitlines()


def test_env_json_needs_an_object(monkeypatch):
    monkeypatch.setenv("PRICES", "[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        env_json("PRICES", {})
    monkeypatch.setenv("PRICES", "{oops")
    with pytest.raises(ValueError, match="JSON object"):
        env_json("PRICES", {})


def read_secret(tmp_path, **env: str) -> str:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        STUDIO_VAR_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 0, result.stderr
    # The shell may say first how many names it imported.
    return result.stdout.strip().splitlines()[-1]


def test_the_embedded_mode_generates_a_secret_into_var_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "secret_key"
    first = read_secret(tmp_path, SECRET_KEY_FILE=str(key_file))
    second = read_secret(tmp_path, SECRET_KEY_FILE=str(key_file))

    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_debug_run_signs_with_a_generated_secret_not_a_published_one(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    one = read_secret(tmp_path, DEBUG="1")
    two = read_secret(other, DEBUG="1")
    assert one != two
    assert "insecure" not in one
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
