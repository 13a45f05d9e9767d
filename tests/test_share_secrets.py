"""Credentials never leave their place: not in any output, error, debug log line or the queue database.

The four built-in channels run their real clients against the loopback fakes, configured from the
config file (X, Reddit) and from the environment (Mastodon, Bluesky), and are driven through the
command line to success and to the auth and server errors whose messages are stored in the queue.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from assist_bluesky.testing import FakeBluesky
from assist_mastodon.testing import FakeMastodon
from assist_reddit.testing import UNAUTHORIZED_HEADERS, FakeReddit
from assist_x.testing import FakeX
from click.testing import CliRunner, Result

from assistant.cli import cli

DRAFT = Path(__file__).resolve().parent.parent / "sample_content" / "balcony-vegetable-garden.md"
OTHER = Path(__file__).resolve().parent.parent / "sample_content" / "remote-work-survey-2026.md"
CHANNELS = ["x", "mastodon", "bluesky", "reddit:r/test"]
ENV = {"mastodon": {"access_token": "ASSIST_MASTODON_ACCESS_TOKEN"},
       "bluesky": {"handle": "ASSIST_BLUESKY_HANDLE", "app_password": "ASSIST_BLUESKY_APP_PASSWORD"}}


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def secrets_of(fakes: dict) -> list[str]:
    """Every credential the fakes issued or accepted, and every token the clients sent."""
    x, mastodon, bluesky, reddit = (fakes[n] for n in ("x", "mastodon", "bluesky", "reddit"))
    found = [x.api_key, x.api_secret, x.access_token, x.access_secret, mastodon.access_token,
             bluesky.app_password, reddit.client_secret, reddit.password, *bluesky.access, *bluesky.refresh,
             *reddit.tokens]
    for fake in fakes.values():
        for req in fake.requests:
            scheme, _, token = req.headers.get("authorization", "").partition(" ")
            if scheme.lower() == "bearer" and token:
                found.append(token)
    return sorted({s for s in found if s})


@pytest.fixture
def fakes(assist_home: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with FakeX() as x, FakeMastodon() as mastodon, FakeBluesky() as bluesky, FakeReddit() as reddit:
        servers = {"x": x, "mastodon": mastodon, "bluesky": bluesky, "reddit": reddit}
        lines = ['timezone = "UTC"', "[queue]", 'backoff = "0s"', "max_tries = 2"]
        for name, fake in servers.items():
            lines.append(f"[channels.{name}]")
            for key, value in fake.settings().items():
                if key in ENV.get(name, {}):
                    monkeypatch.setenv(ENV[name][key], str(value))
                else:
                    lines.append(f"{key} = {json.dumps(value)}")
        lines.append("other_activity = 50")  # [channels.reddit]
        (assist_home / "config.toml").write_text("\n".join(lines) + "\n")
        yield servers


def test_no_credential_in_output_errors_debug_logs_or_the_database(fakes, assist_home: Path,  # type: ignore[no-untyped-def]
                                                                   caplog: pytest.LogCaptureFixture,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)  # every library's debug logging (requests, urllib3, httpx, oauthlib...)
    channel_args = [a for spec in CHANNELS for a in ("--channel", spec)]
    outputs = [run("share", str(DRAFT), *channel_args, "--summary", "lead", "--at", "now", "--json"),
               run("queue", "run", "--json")]
    # then every channel refuses the credentials (or fails on the server) for a second draft
    fakes["x"].fail_next(401, body={"title": "Unauthorized", "type": "about:blank", "status": 401,
                                    "detail": "Unauthorized"}, path="/2/tweets")
    fakes["mastodon"].fail_next(401, body={"error": "The access token is invalid"}, path="/api/v1/statuses")
    fakes["bluesky"].fail_next(500, body={"error": "InternalServerError", "message": "boom"}, times=10,
                               path="/xrpc/com.atproto.repo.createRecord")
    fakes["reddit"].fail_next(401, headers=UNAUTHORIZED_HEADERS, times=2, path="/api/submit")
    outputs.append(run("share", str(OTHER), *channel_args, "--summary", "lead", "--at", "now", "--force", "--json"))
    outputs.append(run("queue", "run", "--json", code=1))  # posts went dead: `queue run` says so
    listing = json.loads(run("queue", "list", "--json").stdout)
    states = sorted(p["state"] for p in listing)
    assert states.count("sent") == 4 and len(listing) == 8, states
    assert all(p["last_error"] for p in listing if p["state"] != "sent")
    for post in listing:
        outputs += [run("queue", "show", str(post["id"])), run("queue", "show", str(post["id"]), "--json")]
    outputs += [run("queue", "list"), run("channels"), run("channels", "--json"), run("config", "show")]
    outputs += [run("channels", "show", name) for name in fakes]
    # and a missing credential: the error names the variable, never the others' values
    monkeypatch.delenv("ASSIST_BLUESKY_APP_PASSWORD")
    missing = run("share", str(DRAFT), "--channel", "bluesky", "--summary", "lead", "--at", "now", "--force", code=2)
    assert "ASSIST_BLUESKY_APP_PASSWORD" in missing.output
    outputs.append(missing)

    text = "\n".join(r.output for r in outputs) + caplog.text
    raw = b"".join(p.read_bytes() for p in assist_home.glob("assist.db*"))
    found = secrets_of(fakes)
    assert len(found) >= 12  # the fakes' own, and the access tokens really issued
    leaks = [s for s in found if s in text or s.encode() in raw]
    assert leaks == []
