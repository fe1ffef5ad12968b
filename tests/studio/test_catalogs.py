"""The Chinese catalogs: complete, fresh against the sources, compiled without GNU gettext."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from studio.catalogs import compile_one, po_files

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ("zh_Hans", "zh_Hant")
DOMAINS = ("django", "djangojs")
CATALOGS = [
    LOCALE / lang / "LC_MESSAGES" / f"{domain}.po" for lang in LANGUAGES for domain in DOMAINS
]
# What `make messages` leaves out too (the Makefile's MESSAGE_IGNORES), plus the catalogs.
NOT_SOURCES = (".*", "var", "tests", "bench", "build", "locale", "*.egg-info", "__pycache__")
PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\{\w*\}")


def _ids(catalog: polib.POFile) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in catalog if not e.obsolete}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalog = polib.pofile(str(path))
    assert not catalog.metadata_is_fuzzy
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_translations_keep_every_placeholder(path):
    for entry in polib.pofile(str(path)):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid
            )


def test_catalogs_are_fresh_against_the_sources(tmp_path, settings, monkeypatch):
    """Extract again from a copy of the sources: the same messages, no more, no fewer."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("xgettext is missing: .ci/run installs gettext for this test")
        pytest.skip("extraction needs GNU gettext's xgettext")
    # makemessages writes beside the sources it reads, so it reads a copy.
    copy = tmp_path / "sources"
    shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    for domain in DOMAINS:
        call_command("makemessages", locale=["zh_Hans"], domain=domain, verbosity=0)
    for lang in LANGUAGES:
        for domain in DOMAINS:
            extracted = polib.pofile(
                str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po")
            )
            committed = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"))
            missing = _ids(extracted) - _ids(committed)
            stale = _ids(committed) - _ids(extracted)
            assert (missing, stale) == (set(), set()), f"{lang}/{domain}: run make messages"


def test_compiled_catalogs_are_loaded():
    with translation.override("zh-hans"):
        assert translation.gettext("Galleries") == "图库"
        assert translation.pgettext("US dollars", "$%(amount)s") == "US$%(amount)s"
    with translation.override("zh-hant"):
        assert translation.gettext("Galleries") == "圖庫"
        assert translation.gettext("Review") == "審核"
    with translation.override("en"):
        assert translation.gettext("Galleries") == "Galleries"


def test_each_compiled_catalog_matches_its_source(tmp_path):
    for po_path in po_files():
        fresh = tmp_path / "fresh.mo"
        compile_one(po_path, fresh)
        assert po_path.with_suffix(".mo").read_bytes() == fresh.read_bytes(), po_path


def test_compiling_leaves_out_fuzzy_and_untranslated_entries(tmp_path):
    source = polib.POFile()
    source.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    source.append(polib.POEntry(msgid="Teams", msgstr="团队"))
    source.append(polib.POEntry(msgid="Usage", msgstr="使用", flags=["fuzzy"]))
    source.append(polib.POEntry(msgid="Budgets", msgstr=""))
    source.save(str(tmp_path / "django.po"))
    compile_one(tmp_path / "django.po", tmp_path / "django.mo")
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(tmp_path / "django.mo"))}
    assert compiled == {"Teams": "团队"}


def test_compilecatalogs_needs_no_gnu_gettext(tmp_path, settings, monkeypatch):
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", target)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    # No msgfmt or xgettext to be found: the command must not need them.
    monkeypatch.setenv("PATH", str(tmp_path))
    call_command("compilecatalogs", verbosity=0)
    assert polib.mofile(str(target / "django.mo")).find("Galleries").msgstr == "图库"


def test_catalogs_compile_on_a_fresh_machine_before_anything_is_configured(tmp_path):
    # `make run` and `make test` compile the catalogs first, before a SECRET_KEY exists.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    root = Path(settings.BASE_DIR)
    for path in po_files():
        path.with_suffix(".mo").unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "studio.catalogs"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert all(path.with_suffix(".mo").exists() for path in po_files())
