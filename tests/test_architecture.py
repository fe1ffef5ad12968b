"""The packages' imports point one way (the contract in pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_follow_the_layers():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_conversations_names_the_editing_roles_teams_defines():
    from conversations.selectors import EDITING_ROLES
    from teams.models import Membership

    assert tuple(Membership.EDITING_ROLES) == EDITING_ROLES
