"""printable(): what text from outside loses before it reaches a terminal or a page."""

from __future__ import annotations

import pytest

from assistant.terminal import printable, rich_safe


@pytest.mark.parametrize("hostile, shown", [
    ("\x1b[31mred\x1b[0m", "[31mred[0m"),  # the escape is gone: what is left is inert text
    ("title\x07\x00\x9b2J", "title2J"),
    ("nomad\u202eexe.gpj", "nomadexe.gpj"),  # right-to-left override: would show "nomadjpg.exe"
    ("a\u202ab\u202bc\u202cd\u202de", "abcde"),  # embeddings and the pop
    ("x\u2066y\u2067z\u2068w\u2069", "xyzw"),  # isolates
])
def test_controls_and_bidirectional_overrides_are_dropped(hostile: str, shown: str) -> None:
    assert printable(hostile) == shown


def test_ordinary_text_in_any_script_is_kept() -> None:
    for text in ("Café — 42% of “renters”", "שלום עולם", "مرحبا بالعالم", "日本語の文。", "tab\tand\nnewline"):
        assert printable(text) == text
    assert printable(None) == "" and printable(42) == "42"
    assert rich_safe("Why [/] matters\u202e") == "Why \\[/] matters"


def test_a_lone_surrogate_from_a_file_name_becomes_a_replacement_character() -> None:
    name = b"caf\xe9.md".decode("utf-8", "surrogateescape")
    assert printable(name) == "caf\ufffd.md"
    assert printable(name).encode("utf-8")  # writable
