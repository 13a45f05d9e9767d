"""README.md and docs/*.md stay true to the code: the commands, flags and defaults they state exist as stated."""

import json
import re
import tomllib
from pathlib import Path

from assistant import config
from assistant.cli import COMMANDS
from assistant.score.signals import resolve_weights
from assistant.share.worker import rate_limits

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", README, flags=re.S)


def test_every_command_is_in_the_readme_table_and_every_row_is_a_command():
    rows = set(re.findall(r"^\| `assist (\w+)", README, flags=re.M))
    assert rows == set(COMMANDS)


def test_quick_start_commands_match_ci():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -r requirements-dev.txt && .venv/bin/python -m pytest"
    assert test_command in README
    assert test_command in ci
    assert ".venv/bin/assist score sample_content/" in README


def test_configuration_example_is_read_as_the_readme_says(tmp_path, monkeypatch):
    (block,) = _toml_blocks()
    path = tmp_path / "config.toml"
    path.write_text(block, encoding="utf-8")
    monkeypatch.setenv("ASSIST_CONFIG", str(path))
    settings = config.load({"ASSIST_SCORE__MIN_SCORE": "60"})

    assert settings.get("score.min_score") == 60  # the env example: ASSIST_SCORE__MIN_SCORE=60
    weights = resolve_weights(settings.get("score.weights"))
    assert weights["evidence"] == 30 and weights["title"] == 0
    limit = rate_limits(settings)["x"]
    assert (limit.posts, limit.per) == (100, 15 * 60)
    assert settings.get("channels.mastodon.api_base_url") == "https://mastodon.social"
    assert settings.get("site.domain") == "remotely.blog"
    assert tomllib.loads(block)["timezone"] == settings.get("timezone")


# --------------------------------------------------------------------------- docs/*.md

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_ASSIST_FLAGS = {"--help", "--quiet", "--top", "--dev-only",  # click's own, bench/prospects_eval/run_eval.py's
                    "--jobs", "--drop-draft-links",  # and bench/prospects_real/run_eval.py's
                    "--hypothesis-seed"}  # the Hypothesis pytest plugin's


def _doc(name: str) -> str:
    return (ROOT / "docs" / name).read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next one."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _cli_tree() -> tuple[set[str], dict[str, set[str] | None]]:
    """Every --option of every command, and each command's subcommands (None: not a group)."""
    import click

    from assistant.cli import cli

    ctx = click.Context(cli)
    options: set[str] = set()
    groups: dict[str, set[str] | None] = {}

    def walk(cmd: click.Command, path: str) -> None:
        for param in cmd.params:
            options.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("--"))
        if isinstance(cmd, click.Group):
            names = set(cmd.list_commands(ctx))
            groups[path] = names
            for name in names:
                walk(cmd.get_command(ctx, name), f"{path} {name}".strip())
        else:
            groups[path] = None

    walk(cli, "")
    return options, groups


def test_every_flag_the_docs_name_exists():
    options, _ = _cli_tree()
    for path in DOC_FILES:
        named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", path.read_text(encoding="utf-8")))
        assert named - options - NOT_ASSIST_FLAGS == set(), path.name


def test_every_command_the_docs_name_exists():
    _, groups = _cli_tree()
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        code = re.findall(r"`assist ([a-z]+)(?: ([a-z]+))?", text)
        for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
            code += re.findall(r"^(?:\$ )?assist ([a-z]+)(?: ([a-z]+))?", block, flags=re.M)
        for name, sub in code:
            assert name in groups, (path.name, name)
            subs = groups[name]
            if subs is not None and sub:
                assert sub in subs, (path.name, name, sub)


def test_share_docs_state_the_defaults_in_the_code():
    from assistant.cli.queue import NEEDS_YOU
    from assistant.share.compose import DEFAULT_HASHTAGS

    doc = _doc("share.md")
    q, sched = config.DEFAULTS["queue"], config.DEFAULTS["schedule"]
    assert f"| `queue.max_tries` | {q['max_tries']} |" in doc
    assert f"| `queue.backoff` / `queue.backoff_max` | {q['backoff']} / {q['backoff_max']} |" in doc
    assert f"| `queue.lease` | {q['lease']} |" in doc
    assert f"| `queue.interval` | {q['interval']} |" in doc
    assert f"| `schedule.slots` | `{json.dumps(sched['slots'], separators=(',', ':'))}` |" in doc
    assert f"| `schedule.hours` | `{json.dumps(sched['hours'], separators=(',', ':'))}` |" in doc
    assert f"| `schedule.min_spacing` | `\"{sched['min_spacing']}\"` |" in doc
    assert f"| `schedule.duplicate_window` | `\"{sched['duplicate_window']}\"` |" in doc
    assert sched["duplicate_window"] == "30d" and "within 30 days" in README
    from assistant.channels import available_channels

    builtin = {name: cls for name, cls in available_channels().items() if name in ("x", "mastodon", "bluesky", "reddit")}
    assert len(builtin) == 4
    defaults = re.search(r"declares its platform's limit \(`Channel.rate_limit`\): (.+?)\. The", doc, re.S)
    assert defaults is not None
    stated = {name.lower(): (int(n), per)
              for name, n, per in re.findall(r"(X|Mastodon|Bluesky|Reddit)\s+(\d+)/(\w+)", defaults.group(1))}
    assert stated == {name: tuple(cls.rate_limit) for name, cls in builtin.items()}
    tags = re.search(r"own default \(`Channel.hashtags`: (.+?)\), else (\d+);", " ".join(doc.split()))
    assert tags is not None
    stated_tags = {name.lower(): int(n) for name, n in re.findall(r"(\w+) (\d+)", tags.group(1))}
    assert stated_tags == {name: cls.hashtags for name, cls in builtin.items()}
    assert int(tags.group(2)) == DEFAULT_HASHTAGS
    reddit = builtin["reddit"].self_promotion_rule
    assert f"Reddit: {reddit['ratio']} / {reddit['other_activity']} / {reddit['window']}" in doc
    assert NEEDS_YOU == {"dead", "unknown"}
    for text in (README, doc):
        assert "exits 1 when a post ended `dead` or `unknown`" in " ".join(text.split())


def test_channel_docs_state_the_plugins_constants():
    import assist_bluesky
    import assist_mastodon
    import assist_reddit
    import assist_x

    from assistant.channels import IDEMPOTENCY_MARGIN

    doc = " ".join(_doc("channels.md").split())
    sections = {name: " ".join(_section(_doc("channels.md"), name).split())
                for name in ("Reddit", "Bluesky", "X", "Mastodon")}
    reddit, bluesky, x, mastodon = (sections[n] for n in ("Reddit", "Bluesky", "X", "Mastodon"))
    assert f"`timeout` (seconds, default {assist_reddit.DEFAULT_TIMEOUT:g})" in reddit
    assert f"`max_wait` (seconds, default {assist_reddit.DEFAULT_MAX_WAIT:g}" in reddit
    assert f"the account's {assist_reddit.RECONCILE_DEPTH} newest submissions" in reddit
    assert f"`reconcile_days` (setting, default {assist_reddit.RECONCILE_DAYS:g}" in reddit
    assert f"`timeout` (seconds, default {assist_bluesky.DEFAULT_TIMEOUT:g})" in bluesky
    assert f"the account's {assist_bluesky.RECONCILE_DEPTH} newest posts" in bluesky
    assert f"`reconcile_days` (setting, default {assist_bluesky.RECONCILE_DAYS:g})" in bluesky
    assert f"`timeout` (seconds, default {assist_x.DEFAULT_TIMEOUT:g})" in x
    assert f"`reconcile_days` (default {assist_x.RECONCILE_DAYS:g}:" in x
    assert f"`max_results={assist_x.LOOKUP_MAX_RESULTS}`" in x
    assert f"`timeout` (seconds, default {assist_mastodon.DEFAULT_TIMEOUT:g})" in mastodon
    assert f"`reconcile_days` (default {assist_mastodon.RECONCILE_DAYS:g})" in mastodon
    assert f"the account's {assist_mastodon.RECONCILE_DEPTH} newest statuses" in mastodon
    window = assist_mastodon.MastodonChannel.idempotency_window
    assert f"within {(window - IDEMPOTENCY_MARGIN) / 60:g} minutes of the first attempt" in mastodon
    assert "self_promotion" in doc  # the helper is documented, and not as what the share guard uses
    plugins_doc = " ".join(_doc("plugins.md").split())
    assert f"with {IDEMPOTENCY_MARGIN / 60:g} minutes to spare" in plugins_doc
    assert f"Mastodon sets `idempotency_window = {window}`" in plugins_doc
    assert f"within {(window - IDEMPOTENCY_MARGIN) / 60:g} minutes of the first attempt" in plugins_doc


def test_prospects_docs_state_the_defaults_in_the_code():
    from assistant.prospects import index, rank

    doc = " ".join(_doc("prospects.md").split())
    w = rank.DEFAULT_WEIGHTS
    assert (f"Score = {w['topical']:.2f} topical + {w['intersect']:.2f} intersect + {w['propensity']:.2f} "
            f"propensity + {w['authority']:.2f} authority/100 x relevance + {w['mention']:.2f} mention") in doc
    assert (f"| `prospects.weights.{{topical,intersect,propensity,authority,mention}}` | {w['topical']:.2f}, "
            f"{w['intersect']:.2f}, {w['propensity']:.2f}, {w['authority']:.2f}, {w['mention']:.2f} |") in doc
    c = config.DEFAULTS["crawl"]
    assert (f"`max_pages` ({c['max_pages']}), `timeout` ({c['timeout']:g}), `delay` ({c['delay']}), "
            f"`max_bytes` ({c['max_bytes']}), `workers` ({c['workers']})") in doc
    assert f"Up to {index.ANN_THRESHOLD:,} sites are scored exhaustively" in doc


def test_model_and_score_docs_state_the_defaults_in_the_code():
    m, s = config.DEFAULTS["model"], config.DEFAULTS["score"]
    embeddings = _doc("embeddings.md")
    assert f"| `model.name` | `{m['name']}` |" in embeddings
    assert f"| `model.backend` | `{m['backend']}` |" in embeddings
    assert f"| `model.batch_size` | `{m['batch_size']}` |" in embeddings
    scoring = _doc("scoring.md")
    assert f"| `score.min_score` | {s['min_score']} |" in scoring
    assert f"| `score.max_file_mb` | {s['max_file_mb']} |" in scoring
    assert f"| `score.stale_years` | {s['stale_years']} |" in scoring
