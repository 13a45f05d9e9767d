"""A contract test kit for channel plugins: subclass ``ChannelContract`` in your plugin's tests.

Usage (pytest)::

    import pytest
    from assistant.testing import ChannelContract

    from assist_mastodon import MastodonChannel
    from assist_mastodon.testing import FakeMastodon    # the fake the plugin ships beside itself


    class TestMastodonContract(ChannelContract):
        target = None                 # e.g. "r/test" for a channel that needs a destination
        post_options = {}             # e.g. {"flair_id": "abc"}
        # (status, headers, body, expected error class) scripted with fake.fail_next(...)
        # error_cases = ChannelContract.error_cases + [(403, {}, {...}, PermanentError)]

        @pytest.fixture
        def fake(self):
            with FakeMastodon() as fake:
                yield fake

        @pytest.fixture
        def channel(self, fake):
            return MastodonChannel(fake.settings(), environ={})

The class is not collected by itself (its name does not start with ``Test``); your subclass is,
and runs every ``test_contract_*`` check below against your channel and your fake:

- the name, description, credentials and limits are sane, and the channel is registered through
  the ``assist`` entry-point group (set ``check_registered = False`` to skip);
- importing the plugin's module imports none of ``lazy_imports`` (your client library: set
  ``lazy_imports = ("tweepy", "requests")``), so listing channels stays instant;
- ``length`` follows the declared rule: plain ASCII counts one per character, and when
  ``Limits.url_length`` is set every URL counts exactly that, however long;
- ``validate`` accepts a normal post and catches an over-long text (and an over-long title);
- ``publish`` returns a ``PublishResult`` with a non-empty string ``remote_id`` and the fake
  records exactly one publication (``fake.published``);
- without credentials (empty settings and environment) ``publish`` raises ``MissingCredentials``
  naming the environment variable;
- failures scripted with ``fake.fail_next(status, body, headers)`` surface as the typed errors
  (401 -> AuthError, 429 -> RateLimited, 503 -> TransientError by default) and never leak a
  secret credential in the message;
- ``publish`` calls ``self.fence()`` right before the request that creates the post, and sends
  nothing when the fence says the worker lost the post (suspended past its lease);
- ``reconcile`` returns a ``Reconciled``; a PUBLISHED outcome carries a ``PublishResult`` (when it
  takes ``in_flight_since``, it is given the time of the publish just made);
- an ``idempotent`` channel whose platform forgets keys (``idempotency_window``) takes
  ``in_flight_since``, and never answers NOT_PUBLISHED for a post published longer ago than the
  window while every request fails (a resend would post it twice).

Fixtures for a plugin's own tests (import them into its ``conftest.py``:
``from assistant.testing import assist_home, share_to``): ``assist_home`` (autouse) gives every test
its own ``ASSIST_HOME`` and drops ``ASSIST_*`` variables of the caller's shell; ``share_to`` runs
``assist share`` of a short draft to one channel and then ``assist queue run``, through the CLI.

Override ``make_post`` for channels that need more than a text, a URL, a title and a target.
The fake needs ``published`` (a list) and ``fail_next(...)``; checks that need what a fake lacks
are skipped with a reason. ``FakeServer`` (from ``assistant.fakeserver``, re-exported here) is a
loopback HTTP server base that has both: subclass it with your platform's endpoints.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from assistant.channels import (
    AuthError,
    Channel,
    ChannelError,
    Limits,
    MissingCredentials,
    Post,
    PublishResult,
    RateLimited,
    Reconciled,
    Recovery,
    TransientError,
    takes_in_flight_since,
)
from assistant.fakeserver import FakeServer, fake_fixture

__all__ = ["ChannelContract", "FakeServer", "ShareTo", "assist_home", "fake_fixture", "share_to"]


@pytest.fixture(autouse=True)
def assist_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all state at a fresh directory and drop any ASSIST_* settings from the caller's shell."""
    for name in list(os.environ):
        if name.startswith("ASSIST_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "assist-home"
    home.mkdir()
    monkeypatch.setenv("ASSIST_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from assistant import plugins

    plugins.reset()
    yield home
    plugins.reset()


STARTER_DRAFT = """---
title: Why sourdough starters smell of nail varnish
keywords: [sourdough, fermentation]
canonical_url: https://bread.example/starter-smell
---
# Why sourdough starters smell of nail varnish

A hungry starter makes ethyl acetate, which smells like nail varnish remover, when its yeast runs out of food.
Feeding it twice a day at room temperature usually clears the smell within three days.
"""


class ShareTo:
    """``assist share`` of a short draft to one channel, then ``assist queue run``, through the CLI."""

    def __init__(self, home: Path, tmp_path: Path) -> None:
        from click.testing import CliRunner

        self.home, self.tmp_path, self.runner = home, tmp_path, CliRunner()

    def share(self, name: str, settings: dict[str, Any]) -> dict[str, Any]:
        """Configure ``[channels.NAME]`` (checked listed as configured), share the draft with ``--at now``
        (checked to succeed) and return the queued post."""
        from assistant.cli import cli

        table = "\n".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
        (self.home / "config.toml").write_text(f'timezone = "UTC"\n[channels.{name}]\n{table}\n')
        draft = self.tmp_path / "starter.md"
        draft.write_text(STARTER_DRAFT)
        listed = json.loads(self.runner.invoke(cli, ["channels", "--json"]).stdout)
        row = next(r for r in listed if r["name"] == name)
        assert row["configured"] is True
        shared = self.runner.invoke(cli, ["share", str(draft), "--channel", name, "--summary", "lead", "--at", "now",
                                          "--json"])
        assert shared.exit_code == 0, shared.output
        [queued] = json.loads(shared.stdout)
        return queued  # type: ignore[no-any-return]

    def run(self, queued: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Run the queue (checked: one post sent); return ``queue show`` of the post and the database's bytes."""
        from assistant import config
        from assistant.cli import cli

        ran = self.runner.invoke(cli, ["queue", "run", "--json"])
        assert ran.exit_code == 0, ran.output
        assert json.loads(ran.stdout)["outcomes"] == {"sent": 1}
        shown = json.loads(self.runner.invoke(cli, ["queue", "show", str(queued["id"]), "--json"]).stdout)
        stored = b"".join(f.read_bytes() for f in config.db_path().parent.glob("assist.db*"))  # with the WAL
        return shown, stored


@pytest.fixture
def share_to(assist_home: Path, tmp_path: Path) -> ShareTo:
    return ShareTo(assist_home, tmp_path)

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
ENV_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
SAMPLE_URL = "https://example.com/blog/a-fairly-long-article-slug-that-goes-on-and-on?utm_source=test"


class ChannelContract:
    """Checks every channel must pass. Subclass it and provide ``channel`` and ``fake`` fixtures."""

    target: ClassVar[str | None] = None
    post_options: ClassVar[dict[str, Any]] = {}
    check_registered: ClassVar[bool] = True
    # Client libraries importing the plugin's module must not import (assist loads every plugin to
    # list channels: `assist --help` stays instant). Names are prefixes: "atproto" covers atproto_client.
    lazy_imports: ClassVar[tuple[str, ...]] = ()
    # (status, headers, body, expected error class): each scripted once before a publish
    error_cases: ClassVar[list[tuple[int, dict[str, str], Any, type[ChannelError]]]] = [
        (401, {}, {"error": "unauthorized"}, AuthError),
        (429, {"retry-after": "30"}, {"error": "too many requests"}, RateLimited),
        (503, {}, {"error": "unavailable"}, TransientError),
    ]

    # -- hooks for subclasses
    def make_post(self, channel: Channel, *, text: str | None = None, url: str | None = SAMPLE_URL,
                  title: str | None = None) -> Post:
        """A post that should be valid on this channel (unique text, so duplicates never collide)."""
        marker = uuid.uuid4().hex[:8]
        return Post(
            channel=channel.name,
            text=text if text is not None else f"Contract check {marker}: a short post with a link",
            url=url,
            title=title if title is not None else f"Contract check {marker}",
            target=self.target,
            options=dict(self.post_options),
        )

    # -- identity and limits
    def test_contract_name_and_description(self, channel: Channel) -> None:
        assert isinstance(channel, Channel), "channels subclass assistant.channels.Channel"
        assert NAME_RE.match(channel.name), f"name {channel.name!r}: lowercase letters, digits, - or _"
        assert channel.description.strip(), "give the channel a one-line description"

    def test_contract_credentials_declared(self, channel: Channel) -> None:
        keys = [c.key for c in channel.credentials]
        assert len(keys) == len(set(keys)), f"duplicate credential keys: {keys}"
        for cred in channel.credentials:
            assert cred.key and ENV_RE.match(cred.env), f"credential {cred.key!r}: env {cred.env!r} must be UPPER_CASE"

    def test_contract_limits_sane(self, channel: Channel) -> None:
        limits = channel.limits()
        assert isinstance(limits, Limits)
        assert isinstance(limits.max_length, int) and limits.max_length > 0
        assert limits.max_title_length is None or limits.max_title_length > 0
        assert limits.url_length is None or 0 < limits.url_length < limits.max_length

    def test_contract_registered(self, channel: Channel) -> None:
        if not self.check_registered:
            pytest.skip("check_registered = False")
        from assistant import channels, plugins

        plugins.reset()
        found = channels.available_channels().get(channel.name)
        assert found is not None, (
            f"channel {channel.name!r} is not registered: add [project.entry-points.assist] to your "
            "pyproject.toml, implement register_channels with @assistant.hookimpl, and pip install it"
        )
        assert found is type(channel) or (found.__module__, found.__qualname__) == (
            type(channel).__module__, type(channel).__qualname__), f"{channel.name!r} is registered as {found!r}"

    def test_contract_import_is_lazy(self, channel: Channel) -> None:
        if not self.lazy_imports:
            pytest.skip("no lazy_imports declared")
        import subprocess
        import sys

        module = type(channel).__module__
        code = (f"import sys, {module}; wanted = {list(self.lazy_imports)!r}; "
                "print(sorted(m for m in sys.modules if any(m.startswith(w) for w in wanted) and '.' not in m))")
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-500:]
        loaded = run.stdout.strip()
        assert loaded == "[]", f"importing {module} imports {loaded}: import client libraries inside methods"

    # -- the length rule
    def test_contract_length_plain_ascii(self, channel: Channel) -> None:
        assert channel.length("") == 0
        assert channel.length("hello world") == 11
        assert channel.length("hello world!") > channel.length("hello world")

    def test_contract_length_counts_urls_as_declared(self, channel: Channel) -> None:
        url_length = channel.limits().url_length
        if url_length is None:
            pytest.skip("Limits.url_length is not set: URLs count as text")
        for url in ("https://a.co", SAMPLE_URL, SAMPLE_URL + "&x=" + "y" * 200):
            assert channel.length(f"Read {url}") == 5 + url_length, f"{url!r} should count {url_length}"

    def test_contract_length_emoji_counts(self, channel: Channel) -> None:
        single = channel.length("a\N{GRINNING FACE}")
        assert single >= 2, "an emoji counts at least one"
        family = "\N{MAN}\u200d\N{WOMAN}\u200d\N{GIRL}"
        assert 1 <= channel.length(family) <= 8, "a ZWJ sequence is counted as graphemes or weighted code points"

    # -- validate
    def test_contract_validate_accepts_normal_post(self, channel: Channel) -> None:
        post = self.make_post(channel)
        assert channel.validate(post) == []

    def test_contract_validate_catches_overlong_text(self, channel: Channel) -> None:
        limits = channel.limits()
        long_text = "word " * (limits.max_length // 5 + 10)
        post = self.make_post(channel, text=long_text, url=None)
        problems = channel.validate(post)
        assert problems, "validate must refuse a text over max_length"
        assert all(isinstance(p, str) and p.strip() for p in problems)

    def test_contract_validate_catches_overlong_title(self, channel: Channel) -> None:
        limits = channel.limits()
        if not limits.max_title_length:
            pytest.skip("no title limit declared")
        post = self.make_post(channel, title="t" * (limits.max_title_length + 1))
        assert channel.validate(post), "validate must refuse a title over max_title_length"

    # -- publish
    def test_contract_publish_returns_result(self, channel: Channel, fake: Any) -> None:
        before = len(getattr(fake, "published", []))
        result = channel.publish(self.make_post(channel), idempotency_key=uuid.uuid4().hex)
        assert isinstance(result, PublishResult)
        assert isinstance(result.remote_id, str) and result.remote_id.strip()
        assert result.url is None or result.url.startswith(("http://", "https://", "at://", "file:"))
        if hasattr(fake, "published"):
            assert len(fake.published) == before + 1, "the fake should record exactly one publication"

    def test_contract_fence_before_create(self, channel: Channel, fake: Any) -> None:
        """A worker suspended inside publish() past its lease must not send: the channel calls
        ``self.fence()`` right before the request that creates the post."""
        from assistant.channels import LeaseLost

        before = len(getattr(fake, "published", []))
        calls: list[int] = []

        def lost() -> bool:
            calls.append(1)
            return False

        channel._fence = lost  # type: ignore[attr-defined]
        try:
            with pytest.raises(LeaseLost):
                channel.publish(self.make_post(channel), idempotency_key=uuid.uuid4().hex)
        finally:
            channel._fence = None  # type: ignore[attr-defined]
        assert calls, "publish() must call self.fence() right before the request that creates the post"
        if hasattr(fake, "published"):
            assert len(fake.published) == before, "nothing may be published once fence() said the post is lost"
        if hasattr(fake, "requests"):  # the fence comes after the log-in and look-ups, not at the top
            seen: list[int] = []

            def kept() -> bool:
                seen.append(len(fake.requests))
                return True

            fresh = type(channel)(dict(channel.settings), environ=getattr(channel, "_environ", None))
            fresh._fence = kept  # type: ignore[attr-defined]
            start = len(fake.requests)
            fresh.publish(self.make_post(fresh), idempotency_key=uuid.uuid4().hex)
            assert seen, "publish() must call self.fence()"
            after = len(fake.requests) - seen[-1]
            assert after == 1, (f"{after} requests after the last fence() (of {len(fake.requests) - start} in all): "
                                "fence right before the one request that creates the post")

    def test_contract_missing_credentials(self, channel: Channel) -> None:
        required = [c for c in channel.credentials if c.required]
        if not required:
            pytest.skip("the channel needs no credentials")
        keys = {c.key for c in channel.credentials}
        bare = type(channel)({k: v for k, v in channel.settings.items() if k not in keys}, environ={})
        assert bare.missing_credentials(), "missing_credentials() should list the required ones"
        with pytest.raises(MissingCredentials) as info:
            bare.publish(self.make_post(bare), idempotency_key=uuid.uuid4().hex)
        assert required[0].env in str(info.value), "name the environment variable in the message"

    def test_contract_errors_are_typed(self, channel: Channel, fake: Any) -> None:
        if not hasattr(fake, "fail_next"):
            pytest.skip("the fake cannot script failures (no fail_next)")
        secrets = [v for c in channel.credentials if c.secret and (v := channel.credential(c.key))]
        for status, headers, body, expected in self.error_cases:
            fresh = type(channel)(dict(channel.settings), environ=getattr(channel, "_environ", None))
            fake.fail_next(status, body=body, headers=headers)
            with pytest.raises(ChannelError) as info:
                fresh.publish(self.make_post(fresh), idempotency_key=uuid.uuid4().hex)
            assert isinstance(info.value, expected), (
                f"HTTP {status} should raise {expected.__name__}, got {type(info.value).__name__}: {info.value}"
            )
            for secret in secrets:
                assert secret not in str(info.value), "an error message must never show a secret"
            if isinstance(info.value, RateLimited) and "retry-after" in {k.lower() for k in headers}:
                assert info.value.retry_after is None or info.value.retry_after >= 0
            if hasattr(fake, "failures"):
                fake.failures.clear()

    def test_contract_reconcile(self, channel: Channel, fake: Any) -> None:
        post = self.make_post(channel)
        key = uuid.uuid4().hex
        channel.publish(post, idempotency_key=key)
        extra = {"in_flight_since": time.time() - 5} if takes_in_flight_since(channel) else {}
        found = channel.reconcile(post, idempotency_key=key, **extra)
        assert isinstance(found, Reconciled)
        assert isinstance(found.outcome, Recovery)
        if found.outcome is Recovery.PUBLISHED:
            assert isinstance(found.result, PublishResult) and found.result.remote_id
        assert found.outcome is not Recovery.NOT_PUBLISHED or channel.idempotent, (
            "a post just published must not be reported NOT_PUBLISHED (it would be sent twice)"
        )

    def test_contract_reconcile_after_the_key_expired(self, channel: Channel, fake: Any) -> None:
        window = channel.idempotency_window
        if not channel.idempotent or window is None:
            pytest.skip("no idempotency key that expires (idempotent = False or idempotency_window = None)")
        assert takes_in_flight_since(channel), (
            "a channel whose idempotency keys expire needs reconcile(..., in_flight_since=None) to know their age"
        )
        if not hasattr(fake, "fail_next"):
            pytest.skip("the fake cannot script failures (no fail_next)")
        post = self.make_post(channel)
        key = uuid.uuid4().hex
        channel.publish(post, idempotency_key=key)
        for _ in range(20):  # the check fails, however many requests it makes
            fake.fail_next(503, body={"error": "unavailable"}, headers={})
        try:
            found = channel.reconcile(post, idempotency_key=key, in_flight_since=time.time() - window - 60)
        finally:
            if hasattr(fake, "failures"):
                fake.failures.clear()
        assert found.outcome is not Recovery.NOT_PUBLISHED, (
            "past the platform's idempotency_window a resend with the same key is a new post: "
            "answer UNKNOWN unless the post was found (or is certainly absent)"
        )
