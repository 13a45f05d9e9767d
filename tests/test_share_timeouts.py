"""Timeouts through the queue: each built-in channel's real client gives up on a fake that answers late.

A timeout on the create request is ambiguous for every channel (the platform may or may not have
made the post), so `assist queue run` records it, asks the channel (`reconcile`) and then either
marks the post sent or sends it once more: whether or not the platform did the work, the post is
published exactly once and both attempts are in `assist queue show`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assist_bluesky.testing import FakeBluesky
from assist_mastodon.testing import FakeMastodon
from assist_reddit.testing import FakeReddit
from assist_x.testing import FakeX
from click.testing import CliRunner, Result

from assistant.cli import cli

DRAFT = Path(__file__).resolve().parent.parent / "sample_content" / "balcony-vegetable-garden.md"
CREATE = {"x": "/2/tweets", "mastodon": "/api/v1/statuses", "bluesky": "/xrpc/com.atproto.repo.createRecord",
          "reddit": "/api/submit"}
TIMEOUT = 0.3  # the clients' timeout; the fakes hang far longer
HANG = 1.5


@pytest.fixture
def fakes(assist_home: Path):  # type: ignore[no-untyped-def]
    with FakeX() as x, FakeMastodon() as mastodon, FakeBluesky() as bluesky, FakeReddit() as reddit:
        servers = {"x": x, "mastodon": mastodon, "bluesky": bluesky, "reddit": reddit}
        lines = ['timezone = "UTC"', "[queue]", 'backoff = "0s"']  # retried within the same `queue run`
        for name, fake in servers.items():
            lines.append(f"[channels.{name}]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in fake.settings(timeout=TIMEOUT).items()]
        lines.append("other_activity = 50")  # [channels.reddit]: enough other activity for the 10% rule
        (assist_home / "config.toml").write_text("\n".join(lines) + "\n")
        yield servers


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("spec", ["x", "mastodon", "bluesky", "reddit:r/test"])
@pytest.mark.parametrize("processed", [True, False], ids=["platform-posted-it", "platform-never-saw-it"])
def test_timeout_on_create_is_checked_and_published_exactly_once(fakes, spec: str, processed: bool) -> None:  # type: ignore[no-untyped-def]
    name = spec.partition(":")[0]
    fake = fakes[name]
    fake.hang(HANG, path=CREATE[name], process=processed)
    shared = json.loads(run("share", str(DRAFT), "--channel", spec, "--summary", "lead", "--at", "now",
                            "--json").stdout)
    post_id = shared[0]["id"]

    report = json.loads(run("queue", "run", "--json").stdout)
    shown = json.loads(run("queue", "show", str(post_id), "--json").stdout)
    assert shown["state"] == "sent", shown
    assert len(fake.published) == 1, (report, shown["history"])  # not lost, not duplicated
    first, second = shown["history"]  # every attempt recorded
    assert first["outcome"] == "ambiguous" and "Timeout" in first["error"], first
    if processed:  # found by the check (or, on X, refused as a duplicate when sent again)
        assert second["outcome"] in {"reconciled_published", "already_published"}, second
    else:  # the check found nothing: sent once more, with the same idempotency key
        assert second["outcome"] == "sent", second
    assert report["outcomes"] == {"failed": 1, second["outcome"]: 1}
    if second["outcome"] == "already_published":  # X's duplicate 403; the channel then looks the post up
        assert "duplicate" in shown["note"]
    assert shown["remote_id"] and shown["remote_url"], shown
    creates = [r for r in fake.requests if r.path.startswith(CREATE[name])]
    assert len(creates) == (1 if processed and name != "x" else 2)
