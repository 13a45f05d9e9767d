"""The worker: claim a due post, publish it through its channel, record the outcome, retry or stop.

``run_once`` drains what is due now (``assist queue run``, for cron or a systemd timer);
``run_forever`` loops until told to stop (``assist queue worker``). Everything time-related goes
through the injected ``clock`` and ``rng``, so tests never sleep.
"""

from __future__ import annotations

import os
import random
import socket
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from assistant import db as dbmod
from assistant.channels import (
    AlreadyPublished,
    AmbiguousError,
    Channel,
    ChannelError,
    LeaseLost,
    PermanentError,
    PublishResult,
    RateLimited,
    Recovery,
    TransientError,
    get_channel,
    takes_in_flight_since,
)
from assistant.errors import AssistError, ConfigError
from assistant.settings import count_setting, duration_setting
from assistant.share.queue import Queue, QueuedPost


@dataclass
class Policy:
    """Retry policy and lease, from ``[queue]`` in config."""

    max_tries: int = 5
    backoff: float = 60.0  # first retry after about this many seconds, doubling each time
    backoff_max: float = 3600.0
    lease: float = 300.0  # a claim not renewed for this long is considered abandoned (a crashed worker)

    @classmethod
    def from_settings(cls, settings: Any) -> Policy:
        q = settings.section("queue")
        return cls(max_tries=count_setting(q.get("max_tries", 5), "[queue] max_tries", minimum=1),
                   backoff=duration_setting(q.get("backoff", 60), "[queue] backoff"),
                   backoff_max=duration_setting(q.get("backoff_max", 3600), "[queue] backoff_max"),
                   lease=duration_setting(q.get("lease", 300), "[queue] lease", positive=True))

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random, capped."""
        ceiling = min(self.backoff_max, self.backoff * 2 ** max(attempt - 1, 0))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass
class RateLimit:
    posts: int
    per: float


@dataclass
class RunReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    posts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # channels whose posts wait for a fixed setting

    def to_dict(self) -> dict[str, Any]:
        return {"outcomes": dict(self.outcomes), "posts": self.posts, "problems": self.problems}


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "busy": another process holds the write lock."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


MIN_RATE_WAIT = 1.0
MAX_RATE_WAIT = 24 * 3600.0


def rate_limit_wait(asked: Any, backoff: float) -> tuple[float, str]:
    """Seconds to wait after a rate limit, and the post's note. The platform's number (from a header
    or a message) is never trusted blindly: NaN, infinity, negative or absent -> the backoff; below
    1 s -> 1 s; over 24 h -> 24 h."""
    import math

    try:
        value = float(asked) if asked is not None and not isinstance(asked, bool) else None
    except (TypeError, ValueError, OverflowError):
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        wait = min(max(backoff, MIN_RATE_WAIT), MAX_RATE_WAIT)
        said = "" if asked is None else f" (its wait, {str(asked)[:40]!r}, was not usable)"
        return wait, f"rate limited: waiting {wait:.0f} s{said}"
    if value > MAX_RATE_WAIT:
        return MAX_RATE_WAIT, f"rate limited: the platform asked for {value:.0f} s; waiting 24 h at most"
    return max(value, MIN_RATE_WAIT), "rate limited: waiting as the platform asked"


def rate_limits(settings: Any, channels: dict[str, type] | None = None) -> dict[str, RateLimit]:
    """Per-channel limits: the channel's own (``Channel.rate_limit``), then ``[rate_limits] <name>``,
    then ``[channels.<name>] rate_limit``, key by key.

    ``posts = 0`` switches a channel's limit off. A malformed value is a ConfigError naming its key.
    """
    from assistant.channels import available_channels

    channels = available_channels() if channels is None else channels
    names = set(settings.section("rate_limits")) | set(settings.section("channels")) | set(channels)
    out = {}
    for name in sorted(names):
        spec: dict[str, Any] = {}
        where = ""
        declared = getattr(channels.get(name), "rate_limit", None)
        if declared:
            spec = {"posts": declared[0], "per": declared[1]}
            where = f"{channels[name].__module__}.{channels[name].__qualname__}.rate_limit"
        for table, key in ((f"[rate_limits] {name}", f"rate_limits.{name}"),
                           (f"[channels.{name}] rate_limit", f"channels.{name}.rate_limit")):
            part = settings.get(key)
            if part is None:
                continue
            if not isinstance(part, dict):
                raise ConfigError(f'{table}: expected a table such as {{ posts = 100, per = "15m" }}, not {part!r}')
            spec.update(part)
            where = f"[{key}]"
        if not spec:
            continue
        if "posts" not in spec:
            raise ConfigError(f"{where}: posts is missing (how many posts per {spec.get('per', 'window')})")
        posts = count_setting(spec["posts"], f"{where} posts")
        if posts == 0:
            continue  # switched off
        out[name] = RateLimit(posts, duration_setting(spec.get("per", "1h"), f"{where} per", positive=True))
    return out


class LeaseKeeper:
    """Renews the lease of the post its worker has in hand, from one background thread per worker.

    Every quarter of the lease it moves that post's ``lease_until`` on, on its own connection and only
    while the post is still this worker's, so a publish slower than the lease is not taken for
    abandoned by another worker. The thread starts with the first post held and lasts until the
    outermost ``running()`` ends (a whole ``run_once``): a post costs no thread of its own.
    """

    def __init__(self, queue: Queue, worker: str, lease: float) -> None:
        self.queue, self.worker, self.lease = queue, worker, lease
        self._held: tuple[int, threading.Event] | None = None  # the post in hand, and its ``lost`` flag
        self._users = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        """Keep the heartbeat thread (once started) until the outermost ``running`` ends."""
        self._users += 1
        try:
            yield
        finally:
            self._users -= 1
            if self._users == 0 and self._thread is not None:
                self._stop.set()
                self._thread.join()
                self._thread = None

    @contextmanager
    def holding(self, post_id: int) -> Iterator[threading.Event]:
        """Renew ``post_id``'s lease meanwhile. The event yielded is set when the post turned out to be
        someone else's (this process stalled for longer than the lease)."""
        lost = threading.Event()
        with self.running():
            path = self.queue.path
            if self._thread is None and path is not None:  # an in-memory database has no second connection
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._run, args=(path, self._stop),
                                                name=f"lease-{self.worker}", daemon=True)
                self._thread.start()
            self._held = (post_id, lost)
            try:
                yield lost
            finally:
                self._held = None

    def _run(self, path: str, stop: threading.Event) -> None:
        beat: Queue | None = None  # connected at the first beat: most runs end long before it
        try:
            while not stop.wait(self.lease / 4):
                held = self._held
                if held is None:
                    continue
                post_id, lost = held
                try:
                    if beat is None:
                        beat = Queue(dbmod.connect(path, migrate_schema=False), clock=self.queue.clock)
                    if not beat.renew(post_id, self.worker, self.lease):
                        lost.set()  # (or the post was just finished: then nobody looks at its flag)
                except (sqlite3.Error, AssistError):
                    continue  # locked for longer than the busy timeout: try again at the next beat
        finally:
            if beat is not None:
                beat.db.close()


class Worker:
    """Publishes due posts from a Queue. Channels come from ``channel_factory`` (default: the plugins)."""

    def __init__(self, queue: Queue, *, settings: Any = None, policy: Policy | None = None,
                 limits: dict[str, RateLimit] | None = None, rng: random.Random | None = None,
                 name: str | None = None, channel_factory: Callable[[str], Channel] | None = None) -> None:
        if settings is None:
            from assistant import config

            settings = config.load()
        self.queue = queue
        self.policy = policy or Policy.from_settings(settings)
        self.limits = rate_limits(settings) if limits is None else limits
        self.rng = rng or random.Random()
        self.name = name or worker_id()
        self._factory = channel_factory or get_channel
        self._channels: dict[str, Channel] = {}
        self.stop = threading.Event()
        self._keeper = LeaseKeeper(queue, self.name, self.policy.lease)

    @property
    def clock(self) -> Callable[[], float]:
        return self.queue.clock

    # -- loops
    def run_once(self, limit: int | None = None, progress: Callable[[QueuedPost, str], None] | None = None
                 ) -> RunReport:
        """Publish every post due now (at most ``limit``); stop early when asked to."""
        report = RunReport()
        self._checked, self._problems = {}, report.problems
        with self._keeper.running():  # one heartbeat thread for the whole run, not one a post
            while not self.stop.is_set() and (limit is None or sum(report.outcomes.values()) < limit):
                item = self.queue.claim(self.name, self.policy.lease, blocked=self._blocked)
                if item is None:
                    break
                outcome = self.process(item)
                report.outcomes[outcome] += 1
                report.posts.append({"id": item.id, "channel": item.post.channel, "outcome": outcome})
                if progress:
                    progress(item, outcome)
        return report

    def run_forever(self, interval: float, on_report: Callable[[RunReport], None] | None = None,
                    on_busy: Callable[[str], None] | None = None) -> None:
        """Drain, wait ``interval`` seconds (or until stopped), repeat. A database locked past SQLite's
        busy timeout (a long import writing) is waited out, not fatal: due posts are sent once it is
        free again."""
        while not self.stop.is_set():
            try:
                report = self.run_once()
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if on_busy:
                    on_busy(f"the database is busy ({exc}); trying again in {interval:g} s")
                self.stop.wait(interval)
                continue
            if on_report and report.outcomes:
                on_report(report)
            self.stop.wait(interval)

    # -- one post
    def process(self, item: QueuedPost) -> str:
        """Publish (or first reconcile) one claimed post; returns the outcome recorded.

        The lease is renewed meanwhile (LeaseKeeper). Just before the post is sent, once enough time
        has passed for the lease to have lapsed (a stalled process), the worker makes sure the post is
        still its own: one that lost it to another never sends it (``lease_lost``).
        """
        with self._keeper.holding(item.id) as lost:
            return self._process(item, lost)

    def _process(self, item: QueuedPost, lost: threading.Event) -> str:
        started = self.clock()
        try:
            channel = self._channel(item.post.channel)
        except Exception as exc:  # noqa: BLE001 - an uninstalled plugin or bad config: retry later
            return self._failed(item, started, f"channel unavailable: {exc}", None, transient=True,
                                outcome="no_channel")
        if item.needs_check:
            verdict = self._reconcile(channel, item, started)
            if verdict is not None:
                return verdict
        if (lost.is_set() or self.clock() - item.updated_at >= self.policy.lease / 2) and \
                not self.queue.renew(item.id, self.name, self.policy.lease):
            return "lease_lost"  # the worker stalled and another took the post over: it checks and sends it
        # the channel calls fence() right before its create request: the post must still be ours then
        channel._fence = lambda: self.queue.renew(item.id, self.name, self.policy.lease)  # type: ignore[attr-defined]
        try:
            result = channel.publish(item.post, idempotency_key=item.idempotency_key)
        except LeaseLost:
            return "lease_lost"  # another worker has it; it checks the platform and sends it
        except AlreadyPublished as exc:
            found = PublishResult(exc.remote_id or item.remote_id or "", exc.url)
            return self._sent(item, started, found, "already_published", note=str(exc))
        except RateLimited as exc:
            wait, note = rate_limit_wait(exc.retry_after, self.policy.delay(item.attempts, self.rng))
            # (a rate limit is the platform pacing us, not the post failing: it does not use up a try)
            # (nor does it publish: a post that needed its check before this attempt still needs it)
            return self._finish(item, "rate_limited", state="failed", outcome="rate_limited", started=started,
                                error=str(exc), status=exc.status, retry_at=self.clock() + wait,
                                needs_check=item.needs_check, uses_try=False, note=note)
        except AmbiguousError as exc:
            return self._failed(item, started, str(exc), exc.status, transient=True, outcome="ambiguous",
                                needs_check=True)
        except TransientError as exc:
            return self._failed(item, started, str(exc), exc.status, transient=True)
        except PermanentError as exc:
            return self._failed(item, started, str(exc), exc.status, transient=False)
        except ChannelError as exc:
            return self._failed(item, started, str(exc), exc.status, transient=False)
        except Exception as exc:  # noqa: BLE001 - a plugin bug: we cannot tell whether it was sent
            return self._failed(item, started, f"{type(exc).__name__}: {exc}", None, transient=True,
                                outcome="error", needs_check=True)
        return self._sent(item, started, result, "sent")

    def _reconcile(self, channel: Channel, item: QueuedPost, started: float) -> str | None:
        """Ask the channel about a post that may have been published; None means "send it again".

        ``in_flight_since`` (when the earliest attempt that may have published it started) is passed
        only to a ``reconcile`` that takes it: plugins written before it existed work unchanged.
        """
        extra = {"in_flight_since": item.in_flight_since} if takes_in_flight_since(channel) else {}
        try:
            found = channel.reconcile(item.post, idempotency_key=item.idempotency_key, **extra)
            outcome, detail, result = found.outcome, found.detail, found.result
        except Exception as exc:  # noqa: BLE001 - a failed check is no answer
            outcome, detail, result = Recovery.UNKNOWN, f"the check failed: {exc}", None
        if outcome is Recovery.PUBLISHED:
            return self._sent(item, started, result or PublishResult(item.remote_id or ""), "reconciled_published",
                              note=detail or "found published after a crash or an ambiguous failure")
        if outcome is Recovery.NOT_PUBLISHED:
            return None
        return self._finish(item, "unknown", state="unknown", outcome="reconciled_unknown", started=started,
                            error=detail, needs_check=True,
                            note=f"may be published already: {detail}; check, then `assist queue retry --force "
                                 f"{item.id}` or `assist queue cancel {item.id}`")

    def _finish(self, item: QueuedPost, reported: str, **kw: Any) -> str:
        """Record the attempt (``kw`` as for Queue.finish); ``reported``, or ``lease_lost`` when another
        worker took the post over meanwhile."""
        from assistant.channels import redact, secret_values

        secrets = secret_values(self._channels.get(item.post.channel))
        for key in ("error", "note"):  # a server may echo a token in its error page: never stored
            if kw.get(key):
                kw[key] = redact(kw[key], secrets)
        return reported if self.queue.finish(item, self.name, **kw) else "lease_lost"

    def _sent(self, item: QueuedPost, started: float, result: PublishResult, outcome: str,
              note: str | None = None) -> str:
        return self._finish(item, outcome, state="sent", outcome=outcome, started=started, result=result, note=note)

    def _failed(self, item: QueuedPost, started: float, error: str, status: int | None, *, transient: bool,
                outcome: str | None = None, needs_check: bool = False) -> str:
        # A transient failure did not publish, but an earlier attempt may have: a post that needed its
        # check still needs it (the check that let this attempt resend may have relied on an
        # idempotency key that will have expired by the next one).
        needs_check = needs_check or item.needs_check
        if not transient:
            return self._finish(item, "dead", state="dead", outcome="permanent", started=started, error=error,
                                status=status, note="the platform refused it; fix and `assist queue retry`")
        if item.attempts >= self.policy.max_tries:
            state = "unknown" if needs_check else "dead"
            note = (f"gave up after {item.attempts} tries" +
                    ("; one of them may have been published" if needs_check else ""))
            return self._finish(item, state, state=state, outcome=outcome or "transient", started=started,
                                error=error, status=status, needs_check=needs_check, note=note)
        retry_at = self.clock() + self.policy.delay(item.attempts, self.rng)
        return self._finish(item, "failed", state="failed", outcome=outcome or "transient", started=started,
                            error=error, status=status, retry_at=retry_at, needs_check=needs_check,
                            note=f"try {item.attempts} of {self.policy.max_tries} failed; retrying")

    # -- helpers
    def _channel(self, name: str) -> Channel:
        if name not in self._channels:
            self._channels[name] = self._factory(name)
        return self._channels[name]

    def _blocked(self, db: sqlite3.Connection, now: float) -> Iterable[str]:
        """Channels whose posts wait (no try used): with a bad setting (checked before any claim: a
        `timeout = abc` read inside publish() once left a post "may be published" although nothing
        was sent), or at their configured rate limit right now."""
        due = [row[0] for row in db.execute(
            "SELECT DISTINCT channel FROM share_posts WHERE state IN ('scheduled', 'failed') AND due_at <= ?",
            (now,))]
        for name in due:
            if name not in self._checked:  # once a run, not once a claim
                try:
                    problems = self._channel(name).settings_problems()
                except Exception:  # noqa: BLE001 - an unavailable channel is handled when its post is processed
                    problems = []
                self._checked[name] = [f"{name}: {p}; its posts wait until it is fixed" for p in problems]
                self._problems.extend(self._checked[name])
            if self._checked[name]:
                yield name
        for name, limit in self.limits.items():
            since = now - limit.per
            used = db.execute(
                "SELECT (SELECT count(*) FROM share_attempts WHERE channel = ? AND started_at >= ?"
                " AND outcome NOT IN ('reconciled_unknown', 'no_channel'))"
                " + (SELECT count(*) FROM share_posts WHERE channel = ? AND state = 'sending' AND lease_until >= ?)",
                (name, since, name, now)).fetchone()[0]
            if used >= limit.posts:
                yield name


def install_signal_handlers(worker: Worker) -> None:
    """SIGINT/SIGTERM finish the post in hand, then stop."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        worker.stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)

