"""assist score: reports, JSON keys, --min-score gates, bad inputs, and relevance on the samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assistant import documents
from assistant.cli import cli
from assistant.score.report import score_documents, score_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_content"
STRONG = SAMPLES / "remote-work-survey-2026.md"
THIN = SAMPLES / "productivity-tips-listicle.md"
DRIFT = SAMPLES / "balcony-vegetable-garden.md"
HTML = SAMPLES / "password-managers-explained.html"

GOOD = "# Notes on meetings\n\nTeams that write things down meet less. We cut two meetings last week.\n"


def run(*args: str, embedder: Any = None, **kw: Any) -> Any:
    obj = {"embedder_factory": lambda model: embedder} if embedder is not None else None
    return CliRunner().invoke(cli, ["score", *args], obj=obj, **kw)


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# --------------------------------------------------------------------------- bad input


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each kind of bad draft, with the words its error must contain."""
    files: dict[str, tuple[Path, str]] = {}
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n")
    files["empty"] = (empty, "empty file")
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    files["binary"] = (binary, "binary file")
    garbled = tmp_path / "garbled.md"
    garbled.write_bytes(bytes(range(0x80, 0x100)) * 40)
    files["undecodable"] = (garbled, "not UTF-8")
    huge = tmp_path / "huge.md"
    with huge.open("wb") as f:
        f.truncate(20 * 1024 * 1024)  # sparse: 20 MB on paper, nothing written
    files["too_large"] = (huge, "too large")
    unknown = tmp_path / "draft.docx"
    unknown.write_text("Some words. More words here.\n")
    files["unknown_extension"] = (unknown, "unsupported file type .docx")
    headings = tmp_path / "headings.md"
    headings.write_text("# Title\n\n## Section\n\n```\ncode only\n```\n")
    files["no_sentences"] = (headings, "no sentences")
    files["missing"] = (tmp_path / "nope.md", "no such file")
    return files


@pytest.mark.parametrize(
    "kind", ["empty", "binary", "undecodable", "too_large", "unknown_extension", "no_sentences", "missing"]
)
def test_bad_input_is_one_line_naming_the_file_and_exit_2(bad_files: dict, kind: str) -> None:
    path, words = bad_files[kind]
    result = run(str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}:") and words in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


def test_bad_input_in_a_real_process_has_no_traceback(bad_files: dict) -> None:
    path, _ = bad_files["binary"]
    env = {k: v for k, v in os.environ.items() if k != "ASSIST_RAISE_ERRORS"}
    proc = subprocess.run([sys.executable, "-m", "assistant", "score", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"Error: {path}: binary file, not a text draft"]


def test_latin1_draft_is_decoded_and_scored(tmp_path: Path) -> None:
    path = tmp_path / "cafe.md"
    path.write_bytes("# Café notes\n\nThe café opened in the spring. Everyone liked the crème brûlée there.\n"
                     .encode("latin-1"))
    result = run("--no-relevance", "--format", "json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["title"] == "Café notes"


def test_directory_run_reports_the_bad_file_and_scores_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a-good.md").write_text(GOOD)
    (tmp_path / "b-empty.md").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c-good.txt").write_text("A plain note about meetings. It has two sentences.\n")
    (tmp_path / "notes.docx").write_text("skipped: not a draft type")
    result = run("--no-relevance", "--format", "json", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'b-empty.md'}: empty file"]
    entries = json.loads(result.stdout)
    assert [Path(e["path"]).name for e in entries] == ["a-good.md", "b-empty.md", "c-good.txt"]
    assert entries[1] == {"path": str(tmp_path / "b-empty.md"), "error": f"{tmp_path / 'b-empty.md'}: empty file"}
    assert entries[0]["linkability"]["score"] > 0 and entries[2]["linkability"]["score"] > 0


def test_bad_compare_reference_is_a_usage_error(tmp_path: Path) -> None:
    result = run("--no-relevance", "--compare", str(tmp_path / "missing.html"), str(THIN))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: --compare {tmp_path / 'missing.html'}: no such file or directory"]


def test_max_file_mb_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mid.md"
    path.write_text("Words here. More words.\n\n```\n" + "x = 1\n" * 120000 + "```\n")  # about 0.7 MB
    assert run("--no-relevance", str(path)).exit_code == 0
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "0.5")
    result = run("--no-relevance", str(path))
    assert result.exit_code == 2 and "too large" in result.stderr
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "-1")
    result = run("--no-relevance", str(path))
    assert result.exit_code == 2 and "[score] max_file_mb: must be more than 0, not -1" in result.stderr


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("ASSIST_SCORE__MIN_SCORE", "abc", "[score] min_score: 'abc' is not a number"),
    ("ASSIST_MODEL__BATCH_SIZE", "many", "[model] batch_size: 'many' is not a whole number"),
    ("ASSIST_MODEL__BACKEND", "gpu", "unknown model backend 'gpu'; use auto, onnx or torch"),
])
def test_bad_settings_are_one_line_config_errors(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                                 message: str) -> None:
    """Not an internal ValueError, and a bad backend is refused even when every sentence is cached."""
    monkeypatch.setenv(variable, value)
    result = run(str(THIN))
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [f"Error: {message}"]


def test_bad_weights_in_config_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_SCORE__WEIGHTS__SPEED", "3")
    result = run("--no-relevance", str(THIN))
    assert result.exit_code == 2
    assert "unknown signal 'speed'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- output and gates


def test_json_keys_without_relevance() -> None:
    result = run("--no-relevance", "--format", "json", str(STRONG))
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert {"path", "title", "word_count", "score", "linkability", "relevance", "suggestions"} <= set(entry)
    assert entry["relevance"] is None and entry["path"] == str(STRONG)
    names = [s["name"] for s in entry["linkability"]["signals"]]
    assert names == ["depth", "evidence", "structure", "readability", "title", "asset_format", "freshness"]
    for sig in entry["linkability"]["signals"]:
        assert {"name", "score", "weight", "evidence", "suggestion"} <= set(sig)
    gains = [s["gain"] for s in entry["suggestions"]]
    assert gains == sorted(gains, reverse=True) and len(gains) >= 3
    assert [s["overall_gain"] for s in entry["suggestions"]] == gains  # linkability alone is the overall score


def test_suggestions_are_ranked_by_their_effect_on_the_overall_score() -> None:
    """+3.4 relevance (x 0.4 = 1.36 overall) ranks below +2.9 linkability (x 0.6 = 1.74 overall)."""
    from types import SimpleNamespace

    from assistant.score.model import Suggestion
    from assistant.score.report import Report

    link = [Suggestion("depth", "Expand", 2.9), Suggestion("title", "Shorten", 0.4)]
    rel = [Suggestion("coverage", "Add a section", 3.4, target="relevance"),
           Suggestion("relevance", "Cut the section", 6.0, 12, target="relevance")]
    report = Report("d.md", linkability=SimpleNamespace(suggestions=link, score=50.0),  # type: ignore[arg-type]
                    relevance=SimpleNamespace(suggestions=rel, score=50.0))  # type: ignore[arg-type]
    assert [s.message for s in report.suggestions] == ["Cut the section", "Expand", "Add a section", "Shorten"]
    assert [round(report.overall_gain(s), 2) for s in report.suggestions] == [2.4, 1.74, 1.36, 0.24]
    alone = Report("d.md", linkability=SimpleNamespace(suggestions=link, score=50.0))  # type: ignore[arg-type]
    assert [s.message for s in alone.suggestions] == ["Expand", "Shorten"]
    assert [alone.overall_gain(s) for s in alone.suggestions] == [2.9, 0.4]


def test_json_flag_is_the_same_as_format_json() -> None:
    a = run("--no-relevance", "--json", str(THIN))
    b = run("--no-relevance", "--format", "json", str(THIN))
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_min_score_gates() -> None:
    low = run("--no-relevance", "--min-score", "50", str(THIN))
    assert low.exit_code == 1
    assert low.stderr.strip().splitlines() == [f"{THIN}: linkability 32 is below --min-score 50"]
    assert run("--no-relevance", "--min-score", "50", str(STRONG)).exit_code == 0
    both = run("--no-relevance", "--min-score", "50", str(STRONG), str(THIN))
    assert both.exit_code == 1



def test_bad_input_wins_over_min_score(tmp_path: Path) -> None:
    bad = tmp_path / "empty.md"
    bad.write_text("")
    result = run("--no-relevance", "--min-score", "50", str(THIN), str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {bad}: empty file", f"{THIN}: linkability 32 is below --min-score 50",
    ]


def test_min_score_default_comes_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_SCORE__MIN_SCORE", "50")
    assert run("--no-relevance", str(THIN)).exit_code == 1
    assert run("--no-relevance", "--min-score", "10", str(THIN)).exit_code == 0


def test_weights_from_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_SCORE__WEIGHTS__DEPTH", "0")
    entry = json.loads(run("--no-relevance", "--json", str(THIN)).stdout)[0]
    weights = {s["name"]: s["weight"] for s in entry["linkability"]["signals"]}
    assert weights["depth"] == 0 and weights["evidence"] == 25


def test_weights_from_config_file(assist_home: Path) -> None:
    """[score.weights] in config.toml: any subset, normalised; the JSON and the score follow."""
    base = json.loads(run("--no-relevance", "--json", str(THIN)).stdout)[0]["linkability"]
    (assist_home / "config.toml").write_text("[score.weights]\ndepth = 10\nevidence = 35\n")
    entry = json.loads(run("--no-relevance", "--json", str(THIN)).stdout)[0]["linkability"]
    weights = {s["name"]: s["weight"] for s in entry["signals"]}
    assert weights == {"depth": 10, "evidence": 35, "structure": 15, "readability": 10, "title": 5,
                       "asset_format": 15, "freshness": 10}
    scores = {s["name"]: s["score"] for s in entry["signals"]}
    expected = sum(scores[n] * w for n, w in weights.items()) / sum(weights.values())
    assert entry["score"] == pytest.approx(expected, abs=0.1)
    assert entry["score"] < base["score"] - 2  # evidence (0 on the thin draft) now weighs more
    (assist_home / "config.toml").write_text("[score.weights]\ndepth = -1\n")
    bad = run("--no-relevance", str(THIN))
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1 and "depth" in bad.stderr


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("--no-relevance", "--json", "-", input=GOOD)
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)[0]
    assert entry["path"] == "-" and entry["title"] == "Notes on meetings"
    text = run("--no-relevance", "--min-score", "90", "-", input=GOOD)
    assert text.exit_code == 1 and text.stdout.startswith("(standard input) ─")
    assert text.stderr.startswith("(standard input): linkability ")
    md = run("--no-relevance", "--format", "markdown", "-", input=GOOD)
    assert "\n## (standard input)\n" in md.stdout


@pytest.mark.parametrize(("stdin", "reason"), [
    ("", "empty file"),
    ("# Only a heading\n", "no sentences to read"),
    (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "binary file"),
])
def test_stdin_errors_name_standard_input(stdin: Any, reason: str) -> None:
    res = run("--no-relevance", "-", input=stdin)
    assert res.exit_code == 2
    assert res.stderr.startswith(f"Error: (standard input): {reason}") and res.stderr.count("\n") == 1
    assert "-:" not in res.stderr
    entry = json.loads(run("--no-relevance", "--json", "-", input=stdin).stdout)[0]
    assert entry["path"] == "-" and entry["error"].startswith(f"(standard input): {reason}")
    md = run("--no-relevance", "--format", "markdown", "-", input=stdin).stdout
    assert "\n## (standard input)\n" in md and f"**Error:** (standard input): {reason}" in md
    # the other commands that read a draft say the same
    for args in (["prospects", "-"], ["share", "-", "-c", "mastodon", "--dry-run"]):
        other = CliRunner().invoke(cli, args, input=stdin)
        assert other.exit_code == 2 and f"Error: (standard input): {reason}" in other.stderr, args


def test_text_and_markdown_reports() -> None:
    text = run("--no-relevance", str(THIN))
    assert text.exit_code == 0
    assert "Linkability 32/100" in text.stdout and "Top suggestions" in text.stdout
    assert "evidence L8" in text.stdout  # the suggestion's line number
    md = run("--no-relevance", "--format", "markdown", str(THIN), str(HTML))
    assert md.stdout.startswith("# assist score\n")
    assert f"## {THIN}" in md.stdout and "| Signal | Score | Weight | Found |" in md.stdout
    assert "(evidence, line 8)" in md.stdout


def test_markdown_report_names_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "empty.md"
    bad.write_text("")
    md = run("--no-relevance", "--format", "markdown", str(bad), str(THIN))
    assert md.exit_code == 2
    assert f"## {bad}\n\n**Error:** {bad}: empty file" in md.stdout and f"## {THIN}" in md.stdout


def test_help_is_cheap_and_complete() -> None:
    code = ("import sys, assistant.cli.score; "
            "print([m for m in ('textstat','numpy','torch','markdown_it','rich','assistant.score.signals') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"
    result = run("--help")
    for option in ("--topic", "--compare", "--format", "--json", "--min-score", "--model", "--no-relevance"):
        assert option in result.output
    assert "Exit status" in result.output


def test_strong_sample_outscores_the_thin_one() -> None:
    batch = score_paths([str(STRONG), str(THIN)], None)
    strong, thin = (r.linkability.score for r in batch.reports)
    assert strong - thin >= 25, (strong, thin)


def test_every_sample_scores_without_errors() -> None:
    batch = score_paths([str(SAMPLES)], None)
    names = {Path(r.path).name for r in batch.reports}
    assert {STRONG.name, THIN.name, DRIFT.name, HTML.name} <= names
    assert batch.errors == []
    for report in batch.reports:
        assert 400 <= report.word_count <= 3000, report.path


def _on_line(lines: list[str], line: int, snippet: str) -> bool:
    """The first words of a quoted snippet are on that line of the source (markup and entities aside)."""
    import html
    import re

    raw = html.unescape(lines[line - 1])
    plain = re.sub(r"<[^>]+>|\[|\]\([^)]*\)|[*_`]", "", raw)
    words = re.findall(r"[A-Za-z0-9']+", snippet)[:3]
    pattern = r"\W+".join(map(re.escape, words))
    return bool(re.search(pattern, plain) or re.search(pattern, raw))


def test_every_finding_points_at_its_source_line() -> None:
    """Evidence and quoted suggestions carry the file's own line numbers: front matter counted, HTML too."""
    import re

    checked = 0
    for report in score_paths([str(SAMPLES)], None).reports:
        lines = Path(report.path).read_text(encoding="utf-8").splitlines()
        assert report.linkability is not None
        for sig in report.linkability.signals:
            for e in sig.evidence:
                snippet = e.text.partition(": ")[2]
                if e.line and len(re.findall(r"[A-Za-z0-9']+", snippet)) >= 2:
                    assert _on_line(lines, e.line, snippet), (report.path, e)
                    checked += 1
        for s in report.suggestions:
            quoted = re.search(r"line (\d+)[^']*: '([^']+)", s.message)
            if quoted:
                assert s.line == int(quoted.group(1)) and _on_line(lines, s.line, quoted.group(2)), s
                checked += 1
    assert checked >= 60


# --------------------------------------------------------------------------- with the model


class CountingEmbedder:
    """The shared embedder, counting calls (a spy, not a stand-in: vectors come from the real model)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[int] = []

    def encode(self, texts: Any, progress: Any = None) -> Any:
        self.calls.append(len(list(texts)))
        return self.real.encode(texts, progress=progress)


def test_drifting_sections_are_flagged_by_line(shared_embedder: Any) -> None:
    [report] = score_documents([documents.load(str(DRIFT))], shared_embedder)
    drifting = [s.line for s in report.relevance.sections if s.drifting]
    assert drifting == [
        line_of(DRIFT, "## A change of plans: why I stopped renting"),
        line_of(DRIFT, "## Choosing the right mortgage"),
        line_of(DRIFT, "## Investing what is left over"),
    ]
    relevance_suggestions = [s for s in report.suggestions if s.target == "relevance"]
    assert {s.line for s in relevance_suggestions} >= set(drifting)


def test_on_topic_relevance_beats_off_topic(shared_embedder: Any) -> None:
    doc = documents.load(str(STRONG))
    [on] = score_documents([doc], shared_embedder)
    [off] = score_documents([doc], shared_embedder, topic="growing vegetables in containers on a balcony")
    assert on.relevance.topic_source == "front_matter" and off.relevance.topic_source == "option"
    assert on.relevance.score > off.relevance.score + 30


def test_batch_encodes_once_and_rescoring_embeds_nothing(shared_embedder: Any) -> None:
    docs = [documents.load(str(p)) for p in (STRONG, THIN, DRIFT, HTML)]
    spy = CountingEmbedder(shared_embedder)
    first = score_documents(docs, spy)
    assert len(spy.calls) == 1 and spy.calls[0] >= sum(len(d.sentences) for d in docs)
    before = shared_embedder.encoded
    again = score_documents(docs, shared_embedder)
    assert shared_embedder.encoded == before
    assert [r.relevance.score for r in again] == pytest.approx([r.relevance.score for r in first])


def test_progress_reports_both_phases(shared_embedder: Any) -> None:
    events: list[tuple[str, int]] = []

    class Recorder:
        def start(self, label: str, total: int) -> None:
            events.append((label, total))

        def advance(self, n: int = 1) -> None:
            events.append(("advance", n))

    docs = [documents.load(str(THIN)), documents.load(str(HTML))]
    score_documents(docs, shared_embedder, progress=Recorder())
    labels = [label for label, _ in events if label != "advance"]
    assert labels[0].startswith("Embedding") and labels[1] == "Scoring 2 draft(s)"
    assert sum(n for label, n in events[events.index((labels[1], 2)):] if label == "advance") == 2


def test_progress_counts_the_drafts_read_before_the_embedding(shared_embedder: Any, tmp_path: Path) -> None:
    """2,000 small drafts take seconds to read: the bar counts them instead of sitting at 0."""
    from assistant.score.report import score_paths

    events: list[tuple[str, int]] = []

    class Recorder:
        def start(self, label: str, total: int) -> None:
            events.append((label, total))

        def advance(self, n: int = 1) -> None:
            events.append(("advance", n))

    for i in range(3):
        (tmp_path / f"d{i}.md").write_text(f"# Draft {i}\n\nBalcony tomatoes need six hours of sun, says draft {i}.\n")
    (tmp_path / "broken.md").write_bytes(b"")
    score_paths([str(tmp_path)], shared_embedder, progress=Recorder())
    assert events[0] == ("Reading 4 drafts", 4)
    reading = events[1:events.index(next(e for e in events[1:] if e[0] != "advance"))]
    assert reading == [("advance", 1)] * 4  # the unreadable one counts too
    assert [label for label, _ in events if label != "advance"][1].startswith("Embedding")


def test_cli_report_with_relevance(shared_embedder: Any) -> None:
    result = run("--format", "json", str(DRIFT), str(STRONG), embedder=shared_embedder)
    assert result.exit_code == 0, result.output
    drift, strong = json.loads(result.stdout)
    assert drift["relevance"]["topic"] == "growing vegetables in containers on a small balcony"
    assert [s["line"] for s in drift["relevance"]["sections"] if s["drifting"]][0] == line_of(
        DRIFT, "## A change of plans: why I stopped renting")
    assert drift["suggestions"][0]["target"] == "relevance"
    overall = [s["overall_gain"] for s in drift["suggestions"]]
    assert overall == sorted(overall, reverse=True)
    for s in drift["suggestions"]:
        assert s["overall_gain"] == pytest.approx(s["gain"] * (0.4 if s["target"] == "relevance" else 0.6), abs=0.1)
    assert strong["relevance"]["score"] > drift["relevance"]["score"]
    text = run(str(DRIFT), embedder=shared_embedder)
    assert "Drifting sections" in text.stdout and "Relevance" in text.stdout
    assert f"L{line_of(DRIFT, '## Choosing the right mortgage')}-" in text.stdout
    drift_messages = [s["message"] for s in drift["suggestions"] if s["signal"] == "relevance"]
    assert drift_messages and all(
        "wanders off the topic 'growing vegetables in containers on a small balcony'" in m for m in drift_messages)


def test_a_directory_without_drafts_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n")
    result = run("--no-relevance", str(tmp_path), str(THIN))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path}: no drafts (.md, .markdown, .html, .txt) in this directory"
    ]
    assert "Linkability 32/100" in result.stdout


def _hook_selects(hook: dict[str, Any], path: Path) -> bool:
    """Whether pre-commit would pass this file to the hook (files/exclude regexes, types, types_or)."""
    import re

    from identify.identify import tags_from_path

    tags = tags_from_path(str(path))
    return (bool(re.search(hook["files"], path.name)) and not re.search(hook["exclude"], path.name)
            and set(hook["types"]) <= tags and (not hook["types_or"] or bool(set(hook["types_or"]) & tags))
            and not set(hook["exclude_types"]) & tags)


def test_pre_commit_hook_runs_the_gate(tmp_path: Path) -> None:
    from pre_commit.clientlib import load_manifest

    manifest = ROOT / ".pre-commit-hooks.yaml"
    hooks = {h["id"]: h for h in load_manifest(str(manifest))}  # pre-commit's own schema check
    assert set(hooks) == {"assist-score", "assist-score-fast"}
    hook = hooks["assist-score"]
    assert hook["entry"] == "assist score --min-score 50" and hook["language"] == "python"
    assert hook["require_serial"] and hook["pass_filenames"]
    for name in ("a.md", "b.markdown", "c.html", "d.htm", "e.txt", "f.py", "g.csv"):
        (tmp_path / name).write_text("x\n")
    for h in hooks.values():
        selected = {n for n in os.listdir(tmp_path) if _hook_selects(h, tmp_path / n)}
        assert selected == {"a.md", "b.markdown", "c.html", "d.htm"}, (h["id"], selected)
        assert h["entry"].split()[:2] == ["assist", "score"]
    args = hooks["assist-score-fast"]["entry"].split()[2:]  # pre-commit appends the staged file names
    assert run(*args, str(THIN), str(STRONG)).exit_code == 1
    assert run(*args, str(STRONG)).exit_code == 0


def test_docs_list_every_signal_with_its_weight() -> None:
    from assistant.score.signals import DEFAULT_WEIGHTS

    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for name, weight in DEFAULT_WEIGHTS.items():
        assert f"| `{name}` | {weight:g} |" in doc, name
        assert f"### {name}" in doc, name


def test_docs_thresholds_match_the_code() -> None:
    """The curves, format values and Yoast thresholds docs/scoring.md states are the ones signals.py uses."""
    import re

    from assistant.score import signals_base, signals_content

    doc = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    number = r"(\d{1,3}(?:,\d{3})+|\d+)\+?"
    depth = re.search(r"piecewise linear through (.+?) \*", doc, re.S)
    assert depth is not None
    points = [tuple(float(v.replace(",", "")) for v in m) for m in re.findall(number + r" (?:words )?→ " + number,
                                                                         depth.group(1))]
    assert points == [(float(x), y) for x, y in signals_base.DEPTH_CURVE]
    title = re.search(r"\| length \| (\d+) \| (\d+)-(\d+) characters \(ramp: (.+?)\) \|", doc)
    assert title is not None
    curve = dict(signals_base.TITLE_LENGTH_CURVE)
    assert curve[float(title.group(2))] == curve[float(title.group(3))] == float(title.group(1))
    for x, y in re.findall(number + " → " + number, title.group(4)):
        assert curve[float(x)] == float(y), (x, y)
    names = {"original research": "original_research", "statistics page": "statistics",
             "tool or template": "tool_or_template", "guide": "guide", "definition": "definition",
             "listicle": "listicle", "plain article": "article"}
    for label, key in names.items():
        assert f"| {label} | {signals_content.FORMAT_SCORES[key]:g} |" in doc, label
    assert f"no stretch of more than {signals_base.SUBHEADING_WORDS} words" in doc
    assert f"≤ {signals_base.LONG_SENTENCE_SHARE:.0%} of sentences over {signals_base.LONG_SENTENCE_WORDS} words" in doc
    assert f"no paragraph over {signals_base.LONG_PARAGRAPH_WORDS} words" in doc
    assert f"≤ {signals_base.PASSIVE_SHARE:.0%} of sentences passive" in doc
    assert f"`score.stale_years` (default {signals_base.STALE_YEARS})" in doc


def test_compare_references_are_encoded_in_the_same_pass(shared_embedder: Any) -> None:
    refs = [documents.load(str(p)) for p in sorted((ROOT / "tests" / "relevance_refs").glob("*"))[:2]]
    spy = CountingEmbedder(shared_embedder)
    [report] = score_documents([documents.load(str(THIN))], spy, compare=refs)
    assert len(spy.calls) == 1
    assert report.relevance.coverage is not None


def test_cli_compare_adds_coverage(shared_embedder: Any) -> None:
    ref = ROOT / "tests" / "relevance_refs" / "ref-a.md"
    result = run("--json", "--compare", str(ref), str(THIN), embedder=shared_embedder)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["relevance"]["coverage"] is not None
    text = run("--compare", str(ref), str(THIN), embedder=shared_embedder)
    assert "Coverage against 1 reference(s):" in text.stdout
    md = run("--format", "markdown", "--compare", str(ref), str(THIN), embedder=shared_embedder)
    assert "### Coverage" in md.stdout


def test_compare_accepts_a_directory_of_references(shared_embedder: Any, tmp_path: Path) -> None:
    refs = ROOT / "tests" / "relevance_refs"
    result = run("--json", "--compare", str(refs), str(THIN), embedder=shared_embedder)
    assert result.exit_code == 0, result.output
    coverage = json.loads(result.stdout)[0]["relevance"]["coverage"]
    assert coverage["references"] == [str(p) for p in sorted(refs.iterdir())]
    (tmp_path / "notes.csv").write_text("a,b\n")
    empty = run("--compare", str(tmp_path), str(THIN), embedder=shared_embedder)
    assert empty.exit_code == 2
    assert empty.stderr.strip().splitlines() == [
        f"Error: --compare {tmp_path}: no pages (.md, .markdown, .html, .txt) in this directory"]


def test_unknown_model_is_one_line(tmp_path: Path) -> None:
    result = run("--model", str(tmp_path / "no-such-model"), str(THIN))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "no-such-model" in lines[0]


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import pty
    import select

    master, slave = pty.openpty()
    env = dict(os.environ, ASSIST_HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "score", "--no-relevance", str(SAMPLES)],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    out = proc.stdout.read() if proc.stdout else b""
    assert proc.wait(timeout=60) == 0
    chunks = []
    while select.select([master], [], [], 0.5)[0]:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    import re

    assert re.search(rb"Scoring \d+ draft\(s\)", b"".join(chunks))
    assert b"Scoring" not in out and b"Linkability" in out


def test_a_draft_that_fails_while_scored_is_named_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A draft that breaks a signal (a bug) is one line on stderr, like a bad file, and the others are
    still scored: exit 2 with the reason shown, not a silent exit 2."""
    from assistant.score import signals

    (tmp_path / "a-good.md").write_text(GOOD)
    (tmp_path / "b-breaks.md").write_text("# Breaks\n\nThis draft trips the depth signal. It has two sentences.\n")
    depth = signals.SIGNALS["depth"]

    def breaking(doc: documents.Document) -> Any:
        if "trips" in doc.text:
            raise ValueError("boom\nsecond line")
        return depth(doc)

    monkeypatch.setitem(signals.SIGNALS, "depth", breaking)
    result = run("--no-relevance", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'b-breaks.md'}: internal error: ValueError: boom"]
    assert "Notes on meetings" in result.stdout


def test_a_file_named_twice_or_also_inside_a_named_directory_is_scored_once(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD.replace("Notes on meetings", "Notes on standups"))
    monkeypatch.chdir(tmp_path)
    result = run("--no-relevance", "--format", "json", "a.md", "./a.md", ".", "b.md")
    assert result.exit_code == 0, result.output
    assert [r["path"] for r in json.loads(result.stdout)] == ["a.md", "b.md"]


def test_markup_in_a_drafts_title_topic_and_headings_is_printed_as_text(tmp_path: Path) -> None:
    """Rich markup in user text (`Why [/] matters`) crashed the report; `[updated 2026]` vanished."""
    draft = tmp_path / "rich.md"
    draft.write_text('---\ntitle: "Why [/] matters [updated 2026]"\n---\n# Why [/] matters [updated 2026]\n\n'
                     "## The [red]part[/red] [/]\n\nBread rises because yeast makes gas in warm dough.\x1b]52;c;aGk=\x07\n")
    result = run("--no-relevance", str(draft))
    assert result.exit_code == 0, result.output
    assert "Why [/] matters [updated 2026]" in result.stdout and "\x1b" not in result.stdout



class WordEmbedder:
    """Unit vectors from hashed words: enough for a relevance score, no model to load."""

    def encode(self, texts: Any, progress: Any = None) -> Any:
        import zlib

        import numpy as np

        out = np.zeros((len(list(texts)), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_markup_in_a_drafts_topic_is_printed_as_text(tmp_path: Path) -> None:
    """A front-matter topic with Rich markup (`[/]`, `[updated 2026]`) crashed the text report or
    vanished from it (issue 10, item 21)."""
    draft = tmp_path / "topic.md"
    draft.write_text('---\ntitle: Bread\ntopic: "why [/] bread [updated 2026] rises"\n---\n# Bread\n\n'
                     "Bread rises because yeast makes gas in warm dough.\nWarm dough rises faster than cold dough.\n")
    result = run(str(draft), embedder=WordEmbedder())
    assert result.exit_code == 0, result.output
    assert "Topic (front_matter): why [/] bread [updated 2026] rises" in result.stdout
    option = run("--topic", "[bold]loud[/bold] [/] topic", str(draft), embedder=WordEmbedder())
    assert option.exit_code == 0, option.output
    assert "[bold]loud[/bold] [/] topic" in option.stdout
