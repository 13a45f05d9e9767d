"""End to end: a sample draft shared to X, Mastodon, Bluesky and Reddit, published by `assist queue run`.

The four built-in plugins run their real client libraries (tweepy, Mastodon.py, atproto, praw)
against the loopback fakes each plugin ships (assist_<name>.testing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assist_bluesky.testing import FakeBluesky
from assist_mastodon.testing import FakeMastodon
from assist_reddit.testing import FakeReddit
from assist_x.testing import FakeX
from click.testing import CliRunner

from assistant.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "sample_content"
DRAFT = SAMPLES / "balcony-vegetable-garden.md"
CHANNELS = ["x", "mastodon", "bluesky", "reddit:r/test"]


@pytest.fixture
def fakes(assist_home: Path, monkeypatch: pytest.MonkeyPatch, shared_embedder):  # type: ignore[no-untyped-def]
    """The four fakes running, config pointing each channel at its fake, compose using the shared model."""
    from assistant.share import compose

    monkeypatch.setattr(compose, "default_embedder", lambda db: shared_embedder)
    with FakeX() as x, FakeMastodon() as mastodon, FakeBluesky() as bluesky, FakeReddit() as reddit:
        servers = {"x": x, "mastodon": mastodon, "bluesky": bluesky, "reddit": reddit}
        lines = ['timezone = "UTC"']
        for name, fake in servers.items():
            lines.append(f"[channels.{name}]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in fake.settings().items()]
        lines.append("other_activity = 50")  # [channels.reddit]: enough other activity for the 10% rule
        (assist_home / "config.toml").write_text("\n".join(lines) + "\n")
        yield servers


def run(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def channel_args() -> list[str]:
    return [arg for spec in CHANNELS for arg in ("--channel", spec)]


def test_share_previews_queues_and_publishes_to_four_channels(fakes, assist_home: Path) -> None:  # type: ignore[no-untyped-def]
    preview = json.loads(run("share", str(DRAFT), *channel_args(), "--dry-run", "--json").stdout)
    posts = {p["channel"]: p for p in preview}
    assert set(posts) == {"x", "mastodon", "bluesky", "reddit"}
    for name, post in posts.items():
        assert post["valid"], (name, post["problems"])
        assert 0 < post["length"] <= post["limit"] or (name == "reddit" and post["length"] == 0)
        assert f"utm_source={name}&utm_medium=social" in post["url"]
        assert post["id"] is None and post["queued"] is False
    assert posts["x"]["limit"] == 280 and posts["bluesky"]["limit"] == 300
    assert posts["reddit"]["target"] == "r/test" and posts["reddit"]["title"] == "How to Grow Vegetables on a Small Balcony"
    assert "#BalconyGarden" in posts["mastodon"]["text"]
    assert json.loads(run("queue", "list", "--json").stdout) == []
    assert all(not f.published for f in fakes.values())

    text_preview = run("share", str(DRAFT), *channel_args(), "--dry-run")
    assert text_preview.stdout.count("  ok  at ") == 4

    queued = json.loads(run("share", str(DRAFT), *channel_args(), "--at", "now", "--json").stdout)
    assert all(p["id"] and p["queued"] for p in queued)
    report = json.loads(run("queue", "run", "--json").stdout)
    assert report["outcomes"] == {"sent": 4}, report
    for name, fake in fakes.items():
        assert len(fake.published) == 1, name
    assert "utm_source=x" in fakes["x"].published[0]["text"]
    assert fakes["reddit"].published[0]["title"] == "How to Grow Vegetables on a Small Balcony"
    listing = json.loads(run("queue", "list", "--json").stdout)
    assert {p["state"] for p in listing} == {"sent"} and all(p["remote_id"] for p in listing)

    assert json.loads(run("queue", "run", "--json").stdout)["outcomes"] == {}  # nothing sent twice
    raw = b"".join(p.read_bytes() for p in assist_home.glob("assist.db*"))
    secrets = [fakes["x"].api_secret, fakes["x"].access_secret, fakes["mastodon"].access_token,
               fakes["bluesky"].app_password, fakes["reddit"].password, fakes["reddit"].client_secret]
    assert all(s and s.encode() not in raw for s in secrets)


def test_x_rate_limit_reset_header_sets_the_retry_time(fakes) -> None:  # type: ignore[no-untyped-def]
    import time

    fakes["x"].exhaust(reset_in=600)
    queued = json.loads(run("share", str(DRAFT), "--channel", "x", "--summary", "lead", "--at", "now",
                            "--json").stdout)
    post_id = queued[0]["id"]
    assert json.loads(run("queue", "run", "--json").stdout)["outcomes"] == {"rate_limited": 1}
    shown = json.loads(run("queue", "show", str(post_id), "--json").stdout)
    assert shown["state"] == "failed" and shown["attempts"] == 0  # a rate limit uses up no try
    [attempt] = shown["history"]
    assert attempt["outcome"] == "rate_limited" and attempt["status"] == 429
    from assistant import db
    from assistant.share.queue import Queue

    due = Queue(db.connect()).get(post_id).due_at
    assert abs(due - fakes["x"].reset_at) <= 2 and due > time.time() + 500  # x-rate-limit-reset honoured
    assert fakes["x"].published == []


@pytest.mark.parametrize("name", ["mastodon", "reddit:r/test", "x", "bluesky"])
@pytest.mark.parametrize("published", [True, False], ids=["died-after-publishing", "died-before-publishing"])
def test_crash_between_claim_and_record_publishes_exactly_once(fakes, name: str, published: bool) -> None:  # type: ignore[no-untyped-def]
    """A worker claimed a post and died, before or after the platform got it: the next worker asks the
    channel (reconcile) once the lease has expired, and the post ends up published exactly once."""
    from assistant import config, db
    from assistant.channels import get_channel
    from assistant.share.queue import Queue
    from assistant.share.worker import Worker

    run("share", str(DRAFT), "--channel", name, "--summary", "lead", "--at", "now")
    queue = Queue(db.connect())
    claimed = queue.claim("crashed-worker", 300)
    assert claimed is not None
    fake = fakes[claimed.post.channel]
    if published:
        channel = get_channel(claimed.post.channel)
        channel.publish(claimed.post, idempotency_key=claimed.idempotency_key)  # ...and then the crash
    assert len(fake.published) == int(published)

    soon = claimed.lease_until - 1
    assert Worker(Queue(db.connect(), clock=lambda: soon), settings=config.load(), limits={},
                  name="early").run_once().outcomes == {}  # the lease still holds: nobody touches it
    later = claimed.lease_until + 1
    worker = Worker(Queue(db.connect(), clock=lambda: later), settings=config.load(), limits={}, name="next")
    outcome = worker.run_once().outcomes
    assert len(fake.published) == 1, outcome  # published once: not lost, not posted twice
    assert queue.get(claimed.id).state == "sent" and queue.get(claimed.id).remote_id  # X's too: looked up
    if published:
        assert set(outcome) <= {"reconciled_published", "already_published"}, outcome
    else:
        assert outcome == {"sent": 1}
