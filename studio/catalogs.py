"""Message catalogs compiled in Python (polib), so no machine needs GNU gettext to run Studio.

The .po files under locale/ are the sources and are committed; the .mo files next to them
are built from them (`manage.py compilecatalogs`, run by `make run`, `make web` and the
tests) and are not. Fuzzy and untranslated entries are left out of a .mo, as msgfmt does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib
from django.conf import settings

# Where the catalogs live without asking the settings: `make` compiles them before anything
# is configured (no SECRET_KEY yet on a fresh machine).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def po_files(roots=None) -> Iterator[Path]:
    for root in settings.LOCALE_PATHS if roots is None else roots:
        yield from sorted(Path(root).glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(*, force: bool = False, roots=None) -> list[Path]:
    """Write each .po's .mo when it is missing or older than its .po; the .mo files written."""
    written = []
    for po_path in po_files(roots):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        compile_one(po_path, mo_path)
        written.append(mo_path)
    return written


def compile_one(po_path: Path, mo_path: Path) -> None:
    catalog = polib.pofile(str(po_path))
    # Written beside and renamed, so a running server never reads half a file.
    partial = mo_path.with_suffix(".mo.partial")
    catalog.save_as_mofile(str(partial))
    partial.replace(mo_path)


if __name__ == "__main__":
    for path in compile_catalogs(roots=[LOCALE_DIR]):
        print(f"compiled {path}")
