"""assist share and assist queue from the command line: bad input, guards, slots, --edit, queue actions."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

from assistant.cli import cli

DRAFT = """---
title: Why sourdough starters smell of nail varnish
keywords: [sourdough, fermentation]
canonical_url: https://bread.example/starter-smell
---
# Why sourdough starters smell of nail varnish

A hungry starter makes ethyl acetate, which smells like nail varnish remover, when its yeast runs out of food.
Feeding it twice a day at room temperature usually clears the smell within three days.
A starter kept in the fridge needs a feed a week, and a warm feed before baking day.

## Feed it more often

Discard all but fifty grams and feed equal weights of flour and water.
"""


@pytest.fixture
def fake(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "platform")


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "starter.md"
    path.write_text(DRAFT)
    return path


@pytest.fixture
def home(example_installed: Path, fake: FileFake, assist_home: Path) -> Path:
    write(assist_home, fake)
    return assist_home


def write(home: Path, fake: FileFake, extra: str = "", token: bool = True) -> None:
    lines = ['timezone = "UTC"', "[schedule]", 'slots = ["10:00"]', "[channels.example]", f'path = "{fake.path}"']
    if token:
        lines.append(f'token = "{TOKEN}"')
    (home / "config.toml").write_text("\n".join(lines) + "\n" + extra + "\n")


def ahead(days: int, clock: str = "10:00") -> str:
    """A time ``days`` from today in UTC (the configured zone): `--at` refuses more than 366 days ahead."""
    return f"{datetime.now(UTC).date() + timedelta(days=days)}T{clock}"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def share(draft: Path, *args: str) -> Result:
    return run("share", str(draft), "--summary", "lead", *args)


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def queued() -> list[dict]:
    return json.loads(run("queue", "list", "--json").stdout)


def test_unknown_channel(home: Path, draft: Path) -> None:
    line = one_line_error(share(draft, "--channel", "nope"))
    assert "unknown channel 'nope'" in line and "example" in line
    assert "did you mean" not in line


@pytest.mark.parametrize(("typed", "meant"), [("twitter", "x"), ("Twitter", "x"), ("twiter", "x"),
                                              ("bsky", "bluesky"), ("mastodn", "mastodon")])
def test_unknown_channel_suggests_the_one_meant_by_alias_or_spelling(home: Path, draft: Path, typed: str,
                                                                     meant: str) -> None:
    for result in (share(draft, "--channel", typed, "--dry-run"), run("channels", "show", typed)):
        line = one_line_error(result)  # share lowercases a channel name (X is x); channels show does not
        assert f"; did you mean '{meant}'?" in line and f"unknown channel '{typed.lower()}'" in line.lower()


@pytest.mark.parametrize(("at", "message"), [("not a time at all", "cannot read"),
                                             ("2001-02-03T04:05", "is in the past"),
                                             ("last tuesday", "is in the past")])
def test_bad_at(home: Path, draft: Path, at: str, message: str) -> None:
    assert message in one_line_error(share(draft, "--channel", "example", "--at", at))
    assert queued() == []


def test_missing_credentials_is_a_usage_error_and_queues_nothing(example_installed: Path, fake: FileFake,
                                                                 assist_home: Path, draft: Path) -> None:
    write(assist_home, fake, token=False)
    line = one_line_error(share(draft, "--channel", "example", "--at", "now"))
    assert "ASSIST_EXAMPLE_TOKEN" in line and "nothing was queued" in line
    assert queued() == []
    preview = share(draft, "--channel", "example", "--dry-run")
    assert preview.exit_code == 0 and "credentials not configured (ASSIST_EXAMPLE_TOKEN)" in preview.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--channel", "example", "--option", "novalue"], "expected KEY=VALUE"),
    (["--channel", "example", "--option", "x.flair_id=1"], "not among the channels"),
    (["--channel", "example", "--channel", "example"], "given twice"),
    (["--channel", "example", "--at", "now", "--spread", "1d"], "not both"),
    (["--channel", "example", "--spread", "forever"], "not a duration"),
    ([], "no channel given"),
])
def test_bad_options(home: Path, draft: Path, args: list[str], message: str) -> None:
    assert message in one_line_error(share(draft, *args))


def test_missing_draft(home: Path, tmp_path: Path) -> None:
    one_line_error(run("share", str(tmp_path / "nope.md"), "--channel", "example"))


def test_reddit_needs_a_subreddit(home: Path, draft: Path) -> None:
    assert "needs a destination, e.g. --channel reddit:r/SUBREDDIT" in one_line_error(share(draft, "--channel", "reddit"))
    assert "not a subreddit" in one_line_error(share(draft, "--channel", "reddit:r/no spaces!"))


def test_default_schedule_takes_the_next_free_slot(home: Path, draft: Path, tmp_path: Path) -> None:
    first = json.loads(share(draft, "--channel", "example", "--json").stdout)[0]
    other = tmp_path / "other.md"
    other.write_text(DRAFT.replace("starter-smell", "starter-feeding"))
    second = json.loads(share(other, "--channel", "example", "--json").stdout)[0]
    t1, t2 = (datetime.fromisoformat(p["due_at"]) for p in (first, second))
    assert (t1.hour, t1.minute, t2.hour, t2.minute) == (10, 0, 10, 0)
    assert (t2 - t1).days == 1 and t1.tzinfo is not None
    assert t1.utcoffset().total_seconds() == 0  # the configured time zone (UTC)


def test_duplicate_url_guard_and_force(home: Path, draft: Path) -> None:
    assert share(draft, "--channel", "example").exit_code == 0
    line = one_line_error(share(draft, "--channel", "example"))
    assert "already queued or sent to example" in line and "--force" in line
    assert share(draft, "--channel", "example", "--force").exit_code == 0
    assert len(queued()) == 2


def test_min_spacing_guard(home: Path, fake: FileFake, draft: Path, tmp_path: Path) -> None:
    write(home, fake, 'min_spacing = "2h"')
    assert share(draft, "--channel", "example", "--at", ahead(30, "10:00")).exit_code == 0
    other = tmp_path / "other.md"
    other.write_text(DRAFT.replace("starter-smell", "starter-feeding"))
    line = one_line_error(share(other, "--channel", "example", "--at", ahead(30, "11:00")))
    assert "less than 2h away" in line
    assert share(other, "--channel", "example", "--at", ahead(30, "12:00")).exit_code == 0


def test_self_promotion_ratio_guard(home: Path, fake: FileFake, tmp_path: Path) -> None:
    write(home, fake, "self_promotion_ratio = 0.5\nother_activity = 2")
    results = []
    for n in range(4):
        path = tmp_path / f"d{n}.md"
        path.write_text(DRAFT.replace("starter-smell", f"starter-{n}"))
        results.append(share(path, "--channel", "example", "--at", ahead(n + 1)))
    assert [r.exit_code for r in results] == [0, 0, 2, 2]  # 2 own of 4 is 50 %; a third would be 60 %
    assert "3 of the account's last 5 posts would be links to your own work (limit 50%)" in results[2].stderr
    assert share(tmp_path / "d3.md", "--channel", "example", "--at", ahead(4), "--force").exit_code == 0


def test_reddit_has_a_self_promotion_ratio_by_default(home: Path, draft: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD"):
        monkeypatch.setenv(f"ASSIST_REDDIT_{var}", "x")
    line = one_line_error(share(draft, "--channel", "reddit:r/test"))
    assert "limit 10%" in line and "other_activity" in line


def use_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """$EDITOR (and $VISUAL) is this shell script, run on the file to edit."""
    editor = tmp_path / "editor.sh"
    editor.write_text(script)
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("VISUAL", str(editor))


def test_edit_opens_the_editor_per_post(home: Path, draft: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    use_editor(tmp_path, monkeypatch, '#!/bin/sh\nprintf "# a comment\\nMy own words https://bread.example/starter-smell\\n" > "$1"\n')
    result = share(draft, "--channel", "example", "--edit", "--json")
    assert result.exit_code == 0, result.output
    post = json.loads(result.stdout)[0]
    assert post["text"] == "My own words https://bread.example/starter-smell"
    assert post["length"] == len("My own words ") + 23
    assert queued()[0]["text"] == post["text"]


def test_edit_keeps_the_hashtag_line(home: Path, draft: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit that touches only the words must not drop '#Sourdough #Baking' as a comment line."""
    use_editor(tmp_path, monkeypatch, '#!/bin/sh\nsed -i "s/^\\([A-Z]\\)/\\1/; 2s/$/ Edited./" "$1"\n')
    plain = json.loads(share(draft, "--channel", "example", "--dry-run", "--json").stdout)[0]["text"]
    hashtags = plain.splitlines()[-1]
    assert hashtags.startswith("#") and not hashtags.startswith("# ")
    result = share(draft, "--channel", "example", "--edit", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    text = json.loads(result.stdout)[0]["text"]
    assert "Edited." in text and text.splitlines()[-1] == hashtags and "by example's count" not in text


def test_invalid_post_is_not_queued(home: Path, draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editor(tmp_path, monkeypatch, '#!/bin/sh\npython3 -c "print(\'word \' * 200)" > "$1"\n')
    line = one_line_error(share(draft, "--channel", "example", "--edit"))
    assert "the limit is 500" in line and "nothing was queued" in line
    assert queued() == []


@pytest.mark.parametrize(("script", "says"), [
    ('#!/bin/sh\nrm -f "$1"\n', "the editor removed the file; nothing was queued"),
    ("#!/bin/sh\nprintf 'caf\\351 au lait\\n' > \"$1\"\n", "the edited text is not UTF-8"),
], ids=["removed", "latin-1"])
def test_an_editor_that_removes_the_file_or_writes_other_bytes_is_one_line(
        home: Path, draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, says: str) -> None:
    """`share --edit` once ended in `internal error: FileNotFoundError` or `UnicodeDecodeError` (issue 10,
    item 18): a one-line refusal, and nothing queued."""
    use_editor(tmp_path, monkeypatch, script)
    line = one_line_error(share(draft, "--channel", "example", "--edit"))
    assert says in line and "nothing was queued" in line and "internal error" not in line
    assert queued() == []


def test_preview_shows_length_and_validity(home: Path, draft: Path) -> None:
    result = share(draft, "--channel", "example", "--dry-run")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0]
    assert header.startswith("== example  ") and "/500  ok  at " in header
    assert "Dry run: nothing was queued." in result.stderr and queued() == []


def test_queue_actions_and_their_errors(home: Path, draft: Path) -> None:
    post_id = json.loads(share(draft, "--channel", "example", "--json").stdout)[0]["id"]
    assert "no post 999" in one_line_error(run("queue", "show", "999"))
    assert "unknown state" in one_line_error(run("queue", "list", "--state", "bogus"))
    assert "is in the past" in one_line_error(run("queue", "reschedule", str(post_id), "--at", "2001-01-01"))
    moved = json.loads(run("queue", "reschedule", str(post_id), "--at", ahead(100, "08:00"), "--json").stdout)[0]
    assert moved["due_at"] == ahead(100, "08:00:00Z")
    assert "more than 366 days ahead" in one_line_error(run("queue", "reschedule", str(post_id), "--at", ahead(400)))
    assert "only failed, dead, cancelled or unknown" in one_line_error(run("queue", "retry", str(post_id)))
    assert run("queue", "cancel", str(post_id)).exit_code == 0
    assert "nothing to cancel" in one_line_error(run("queue", "cancel", str(post_id)))
    assert json.loads(run("queue", "retry", str(post_id), "--json").stdout)[0]["state"] == "scheduled"
    result = run("queue", "run", "--json")
    assert json.loads(result.stdout)["outcomes"] == {"sent": 1}
    listing = run("queue", "list")
    assert f"{post_id:>5}  sent" in listing.stdout
    shown = run("queue", "show", str(post_id))
    assert "Attempts:" in shown.stdout and "sent" in shown.stdout
    assert TOKEN not in shown.output + listing.output


def test_times_are_shown_in_the_users_zone(example_installed: Path, fake: FileFake, assist_home: Path,
                                           draft: Path) -> None:
    write(assist_home, fake)
    text = (assist_home / "config.toml").read_text().replace('timezone = "UTC"', 'timezone = "Asia/Tokyo"')
    (assist_home / "config.toml").write_text(text)
    post = json.loads(share(draft, "--channel", "example", "--at", ahead(30, "09:00"), "--json").stdout)[0]
    due = datetime.fromisoformat(post["due_at"])
    assert due == datetime.fromisoformat(ahead(30, "09:00")).replace(tzinfo=ZoneInfo("Asia/Tokyo"))


def test_dry_run_warns_about_guards_instead_of_failing(home: Path, draft: Path) -> None:
    assert share(draft, "--channel", "example").exit_code == 0
    preview = share(draft, "--channel", "example", "--dry-run")
    assert preview.exit_code == 0
    assert "already queued or sent to example" in preview.stderr and "(it would not be queued)" in preview.stderr
    assert len(queued()) == 1


def test_spread_spaces_posts_over_the_window(home: Path, fake: FileFake, draft: Path, tmp_path: Path) -> None:
    write(home, fake, 'min_spacing = "0s"')
    second = tmp_path / "second.md"
    second.write_text(DRAFT.replace("starter-smell", "starter-two"))
    result = share(draft, "--channel", "example", "--spread", "2d", "--json")
    assert result.exit_code == 0, result.output
    [post] = json.loads(result.stdout)
    due = datetime.fromisoformat(post["due_at"])
    assert 9 <= due.hour <= 18 and due.minute % 5 == 0
    assert (due - datetime.now(due.tzinfo)).total_seconds() <= 2 * 86400


def test_channels_never_print_credential_values(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = {"ASSIST_X_API_KEY": "k-3x4mpl3", "ASSIST_X_API_SECRET": "s-3x4mpl3",
              "ASSIST_X_ACCESS_TOKEN": "t-3x4mpl3", "ASSIST_X_ACCESS_SECRET": "a-3x4mpl3"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    listing = run("channels", "--json")
    assert listing.exit_code == 0
    rows = {r["name"]: r for r in json.loads(listing.stdout)}
    if "x" not in rows:
        pytest.skip("assist-x is not installed")
    assert rows["x"]["configured"] is True and rows["x"]["limits"]["max_length"] == 280
    shown = run("channels", "show", "x")
    text = listing.output + shown.output + run("channels").output
    assert "ASSIST_X_API_SECRET" in shown.output and all(v not in text for v in values.values())
    assert "unknown channel 'nope'" in one_line_error(run("channels", "show", "nope"))


def test_channels_show_describes_only_the_channel_asked_for(assist_home: Path) -> None:
    """Describing Mastodon asks its server for max_characters: `channels show x` must not."""
    from assist_mastodon.testing import FakeMastodon

    pytest.importorskip("assist_mastodon")
    import assist_mastodon

    assist_mastodon._instance_cache.clear()
    with FakeMastodon() as fake:
        table = "\n".join(f"{k} = {json.dumps(v)}" for k, v in fake.settings().items())
        (assist_home / "config.toml").write_text(f"[channels.mastodon]\n{table}\n")
        assert run("channels", "show", "x").exit_code == 0
        assert fake.requests == []
        assert run("channels", "show", "mastodon").exit_code == 0
        assert fake.requests, "describing mastodon asks its server (the check above can fail)"


@pytest.mark.parametrize(("content", "message"), [(b"", "empty file"), (b"  \n\n", "empty"),
                                                  (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file")])
def test_empty_or_binary_draft(home: Path, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    for extra in ([], ["--dry-run"]):
        assert message in one_line_error(share(path, "--channel", "example", "--at", "now", *extra))
    assert queued() == []


def test_queue_actions_on_unknown_ids_and_wrong_states(home: Path, draft: Path) -> None:
    for args in (["show", "999"], ["cancel", "999"], ["retry", "999"], ["retry", "999", "--force"],
                 ["reschedule", "999", "--at", "tomorrow 9am"]):
        assert "no post 999" in one_line_error(run("queue", *args))
    post_id = json.loads(share(draft, "--channel", "example", "--at", "now", "--json").stdout)[0]["id"]
    assert "cannot read" in one_line_error(run("queue", "reschedule", str(post_id), "--at", "someday maybe"))
    assert json.loads(run("queue", "run", "--json").stdout)["outcomes"] == {"sent": 1}
    assert "is sent; nothing to cancel" in one_line_error(run("queue", "cancel", str(post_id)))
    assert "only failed, dead, cancelled or unknown" in one_line_error(run("queue", "retry", str(post_id)))
    assert "only scheduled or failed" in one_line_error(run("queue", "reschedule", str(post_id), "--at", ahead(30)))
    assert queued()[0]["state"] == "sent"


def test_cancel_or_retry_of_several_posts_changes_none_when_one_is_bad(home: Path, draft: Path) -> None:
    post_id = json.loads(share(draft, "--channel", "example", "--json").stdout)[0]["id"]
    line = one_line_error(run("queue", "cancel", str(post_id), "999"))
    assert "no post 999" in line and "none of the 2 posts was changed" in line
    assert queued()[0]["state"] == "scheduled"
    assert run("queue", "cancel", str(post_id)).exit_code == 0
    assert "none of the 2 posts" in one_line_error(run("queue", "retry", str(post_id), "999"))
    assert queued()[0]["state"] == "cancelled"


def test_two_shares_at_once_cannot_both_pass_the_guards(home: Path, draft: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The guards are checked and the posts queued under one write lock: another `assist share` of the
    same URL, started meanwhile, waits and then meets the duplicate guard instead of queueing it too."""
    import sqlite3

    from assistant.share import plan

    checked = plan.plan_times
    other_could_write = []

    def racing(conn, *args, **kwargs):  # type: ignore[no-untyped-def]
        found = checked(conn, *args, **kwargs)
        other = sqlite3.connect(home / "assist.db", timeout=0.1, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other_could_write.append(True)
        except sqlite3.OperationalError:
            other_could_write.append(False)
        finally:
            other.close()
        return found

    monkeypatch.setattr(plan, "plan_times", racing)
    assert share(draft, "--channel", "example").exit_code == 0
    assert other_could_write == [False]
    assert len(queued()) == 1


def test_channels_and_plugins_are_aligned_tables_with_a_header() -> None:
    """Missing credentials are the last column: a long list of variables never runs into the limits."""
    listing = run("channels")
    assert listing.exit_code == 0, listing.output
    header, *rows = listing.output.splitlines()
    assert header.split() == ["CHANNEL", "PLUGIN", "LIMITS", "CREDENTIALS"]
    limits_at, creds_at = header.index("LIMITS"), header.index("CREDENTIALS")
    x = next((r for r in rows if r.startswith("x ")), None)
    if x is None:
        pytest.skip("assist-x is not installed")
    assert x[limits_at:creds_at].strip() == "280 chars, URL=23"
    assert x[creds_at:].startswith("missing ASSIST_X_API_KEY, ")
    plugins = run("plugins").output.splitlines()
    assert plugins[0].split() == ["PLUGIN", "DISTRIBUTION", "HOOKS"]
    names = [line.split()[0] for line in plugins[1:]]
    assert names == sorted(names) and "x" in names


def test_queue_list_has_a_header_and_run_says_when_the_next_post_is_due(home: Path, draft: Path) -> None:
    assert run("queue", "run").stdout.strip() == "Done: nothing due."
    due = ahead(100, "08:00")
    post_id = json.loads(share(draft, "--channel", "example", "--at", due, "--json").stdout)[0]["id"]
    header, row = run("queue", "list").stdout.splitlines()
    assert header.split() == ["ID", "STATE", "DUE", "CHANNEL", "POST"]
    assert row.startswith(f"{post_id:>5}  scheduled  {due.replace('T', ' ')}")
    assert run("queue", "run").stdout.strip() == \
        f"Done: nothing due (next: post {post_id} to example at {due.replace('T', ' ')} UTC)."


def test_share_reads_drafts_within_score_max_file_mb(home: Path, draft: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`share` read every draft with the 5 MB default; `score` and `prospects` honour score.max_file_mb."""
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "0.0005")  # 524 bytes: the draft is larger
    line = one_line_error(share(draft, "--channel", "example"))
    assert f"{draft}: too large" in line and "see score.max_file_mb" in line
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "nan")
    assert "[score] max_file_mb: nan is not a number" in one_line_error(share(draft, "--channel", "example"))
    assert queued() == []
    monkeypatch.setenv("ASSIST_SCORE__MAX_FILE_MB", "0.01")
    assert share(draft, "--channel", "example").exit_code == 0


def test_an_impossible_front_matter_date_is_one_line_naming_the_draft(home: Path, tmp_path: Path) -> None:
    """`2024-02-30` in front matter was an internal error (issue 10, item 13): one line, exit 2, nothing queued."""
    bad = tmp_path / "bad-date.md"
    bad.write_text(DRAFT.replace("keywords:", "date: 2024-02-30\nkeywords:"))
    line = one_line_error(share(bad, "--channel", "example"))
    assert line == f"Error: {bad}: invalid value in front matter: day is out of range for month"
    assert queued() == []


def test_a_one_megabyte_title_is_fitted_in_seconds(home: Path, draft: Path) -> None:
    """Fitting a 1 MB title ran past 120 s (issue 10, item 19); it is fitted to the channel's limit."""
    import time

    title = " ".join(f"word{i}" for i in range(150_000))[:1_000_000]
    started = time.monotonic()
    result = share(draft, "--channel", "example", "--title", title, "--dry-run", "--json")
    assert time.monotonic() - started < 20
    assert result.exit_code == 0, result.output
    [post] = json.loads(result.stdout)
    assert post["valid"] and post["length"] <= 500 and len(post["text"]) < 1_000
    assert "word0 word1 " in post["text"] and "https://bread.example/starter-smell" in post["text"]
