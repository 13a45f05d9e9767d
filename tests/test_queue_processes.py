"""Real processes over one queue file: two workers at once, a worker killed mid-publish, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

from assistant import config, db
from assistant.channels import Post
from assistant.share.queue import Queue
from assistant.share.worker import Worker


@pytest.fixture
def fake(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "platform")


def configure(home: Path, fake: FileFake, **extra: object) -> None:
    lines = ["[channels.example]", f'path = "{fake.path}"', f'token = "{TOKEN}"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    (home / "config.toml").write_text("\n".join(lines) + "\n")


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "assistant", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def enqueue(n: int) -> list[int]:
    q = Queue(db.connect())
    now = time.time()
    return q.enqueue_many((Post("example", f"post {i} https://example.org/{i}", url=f"https://example.org/{i}"),
                           now - 1) for i in range(n))


def wait_for(path: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


@pytest.mark.slow  # real worker processes
def test_two_worker_processes_publish_each_post_exactly_once(example_installed: Path, fake: FileFake,
                                                             assist_home: Path) -> None:
    configure(assist_home, fake, delay=0.02)
    ids = enqueue(60)
    workers = [spawn("queue", "run", "--json") for _ in range(2)]
    reports = []
    for proc in workers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    keys = Counter(line["key"] for line in fake.published)
    assert len(keys) == 60 and max(keys.values()) == 1  # every post once, none twice
    assert sum(r["outcomes"].get("sent", 0) for r in reports) == 60
    assert len({line["pid"] for line in fake.published}) == 2  # both workers really took part
    q = Queue(db.connect())
    assert {q.get(i).state for i in ids} == {"sent"}
    assert {k for k in keys} == {q.get(i).idempotency_key for i in ids}


@pytest.mark.parametrize(("block", "outcome"), [("before", "sent"), ("after", "reconciled_published")])
def test_worker_killed_mid_publish_is_recovered_without_a_duplicate(example_installed: Path, fake: FileFake,
                                                                     assist_home: Path, block: str,
                                                                     outcome: str) -> None:
    configure(assist_home, fake, block=block)
    [post_id] = enqueue(1)
    proc = spawn("queue", "run")
    wait_for(Path(str(fake.path) + ".blocked"))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    q = Queue(db.connect())
    stuck = q.get(post_id)
    assert stuck.state == "sending" and stuck.lease_owner
    assert len(fake.published) == (1 if block == "after" else 0)

    configure(assist_home, fake)  # the platform is back to normal
    later = stuck.lease_until + 1
    recovering = Queue(db.connect(), clock=lambda: later)
    worker = Worker(recovering, settings=config.load(), limits={}, name="recovery")
    assert worker.run_once().outcomes == {outcome: 1}
    assert [line["key"] for line in fake.published] == [stuck.idempotency_key]  # once, with the same key
    assert q.get(post_id).state == "sent"


def test_worker_stops_cleanly_on_sigterm(example_installed: Path, fake: FileFake, assist_home: Path) -> None:
    configure(assist_home, fake)
    enqueue(1)
    proc = spawn("queue", "worker", "--interval", "0.1")
    deadline = time.monotonic() + 30
    while not fake.published:
        assert time.monotonic() < deadline and proc.poll() is None, "the worker did not publish"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped (1 sent)" in err


@pytest.mark.slow  # waits out a lease in real processes
def test_a_publish_slower_than_the_lease_is_not_taken_over(example_installed: Path, fake: FileFake,
                                                           assist_home: Path) -> None:
    """[queue] lease = 1 s and a platform that takes 3 s to answer, two workers polling all along: the
    worker sending the post keeps renewing its lease, so the other never takes the post over (and checks
    or sends it again) while the first request is still in flight."""
    configure(assist_home, fake, delay=3)
    with (assist_home / "config.toml").open("a") as config_file:
        config_file.write('[queue]\nlease = "1s"\n')
    [post_id] = enqueue(1)
    workers = [spawn("queue", "worker", "--interval", "0.1", "--json") for _ in range(2)]
    q = Queue(db.connect())
    deadline = time.monotonic() + 60
    while q.get(post_id).state != "sent":
        assert time.monotonic() < deadline and all(p.poll() is None for p in workers), "the post was never sent"
        time.sleep(0.05)
    time.sleep(1.5)  # a worker that took the post over would be sending it again by now
    for proc in workers:
        proc.send_signal(signal.SIGTERM)  # each finishes the post in hand first
    outcomes: Counter[str] = Counter()
    for proc in workers:
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            outcomes.update(json.loads(line)["outcomes"])
    assert [line["key"] for line in fake.published] == [q.get(post_id).idempotency_key]  # exactly once
    assert outcomes == {"sent": 1}
    assert [a["outcome"] for a in q.attempts(post_id)] == ["sent"] and q.get(post_id).attempts == 1
