"""One normal form for prompts and blocked terms, so look-alike spellings compare equal."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """Compatibility forms folded, accents and invisible characters dropped, case folded.

    Fullwidth letters, ligatures, "é" for "e" and zero-width joiners are the cheap ways
    around a word list; both the list and the prompt go through this before comparing.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(
        char for char in decomposed if unicodedata.category(char) not in ("Mn", "Me", "Cf")
    )
    folded = unicodedata.normalize("NFKC", kept).casefold()
    return _SPACES.sub(" ", folded).strip()
