"""Finds English a Chinese page still shows: visible text that is one of the catalogs' msgids.

For the walk-through tests: `english_text_on(page)` lists each visible text node (and
placeholder, aria-label and title) whose text is a message the catalogs translate, so a
string marked but not shown translated, or shown from an unmarked copy, is caught.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
# Words that read the same in every language (names, not sentences).
PROPER_NOUNS = frozenset({"Studio", "English", "CSV", "JSON", "API", "Token"})
_PLACEHOLDER = re.compile(r"%\(\w+\)s|%s")
_TAG = re.compile(r"<[^>]+>")

VISIBLE_TEXT_SCRIPT = """
() => {
  const seen = [];
  const visible = (el) => !!el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(parent.tagName)) continue;
    if (visible(parent) && node.textContent.trim()) seen.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (!visible(el)) continue;
    for (const name of ["placeholder", "aria-label", "title"]) {
      if (el.getAttribute(name)) seen.push(el.getAttribute(name));
    }
  }
  return seen;
}
"""


def _fragments(msgid: str) -> list[str]:
    """The pieces of a message a page shows as separate text: split at tags and values."""
    pieces = _PLACEHOLDER.split(_TAG.sub("\x00", msgid))
    return [p.strip() for piece in pieces for p in piece.split("\x00")]


@cache
def english_messages() -> frozenset[str]:
    """Every msgid (and piece of one) that the Chinese catalogs translate differently."""
    found: set[str] = set()
    for path in (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES").glob("*.po"):
        for entry in polib.pofile(str(path)):
            translated = entry.msgstr or next(iter(entry.msgstr_plural.values()), "")
            if not translated or translated == entry.msgid:
                continue
            for text in (entry.msgid, entry.msgid_plural):
                found.update(
                    f for f in _fragments(text or "") if len(f) > 1 and re.search("[A-Za-z]", f)
                )
    return frozenset(found - PROPER_NOUNS)


def english_text_on(page) -> list[str]:
    messages = english_messages()
    texts = (" ".join(text.split()) for text in page.evaluate(VISIBLE_TEXT_SCRIPT))
    return sorted({text for text in texts if text in messages})
