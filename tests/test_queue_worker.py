"""The queue's state machine and the worker: retries, backoff, rate limits, crashes, reconcile."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_plugin.assist_example import ExampleChannel
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

from assistant import config, db
from assistant.channels import Channel, Post
from assistant.cli import cli
from assistant.share.queue import Queue, QueueError
from assistant.share.worker import Policy, RateLimit, Worker

T0 = 1_800_000_000.0


class Clock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def file_fake(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "platform")


@pytest.fixture
def queue(clock: Clock) -> Queue:
    return Queue(db.connect(), clock=clock)


def make_worker(queue: Queue, fake: FileFake, cls: type[Channel] = ExampleChannel, **kw) -> Worker:  # type: ignore[no-untyped-def]
    kw.setdefault("policy", Policy(max_tries=3, backoff=60, backoff_max=3600, lease=300))
    kw.setdefault("limits", {})
    return Worker(queue, settings=config.load(), rng=random.Random(7), name=kw.pop("name", "w1"),
                  channel_factory=lambda name: cls(fake.settings(), environ={}), **kw)


def post(n: int = 1, url: str = "https://example.org/a") -> Post:
    return Post("example", f"Post number {n} {url}", url=url)


def test_due_posts_are_published_once_and_future_ones_wait(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    now_id = queue.enqueue(post(1), T0 - 5)
    later_id = queue.enqueue(post(2), T0 + 3600)
    worker = make_worker(queue, file_fake)
    report = worker.run_once()
    assert report.outcomes == {"sent": 1}
    sent = queue.get(now_id)
    assert sent.state == "sent" and sent.remote_id == sent.idempotency_key[:12] and sent.sent_at == T0
    assert [p["key"] for p in file_fake.published] == [sent.idempotency_key]
    assert queue.get(later_id).state == "scheduled"
    assert worker.run_once().outcomes == {}
    clock.t += 3600
    assert worker.run_once().outcomes == {"sent": 1}
    assert len(file_fake.published) == 2
    attempts = queue.attempts(now_id)
    assert [a["outcome"] for a in attempts] == ["sent"] and attempts[0]["worker"] == "w1"


def test_transient_error_backs_off_with_jitter_then_sends(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(503)
    worker = make_worker(queue, file_fake)
    assert worker.run_once().outcomes == {"failed": 1}
    failed = queue.get(pid)
    assert failed.state == "failed" and "unavailable (503)" in failed.last_error
    assert T0 + 30 <= failed.due_at <= T0 + 60  # first retry: 60 s ceiling, equal jitter
    assert worker.run_once().outcomes == {}  # not yet due: nothing sleeps, nothing is sent
    clock.t = failed.due_at
    assert worker.run_once().outcomes == {"sent": 1}
    assert [a["outcome"] for a in queue.attempts(pid)] == ["transient", "sent"]
    assert queue.attempts(pid)[0]["status"] == 503


def test_backoff_doubles_and_the_post_dies_after_max_tries(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(503, times=3)
    worker = make_worker(queue, file_fake)
    delays = []
    for _ in range(2):
        before = clock.t
        assert worker.run_once().outcomes == {"failed": 1}
        clock.t = queue.get(pid).due_at
        delays.append(clock.t - before)
    assert 30 <= delays[0] <= 60 and 60 <= delays[1] <= 120
    assert worker.run_once().outcomes == {"dead": 1}
    dead = queue.get(pid)
    assert dead.state == "dead" and dead.attempts == 3 and "gave up after 3 tries" in dead.note
    assert file_fake.published == []
    clock.t += 10_000
    assert worker.run_once().outcomes == {}


def test_policy_delay_is_capped() -> None:
    policy = Policy(backoff=60, backoff_max=600)
    rng = random.Random(1)
    assert all(300 <= policy.delay(n, rng) <= 600 for n in range(5, 30))


def test_backoff_is_jittered_so_failed_posts_do_not_retry_in_step(queue: Queue, clock: Clock,
                                                                   file_fake: FileFake) -> None:
    policy = Policy(backoff=60, backoff_max=3600)
    rng = random.Random(3)
    third = [policy.delay(3, rng) for _ in range(200)]
    assert all(120 <= d <= 240 for d in third) and len({round(d, 3) for d in third}) > 150
    assert 170 < sum(third) / len(third) < 190  # half fixed, half uniform: about 3/4 of the ceiling
    ids = [queue.enqueue(post(n, f"https://example.org/{n}"), T0) for n in range(5)]
    file_fake.fail_next(503, times=5)
    assert make_worker(queue, file_fake).run_once().outcomes == {"failed": 5}
    due = [queue.get(i).due_at for i in ids]
    assert all(T0 + 30 <= d <= T0 + 60 for d in due) and len(set(due)) == 5


def test_every_try_is_recorded_until_dead(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(429)
    file_fake.fail_next(503, times=3)
    worker = make_worker(queue, file_fake)
    for _ in range(4):
        worker.run_once()
        clock.t = queue.get(pid).due_at
    dead = queue.get(pid)
    assert dead.state == "dead" and dead.attempts == 3  # the rate limit used up no try
    history = queue.attempts(pid)
    assert [a["outcome"] for a in history] == ["rate_limited", "transient", "transient", "transient"]
    assert [a["status"] for a in history] == [429, 503, 503, 503]
    assert all(a["worker"] == "w1" and a["error"] for a in history)
    assert [a["retry_at"] is not None for a in history] == [True, True, True, False]


def test_rate_limited_waits_retry_after_without_using_a_try(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(429)
    worker = make_worker(queue, file_fake)
    assert worker.run_once().outcomes == {"rate_limited": 1}
    waiting = queue.get(pid)
    assert waiting.state == "failed" and waiting.due_at == T0 + 120 and waiting.attempts == 0
    clock.t = T0 + 119
    assert worker.run_once().outcomes == {}
    clock.t = T0 + 120
    assert worker.run_once().outcomes == {"sent": 1}


@pytest.mark.parametrize(("status", "message"), [(403, "the platform says no"), (401, "token refused")])
def test_permanent_and_auth_errors_stop_at_once(queue: Queue, clock: Clock, file_fake: FileFake,
                                                status: int, message: str) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(status)
    worker = make_worker(queue, file_fake)
    assert worker.run_once().outcomes == {"dead": 1}
    dead = queue.get(pid)
    assert dead.state == "dead" and message in dead.last_error and dead.attempts == 1
    assert queue.attempts(pid)[0]["status"] == status
    clock.t += 100_000
    assert worker.run_once().outcomes == {}
    queue.retry(pid)
    assert worker.run_once().outcomes == {"sent": 1}


def test_missing_credentials_is_permanent_and_names_the_variable(queue: Queue, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    settings = {k: v for k, v in file_fake.settings().items() if k != "token"}
    worker = Worker(queue, settings=config.load(), limits={}, name="w",
                    channel_factory=lambda name: ExampleChannel(settings, environ={}))
    assert worker.run_once().outcomes == {"dead": 1}
    assert "ASSIST_EXAMPLE_TOKEN" in queue.get(pid).last_error


def test_already_published_counts_as_sent(queue: Queue, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(409)
    assert make_worker(queue, file_fake).run_once().outcomes == {"already_published": 1}
    done = queue.get(pid)
    assert done.state == "sent" and done.remote_id == done.idempotency_key[:12]


def test_ambiguous_failure_is_reconciled_and_resent_with_the_same_key(queue: Queue, clock: Clock,
                                                                     file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(500)
    worker = make_worker(queue, file_fake)
    assert worker.run_once().outcomes == {"failed": 1}
    failed = queue.get(pid)
    assert failed.state == "failed" and failed.needs_check
    assert queue.attempts(pid)[0]["outcome"] == "ambiguous"
    clock.t = failed.due_at
    assert worker.run_once().outcomes == {"sent": 1}
    assert [p["key"] for p in file_fake.published] == [failed.idempotency_key]


def test_ambiguous_failure_that_did_publish_is_not_sent_twice(queue: Queue, clock: Clock,
                                                             file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(500)
    worker = make_worker(queue, file_fake)
    worker.run_once()
    item = queue.get(pid)
    # the platform had in fact stored it before the 500
    ExampleChannel({**file_fake.settings(), "faults": None}).publish(item.post, idempotency_key=item.idempotency_key)
    clock.t = item.due_at
    assert worker.run_once().outcomes == {"reconciled_published": 1}
    assert len(file_fake.published) == 1 and queue.get(pid).state == "sent"


def test_crash_between_claim_and_publish_is_recovered_after_the_lease(queue: Queue, clock: Clock,
                                                                     file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    claimed = queue.claim("crashed-worker", 300)
    assert claimed is not None and claimed.id == pid and not claimed.needs_check
    worker = make_worker(queue, file_fake)
    assert worker.run_once().outcomes == {}  # the lease still holds: nobody else touches it
    assert queue.get(pid).state == "sending"
    clock.t += 301
    assert worker.run_once().outcomes == {"sent": 1}
    assert [a["outcome"] for a in queue.attempts(pid)] == ["sent"]
    assert [p["key"] for p in file_fake.published] == [claimed.idempotency_key]


def test_crash_after_publish_before_recording_is_not_resent(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    claimed = queue.claim("crashed-worker", 300)
    assert claimed is not None
    ExampleChannel(file_fake.settings()).publish(claimed.post, idempotency_key=claimed.idempotency_key)
    clock.t += 301
    assert make_worker(queue, file_fake).run_once().outcomes == {"reconciled_published": 1}
    assert len(file_fake.published) == 1
    assert queue.get(pid).state == "sent"


class Unsure(ExampleChannel):
    """A channel that cannot check whether a post was published (the base reconcile)."""

    reconcile = Channel.reconcile


def test_unknown_needs_the_user_to_force_a_retry(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    assert queue.claim("crashed-worker", 300) is not None
    clock.t += 301
    worker = make_worker(queue, file_fake, Unsure)
    assert worker.run_once().outcomes == {"unknown": 1}
    unknown = queue.get(pid)
    assert unknown.state == "unknown" and "queue retry --force" in unknown.note
    clock.t += 10_000
    assert worker.run_once().outcomes == {}
    with pytest.raises(QueueError, match="may already be published"):
        queue.retry(pid)
    queue.retry(pid, force=True)
    assert make_worker(queue, file_fake).run_once().outcomes == {"sent": 1}
    assert len(file_fake.published) == 1


def test_configured_rate_limit_defers_posts(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    ids = [queue.enqueue(post(n, f"https://example.org/{n}"), T0) for n in range(3)]
    worker = make_worker(queue, file_fake, limits={"example": RateLimit(posts=2, per=60)})
    assert worker.run_once().outcomes == {"sent": 2}
    assert queue.get(ids[2]).state == "scheduled" and queue.get(ids[2]).attempts == 0
    clock.t += 30
    assert worker.run_once().outcomes == {}
    clock.t += 31
    assert worker.run_once().outcomes == {"sent": 1}


def test_rate_limits_come_from_config(assist_home: Path) -> None:
    from assistant.share.worker import rate_limits

    (assist_home / "config.toml").write_text('[channels.x.rate_limit]\nposts = 50\nper = "15m"\n')
    limits = rate_limits(config.load())
    assert limits["x"].posts == 50 and limits["x"].per == 900
    assert limits["mastodon"].posts == 150 and limits["mastodon"].per == 300  # the defaults


def test_a_rate_limit_override_is_merged_key_by_key_and_posts_0_switches_it_off(assist_home: Path) -> None:
    from assistant.share.worker import rate_limits

    (assist_home / "config.toml").write_text('[channels.x.rate_limit]\nper = "1h"\n'
                                             "[channels.mastodon.rate_limit]\nposts = 0\n"
                                             '[channels.example.rate_limit]\nposts = 3\nper = "10m"\n')
    limits = rate_limits(config.load())
    assert (limits["x"].posts, limits["x"].per) == (100, 3600)  # posts from [rate_limits] x, per overridden
    assert "mastodon" not in limits and (limits["example"].posts, limits["example"].per) == (3, 600)


@pytest.mark.parametrize(("toml", "message"), [
    ('[channels.x.rate_limit]\nposts = "many"', '[channels.x.rate_limit] posts: \'many\' is not a whole number'),
    ("[channels.x]\nrate_limit = 5", "[channels.x] rate_limit: expected a table"),
    ('[channels.x.rate_limit]\nper = "0s"', "[channels.x.rate_limit] per: must be longer than zero"),
    ('[channels.example.rate_limit]\nper = "1h"', "[channels.example.rate_limit]: posts is missing"),
    ('[queue]\nmax_tries = "lots"', "[queue] max_tries: 'lots' is not a whole number"),
    ("[queue]\nmax_tries = 0", "[queue] max_tries: must be at least 1"),
    ('[queue]\nbackoff = "soon"', "[queue] backoff: 'soon' is not a duration"),
    ("[queue]\nlease = 0", "[queue] lease: must be longer than zero"),
])
def test_bad_queue_settings_are_one_line_errors(assist_home: Path, toml: str, message: str) -> None:
    (assist_home / "config.toml").write_text(toml + "\n")
    result = CliRunner().invoke(cli, ["queue", "run"])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith(f"Error: {message}"), result.stderr


def test_the_configured_rate_limit_holds_posts_back_in_queue_run(example_installed: Path, assist_home: Path,
                                                                  file_fake: FileFake) -> None:
    settings = "\n".join(f'{k} = "{v}"' for k, v in file_fake.settings().items())
    (assist_home / "config.toml").write_text(f"[channels.example]\n{settings}\n"
                                             '[channels.example.rate_limit]\nposts = 2\nper = "1h"\n')
    q = Queue(db.connect())
    ids = [q.enqueue(post(n, f"https://example.org/{n}"), time.time() - 1) for n in range(3)]
    report = CliRunner().invoke(cli, ["queue", "run", "--json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["outcomes"] == {"sent": 2}  # the third waits for the window
    assert len(file_fake.published) == 2
    [held] = [q.get(i) for i in ids if q.get(i).state == "scheduled"]
    assert held.attempts == 0 and q.attempts(held.id) == []  # waiting is not a try
    assert json.loads(CliRunner().invoke(cli, ["queue", "run", "--json"]).stdout)["outcomes"] == {}


def test_a_worker_that_lost_its_lease_cannot_overwrite(queue: Queue, clock: Clock) -> None:
    pid = queue.enqueue(post(), T0)
    first = queue.claim("a", 10)
    clock.t += 11
    second = queue.claim("b", 10)
    assert first is not None and second is not None and second.needs_check
    assert not queue.finish(first, "a", state="sent", outcome="sent", started=T0)
    assert queue.finish(second, "b", state="failed", outcome="transient", started=clock.t, error="x")
    assert queue.get(pid).state == "failed"


def test_cancel_and_reschedule(queue: Queue, clock: Clock) -> None:
    pid = queue.enqueue(post(), T0 + 100)
    assert queue.reschedule(pid, T0 + 500).due_at == T0 + 500
    assert queue.cancel(pid).state == "cancelled"
    with pytest.raises(QueueError, match="nothing to cancel"):
        queue.cancel(pid)
    with pytest.raises(QueueError, match="only scheduled or failed"):
        queue.reschedule(pid, T0)
    with pytest.raises(QueueError, match="no post 999"):
        queue.get(999)
    assert queue.claim("w", 10) is None


def test_secrets_never_reach_the_database(queue: Queue, file_fake: FileFake, assist_home: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSIST_EXAMPLE_TOKEN", TOKEN)
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(401)
    worker = make_worker(queue, file_fake)
    worker.run_once()
    queue.retry(pid)
    worker.run_once()
    assert queue.get(pid).state == "sent"
    raw = b"".join(p.read_bytes() for p in assist_home.glob("assist.db*"))
    assert b"Post number" in raw  # the content is there...
    assert TOKEN.encode() not in raw  # ...the credential never is


def test_ambiguous_failures_to_the_last_try_end_unknown_not_dead(queue: Queue, clock: Clock,
                                                                  file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(500, times=3)
    worker = make_worker(queue, file_fake)
    outcomes = []
    for _ in range(3):
        outcomes += list(worker.run_once().outcomes)
        clock.t = queue.get(pid).due_at + 1
    assert outcomes == ["failed", "failed", "unknown"]
    assert queue.get(pid).state == "unknown" and "may have been published" in queue.get(pid).note


def test_a_missing_plugin_is_retried_later(queue: Queue, clock: Clock) -> None:
    pid = queue.enqueue(Post("gone", "text"), T0)

    def factory(name: str) -> Channel:
        from assistant.channels import get_channel

        return get_channel(name)

    worker = Worker(queue, settings=config.load(), limits={}, rng=random.Random(1), name="w",
                    policy=Policy(max_tries=2), channel_factory=factory)
    assert worker.run_once().outcomes == {"failed": 1}
    item = queue.get(pid)
    assert "unknown channel 'gone'" in item.last_error and item.due_at > T0
    assert queue.attempts(pid)[0]["outcome"] == "no_channel"


def test_a_plugin_bug_is_treated_as_ambiguous(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    class Buggy(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            raise KeyError("oops")

    pid = queue.enqueue(post(), T0)
    assert make_worker(queue, file_fake, Buggy).run_once().outcomes == {"failed": 1}
    item = queue.get(pid)
    assert item.needs_check and "KeyError" in item.last_error


def test_queue_run_exits_1_when_a_post_ends_dead_and_0_when_it_will_be_retried(
        example_installed: Path, assist_home: Path, file_fake: FileFake) -> None:
    settings = "\n".join(f'{k} = "{v}"' for k, v in file_fake.settings().items())
    (assist_home / "config.toml").write_text(f"[channels.example]\n{settings}\n")
    q = Queue(db.connect())
    retried = q.enqueue(post(1, "https://example.org/1"), time.time() - 1)
    file_fake.fail_next(503)
    first = CliRunner().invoke(cli, ["queue", "run"])
    assert first.exit_code == 0, first.output  # a transient error: it will be retried
    assert q.get(retried).state == "failed"
    refused = q.enqueue(post(2, "https://example.org/2"), time.time() - 1)
    file_fake.fail_next(400)
    second = CliRunner().invoke(cli, ["queue", "run", "--json"])
    assert second.exit_code == 1
    assert json.loads(second.stdout)["outcomes"] == {"dead": 1}
    assert f"1 post(s) need you: {refused}" in second.stderr
    assert q.get(refused).state == "dead"


def test_a_post_left_sending_stays_checked_when_its_channel_cannot_load(queue: Queue, clock: Clock,
                                                                       file_fake: FileFake) -> None:
    """A crash after publishing, then a worker that cannot load the channel (a broken config, a plugin
    being upgraded): the post must still be checked with the platform before it is sent again."""
    from assistant.errors import ConfigError

    pid = queue.enqueue(post(), T0)
    claimed = queue.claim("crashed-worker", 300)
    assert claimed is not None
    ExampleChannel(file_fake.settings()).publish(claimed.post, idempotency_key=claimed.idempotency_key)
    clock.t += 301
    loads = []

    def flaky(name: str) -> Channel:
        loads.append(name)
        if len(loads) == 1:
            raise ConfigError("[channels.example] is broken")
        return ExampleChannel(file_fake.settings(), environ={})

    worker = Worker(queue, settings=config.load(), limits={}, rng=random.Random(1), name="w",
                    policy=Policy(max_tries=3), channel_factory=flaky)
    assert worker.run_once().outcomes == {"failed": 1}
    assert queue.get(pid).needs_check
    clock.t = queue.get(pid).due_at
    assert worker.run_once().outcomes == {"reconciled_published": 1}
    assert len(file_fake.published) == 1


def test_retrying_a_post_that_may_be_published_still_checks_first(queue: Queue, clock: Clock,
                                                                  file_fake: FileFake) -> None:
    """`assist queue retry` of a failed post flagged after an ambiguous error sends it now, but asks the
    platform first (with --force too: only an unknown post, which the user was told to check, is not)."""
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(500)
    worker = make_worker(queue, file_fake)
    worker.run_once()
    item = queue.get(pid)
    assert item.state == "failed" and item.needs_check
    # the platform had in fact stored it before the 500
    ExampleChannel({**file_fake.settings(), "faults": None}).publish(item.post, idempotency_key=item.idempotency_key)
    assert queue.retry(pid, force=True).needs_check
    assert worker.run_once().outcomes == {"reconciled_published": 1}
    assert len(file_fake.published) == 1


def test_a_worker_that_lost_the_post_while_checking_it_does_not_send_it(queue: Queue, clock: Clock,
                                                                       file_fake: FileFake) -> None:
    """The worker stalls past its lease while asking the channel; another takes the post over. The
    first must not send it (the second checks and sends it) nor record anything over the second."""
    pid = queue.enqueue(post(), T0)
    assert queue.claim("crashed-worker", 300) is not None
    clock.t += 301
    other = Queue(db.connect(), clock=clock)
    taken = []

    class Stalling(ExampleChannel):
        def reconcile(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            clock.t += 301
            taken.append(other.claim("w2", 300))
            return super().reconcile(post, idempotency_key=idempotency_key)

    assert make_worker(queue, file_fake, Stalling).run_once().outcomes == {"lease_lost": 1}
    assert taken[0] is not None and taken[0].needs_check
    assert file_fake.published == [] and queue.attempts(pid) == []
    assert queue.get(pid).lease_owner == "w2" and queue.get(pid).state == "sending"


def test_renew_extends_only_a_lease_still_held(queue: Queue, clock: Clock) -> None:
    pid = queue.enqueue(post(), T0)
    assert queue.claim("a", 10) is not None
    clock.t += 8
    assert queue.renew(pid, "a", 10) and queue.get(pid).lease_until == T0 + 18
    clock.t += 11
    assert queue.claim("b", 10) is not None  # a lapsed: b takes the post over
    assert not queue.renew(pid, "a", 10) and queue.get(pid).lease_owner == "b"


class Recording(ExampleChannel):
    """Remembers the ``in_flight_since`` each check was given."""

    seen: list[float | None] = []

    def reconcile(self, post: Post, *, idempotency_key: str, in_flight_since: float | None = None):  # type: ignore[no-untyped-def]
        Recording.seen.append(in_flight_since)
        return super().reconcile(post, idempotency_key=idempotency_key)


def test_reconcile_is_given_the_start_of_the_earliest_attempt_that_may_have_published(
        queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    Recording.seen = []
    pid = queue.enqueue(post(), T0)
    file_fake.fail_next(500, times=2)
    worker = make_worker(queue, file_fake, Recording, policy=Policy(max_tries=5, backoff=60, lease=300))
    assert worker.run_once().outcomes == {"failed": 1}  # ambiguous, started at T0
    assert queue.get(pid).in_flight_since == T0
    clock.t = queue.get(pid).due_at
    assert worker.run_once().outcomes == {"failed": 1}  # checked (not there), sent, ambiguous again
    assert queue.get(pid).in_flight_since == T0  # the earliest one still counts
    clock.t = queue.get(pid).due_at
    assert worker.run_once().outcomes == {"sent": 1}
    assert Recording.seen == [T0, T0]
    assert queue.get(pid).in_flight_since is None  # sent: nothing is in flight any more

    crashed_at = clock.t = T0 + 5000
    crashed = queue.enqueue(post(2, "https://example.org/2"), clock.t)
    assert queue.claim("crashed-worker", 300) is not None
    clock.t += 301
    assert worker.run_once().outcomes == {"sent": 1}
    assert Recording.seen[-1] == crashed_at and queue.get(crashed).in_flight_since is None


def test_a_forced_retry_of_an_unknown_post_starts_afresh(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    assert queue.claim("crashed-worker", 300) is not None
    clock.t += 301
    assert make_worker(queue, file_fake, Unsure).run_once().outcomes == {"unknown": 1}
    assert queue.get(pid).in_flight_since == T0
    assert queue.retry(pid, force=True).in_flight_since is None  # the user checked: nothing is in flight
    clock.t += 1000
    assert queue.claim("w", 300).in_flight_since == clock.t  # type: ignore[union-attr]


def test_a_plugin_reconcile_without_in_flight_since_still_works(queue: Queue, clock: Clock,
                                                                file_fake: FileFake) -> None:
    from assistant.channels import takes_in_flight_since

    assert not takes_in_flight_since(ExampleChannel(file_fake.settings()))
    assert takes_in_flight_since(Recording(file_fake.settings()))
    assert takes_in_flight_since(Channel())  # the base class takes it

    class Anything(ExampleChannel):
        def reconcile(self, post: Post, **kw):  # type: ignore[no-untyped-def]
            return super().reconcile(post, idempotency_key=kw["idempotency_key"])

    assert takes_in_flight_since(Anything(file_fake.settings()))


def test_posts_in_flight_before_the_upgrade_get_their_earliest_attempt(tmp_path: Path) -> None:
    steps = [s for s in db._all_migrations() if s[0] != "share_002_in_flight_since"]
    conn = db.connect(tmp_path / "old.db", migrate_schema=False)
    db.migrate(conn, steps)
    for n, (state, check, updated) in enumerate([("sending", 0, T0 + 500), ("failed", 1, T0 + 50),
                                                 ("sent", 0, T0 + 60), ("sending", 0, T0 + 70)], start=1):
        conn.execute("INSERT INTO share_posts (id, channel, text, state, due_at, idempotency_key, needs_check,"
                     " created_at, updated_at) VALUES (?, 'example', 't', ?, ?, ?, ?, ?, ?)",
                     (n, state, T0, f"k{n}", check, T0, updated))
    for n, started in [(1, T0), (2, T0 + 10), (3, T0 + 20)]:
        conn.execute("INSERT INTO share_attempts (post_id, channel, started_at, outcome) VALUES (?, 'example', ?, 'x')",
                     (n, started))
    assert db.migrate(conn) == ["share_002_in_flight_since"]
    found = dict(conn.execute("SELECT id, in_flight_since FROM share_posts").fetchall())
    assert found == {1: T0, 2: T0 + 10, 3: None, 4: T0 + 70}


@pytest.mark.slow  # waits for real heartbeats
def test_the_lease_is_renewed_while_a_slow_channel_works(file_fake: FileFake) -> None:
    """A publish three times longer than the lease (real clock): the post is never free for another worker."""
    q = Queue(db.connect())
    pid = q.enqueue(post(), time.time() - 1)
    thief: list[object] = []

    class Slow(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            time.sleep(1.8)
            thief.append(Queue(db.connect()).claim("thief", 0.6))  # takes a post whose lease lapsed
            return super().publish(post, idempotency_key=idempotency_key)

    worker = make_worker(q, file_fake, Slow, policy=Policy(lease=0.6))
    assert worker.run_once().outcomes == {"sent": 1}
    assert thief == [None] and len(file_fake.published) == 1
    assert q.get(pid).state == "sent" and [a["worker"] for a in q.attempts(pid)] == ["w1"]


@pytest.mark.slow  # waits for real heartbeats
def test_one_heartbeat_renews_every_post_of_a_run_and_stops_with_it(file_fake: FileFake) -> None:
    """The heartbeat thread is the worker's, not the post's: a slow post claimed after a quick one is
    renewed all the same, and no thread is left once run_once returns."""
    import threading

    q = Queue(db.connect())
    quick = q.enqueue(post(1, "https://example.org/1"), time.time() - 2)
    slow = q.enqueue(post(2, "https://example.org/2"), time.time() - 1)
    thief: list[object] = []

    class SlowSecond(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            if post.url == "https://example.org/2":
                time.sleep(1.8)
                thief.append(Queue(db.connect()).claim("thief", 0.6))
            return super().publish(post, idempotency_key=idempotency_key)

    worker = make_worker(q, file_fake, SlowSecond, policy=Policy(lease=0.6))
    assert worker.run_once().outcomes == {"sent": 2}
    assert thief == [None] and len(file_fake.published) == 2
    assert q.get(quick).state == q.get(slow).state == "sent"
    assert not [t for t in threading.enumerate() if t.name.startswith("lease-")]


class KeyForAnHour(ExampleChannel):
    """Mastodon's case: keys kept an hour, and a check that can only rely on the key (its look-up
    fails); publishing fails before it reaches the platform (network down, then rate limited)."""

    idempotent = True
    idempotency_window = 3600.0
    errors: list[Exception] = []
    clock: Clock = Clock()

    def reconcile(self, post: Post, *, idempotency_key: str, in_flight_since: float | None = None):  # type: ignore[no-untyped-def]
        from assistant.channels import Reconciled, Recovery

        if self.key_still_kept(in_flight_since, now=KeyForAnHour.clock()):  # the test's clock, not time.time()
            return Reconciled(Recovery.NOT_PUBLISHED, detail="the key is still kept")
        return Reconciled(Recovery.UNKNOWN, detail="the key has expired")

    def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
        if KeyForAnHour.errors:
            raise KeyForAnHour.errors.pop(0)
        return super().publish(post, idempotency_key=idempotency_key)


def test_a_resend_that_fails_after_a_check_leaves_the_post_to_be_checked_again(
        queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    """A crash left the post maybe published; the check said "resend" only because the key was still
    kept; the resend never reached the platform. The first attempt is still unaccounted for, so the
    next try checks again with its start, and past the key's hour the post is left unknown, not sent."""
    from assistant.channels import RateLimited, TransientError

    KeyForAnHour.clock = clock
    KeyForAnHour.errors = [TransientError("example: cannot connect (ConnectionError)"),
                           RateLimited("example: rate limited (429)", status=429, retry_after=600)]
    pid = queue.enqueue(post(), T0)
    assert queue.claim("crashed-worker", 300) is not None
    clock.t += 301
    worker = make_worker(queue, file_fake, KeyForAnHour, policy=Policy(max_tries=5, backoff=60, lease=300))
    assert worker.run_once().outcomes == {"failed": 1}
    assert queue.get(pid).needs_check and queue.get(pid).in_flight_since == T0
    clock.t = queue.get(pid).due_at
    assert worker.run_once().outcomes == {"rate_limited": 1}
    assert queue.get(pid).needs_check and queue.get(pid).in_flight_since == T0
    clock.t = T0 + 3600
    assert worker.run_once().outcomes == {"unknown": 1}
    assert file_fake.published == []


@pytest.mark.parametrize(("asked", "waited", "says"), [
    (float("nan"), None, "was not usable"),  # None: the retry policy's backoff (30-60 s here)
    (float("inf"), None, "was not usable"),
    ("1e400", None, "was not usable"),  # a header value read as text: float() makes it infinity
    (-5, None, "was not usable"),
    (None, None, "rate limited: waiting"),
    (0.2, 1.0, "as the platform asked"),
    (99999999999, 24 * 3600.0, "waiting 24 h at most"),
])
def test_a_rate_limit_wait_from_the_platform_is_never_trusted_blindly(queue: Queue, clock: Clock,
                                                                      file_fake: FileFake, asked: object,
                                                                      waited: float | None, says: str) -> None:
    """`ratelimit-reset: nan` once meant no wait at all (155 creates in 8 s); inf or 1e400 crashed
    `queue list`; 99999999999 parked a post until the year 5138."""

    class Pacing(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            from assistant.channels import RateLimited

            raise RateLimited("example: slow down", retry_after=asked)  # type: ignore[arg-type]

    pid = queue.enqueue(post(), T0)
    worker = make_worker(queue, file_fake, cls=Pacing)
    assert worker.run_once().outcomes == {"rate_limited": 1}
    waiting = queue.get(pid)
    if waited is None:
        assert T0 + 30 <= waiting.due_at <= T0 + 60
    else:
        assert waiting.due_at == pytest.approx(T0 + waited)
    assert says in (waiting.note or ""), waiting.note
    listed = CliRunner().invoke(cli, ["queue", "list", "--json"])
    assert listed.exit_code == 0, listed.output


def test_a_secret_echoed_in_a_servers_error_is_never_stored_or_shown(queue: Queue, clock: Clock,
                                                                   file_fake: FileFake) -> None:
    """A server that quotes the token in its 401 page (issue 10, item 24)."""
    from example_plugin.assist_example.testing import TOKEN

    class Echoing(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            from assistant.channels import AuthError

            raise AuthError(f"example: 401 <html>bad token {TOKEN} for https://bot:hunter2pw@api.example/?access_token=abc123</html>",
                            status=401)

    pid = queue.enqueue(post(), T0)
    make_worker(queue, file_fake, cls=Echoing).run_once()
    stored = queue.get(pid)
    history = queue.attempts(pid)
    for text in (stored.last_error or "", *(a["error"] or "" for a in history)):
        assert TOKEN not in text and "hunter2pw" not in text and "abc123" not in text
        assert "[redacted]" in text
    shown = CliRunner().invoke(cli, ["queue", "show", str(pid), "--json"]).output
    assert TOKEN not in shown and "hunter2pw" not in shown
    raw = b"".join(p.read_bytes() for p in config.db_path().parent.glob("assist.db*"))
    assert TOKEN.encode() not in raw and b"hunter2pw" not in raw


def test_config_show_hides_a_password_inside_a_url(assist_home: Path) -> None:
    (assist_home / "config.toml").write_text('[channels.mastodon]\napi_base_url = "https://me:s3cretpw@m.example"\n')
    shown = CliRunner().invoke(cli, ["config", "show"]).output
    assert "s3cretpw" not in shown and "https://me:[redacted]@m.example" in shown


def test_cancel_then_retry_of_a_post_abandoned_while_sending_checks_before_sending(queue: Queue, clock: Clock,
                                                                                 file_fake: FileFake) -> None:
    """kill -9 after the create reached the platform, then `queue cancel`, `queue retry`, `queue run`
    sent it twice (issue 10, item 2): the "may be published" mark survives cancel and retry."""
    pid = queue.enqueue(post(), T0)
    claimed = queue.claim("killed-worker", 300)
    assert claimed is not None
    ExampleChannel(file_fake.settings()).publish(claimed.post, idempotency_key=claimed.idempotency_key)
    clock.t += 301  # the worker died: its lease ran out
    cancelled = queue.cancel(pid)
    assert cancelled.state == "cancelled" and cancelled.needs_check
    assert "may already be published on example" in (cancelled.note or "")
    retried = queue.retry(pid)
    assert retried.state == "scheduled" and retried.needs_check
    assert make_worker(queue, file_fake).run_once().outcomes == {"reconciled_published": 1}
    assert len(file_fake.published) == 1 and queue.get(pid).state == "sent"


def test_cancel_of_a_post_never_sent_is_a_plain_cancel(queue: Queue, clock: Clock, file_fake: FileFake) -> None:
    pid = queue.enqueue(post(), T0)
    cancelled = queue.cancel(pid)
    assert cancelled.state == "cancelled" and not cancelled.needs_check and cancelled.note == "cancelled by the user"
    queue.retry(pid)
    assert make_worker(queue, file_fake).run_once().outcomes == {"sent": 1}


def test_a_bad_channel_setting_keeps_posts_waiting_not_maybe_published(assist_home: Path, queue: Queue,
                                                                       clock: Clock, file_fake: FileFake) -> None:
    """`ASSIST_CHANNELS__MASTODON__TIMEOUT=abc` read inside publish() once left the post `unknown`
    ("may be published") although nothing was sent (issue 10, item 5). Settings are checked before
    the claim: the post stays scheduled, untouched, and the run says what to fix."""
    pid = queue.enqueue(post(), T0)
    worker = Worker(queue, settings=config.load(), rng=random.Random(7), name="w1", limits={},
                    channel_factory=lambda name: ExampleChannel({**file_fake.settings(), "timeout": "abc"},
                                                                environ={}))
    report = worker.run_once()
    assert report.outcomes == {} and file_fake.published == []
    waiting = queue.get(pid)
    assert waiting.state == "scheduled" and waiting.attempts == 0 and not waiting.needs_check
    assert report.problems == ["example: [channels.example] timeout: 'abc' is not a number; its posts wait until"
                               " it is fixed"]


def test_a_worker_suspended_inside_publish_never_sends_a_post_another_took_over(queue: Queue, clock: Clock,
                                                                                file_fake: FileFake) -> None:
    """Worker A is suspended inside publish() (logging in) past its lease; worker B takes the post,
    checks, sends. When A wakes it must not create the post again (issue 10, item 1): the channel's
    fence() right before the create finds the post is no longer A's."""
    pid = queue.enqueue(post(), T0)
    taken: dict[str, object] = {}

    class SlowLogin(ExampleChannel):
        def publish(self, post: Post, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            clock.t += 301  # suspended (SIGSTOP) while logging in: the lease runs out
            worker_b = make_worker(queue, file_fake, name="w2")
            taken["b"] = worker_b.run_once().outcomes  # B claims the abandoned post, checks, sends
            return super().publish(post, idempotency_key=idempotency_key)  # A wakes and goes on

    worker_a = make_worker(queue, file_fake, cls=SlowLogin, name="w1")
    assert worker_a.run_once().outcomes == {"lease_lost": 1}
    assert taken["b"] == {"sent": 1}
    assert len(file_fake.published) == 1 and queue.get(pid).state == "sent"


def test_the_worker_waits_out_a_long_write_lock_instead_of_dying(tmp_path: Path, file_fake: FileFake) -> None:
    """A long `sites import` held the write lock past SQLite's busy timeout and `queue worker` exited
    1 (`database is locked`); due posts waited for a restart (issue 10, item 3)."""
    import sqlite3
    import threading

    path = tmp_path / "assist.db"
    pid = Queue(db.connect(path)).enqueue(post(), time.time() - 5)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")  # the import's long write transaction
    busy: list[str] = []
    sent: list[dict] = []
    stop = threading.Event()
    settings = config.load()

    def run() -> None:  # the worker's own connection, in its own thread, as `queue worker` has
        queue = Queue(db.connect(path, migrate_schema=False))
        queue.db.execute("PRAGMA busy_timeout = 50")  # SQLite gives up on the lock quickly
        worker = Worker(queue, settings=settings, rng=random.Random(7), name="w1", limits={},
                        policy=Policy(max_tries=3, backoff=60, backoff_max=3600, lease=300),
                        channel_factory=lambda name: ExampleChannel(file_fake.settings(), environ={}))
        worker.stop = stop
        worker.run_forever(0.05, on_report=lambda r: sent.extend(r.posts), on_busy=busy.append)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive() and busy and "database is busy" in busy[0]
    holder.execute("ROLLBACK")  # the import commits
    deadline = time.time() + 10
    while not sent and time.time() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    holder.close()
    assert [p["outcome"] for p in sent] == ["sent"]
    assert Queue(db.connect(path)).get(pid).state == "sent"
