"""The signing key of a run that was not given one: random, made once, kept in a file.

A key written in the source signs every install's cookies alike, so anyone could forge a
session or a message cookie. A generated key stays on this machine and survives restarts,
so sessions do too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    """The key in ``path``, written there first (readable by its owner only) if missing."""
    if not path.exists():
        _create(path)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ValueError(f"{path} holds no usable secret key; delete it to make a new one.")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    try:
        # A link never replaces an existing file: when two processes start at once, the
        # first key written wins and both read it.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
