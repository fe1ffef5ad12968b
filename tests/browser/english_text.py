"""Finds English a Chinese page still shows.

For the walk-through tests: `english_text_on(page)` lists each visible text node (and
placeholder, aria-label and title) whose text is a message the catalogs translate, so a
string marked but not shown translated, or shown from an unmarked copy, is caught.
`english_sentences_on(page)` lists the visible text that reads like English words (two in
a row, the second in lower case), so text never marked for translation is caught too. What
people wrote (prompts, captions, names: `data-user-content` in the templates) is left out,
and so are model names, addresses, sizes and single option values: none of them has two
words of letters with a space between.
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
# Two words of three or more letters with a space between, the second in lower case ("no
# longer listed", "Access logs"), never part of a model name (gpt-image-2), an address or a
# file name, nor a name in title case ("Harbour Studies").
_SENTENCE = re.compile(r"(?<![\w./:@-])[A-Za-z][a-z]{2,} [a-z]{3,}(?![\w./:@-])")
# Text people wrote is theirs, in whatever language they wrote it.
USER_CONTENT = "[data-user-content]"

VISIBLE_TEXT_SCRIPT = """
(skip) => {
  const seen = [];
  const visible = (el) => !!el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden";
  const skipped = (el) => !!skip && !!el.closest(skip);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || ["SCRIPT", "STYLE", "NOSCRIPT"].includes(parent.tagName)) continue;
    if (skipped(parent)) continue;
    if (visible(parent) && node.textContent.trim()) seen.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (!visible(el) || skipped(el)) continue;
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


def _visible_texts(page, skip: str = "") -> list[str]:
    return [" ".join(text.split()) for text in page.evaluate(VISIBLE_TEXT_SCRIPT, skip)]


def english_text_on(page) -> list[str]:
    messages = english_messages()
    return sorted({text for text in _visible_texts(page) if text in messages})


def english_sentences_on(page) -> list[str]:
    """Visible text not written by a person that has two English words in a row."""
    return sorted({text for text in _visible_texts(page, USER_CONTENT) if _SENTENCE.search(text)})
