"""Queue throughput: enqueue 10,000 posts, drain them with a no-op channel, then two workers at once.

Run: python bench/bench_queue.py [--posts 10000]. State goes to a temporary ASSIST_HOME.
Prints posts/second for enqueue and dispatch, the dispatch overhead per post in ms (target < 2),
and, for two worker processes draining one queue file together, the duplicate count (must be 0).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import assistant
from assistant.channels import Channel, Limits, Post, PublishResult


class NoopChannel(Channel):
    """Publishes nowhere, instantly: what is left is the queue's own cost."""

    name = "noop"
    description = "does nothing"
    published: list[int] = []

    def limits(self) -> Limits:
        return Limits(max_length=10_000)

    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        NoopChannel.published.append(int(post.options["n"]))
        return PublishResult(remote_id=idempotency_key[:12])


@assistant.hookimpl
def register_channels(register):  # type: ignore[no-untyped-def]
    register(NoopChannel)


def register() -> None:
    from assistant import plugins

    plugins.register_plugin(SimpleNamespace(register_channels=register_channels, __name__="bench_noop"), "bench_noop")


def fill(count: int) -> float:
    """Enqueue ``count`` posts one by one (each its own transaction); returns the seconds taken."""
    from assistant import db
    from assistant.share.queue import Queue

    queue = Queue(db.connect())
    due = time.time() - 1
    start = time.perf_counter()
    for n in range(count):
        queue.enqueue(Post("noop", f"post {n} https://example.org/{n}", url=f"https://example.org/{n}",
                           options={"n": n}), due)
    elapsed = time.perf_counter() - start
    queue.db.close()
    return elapsed


def drain() -> tuple[int, float]:
    """Publish everything due with one worker; returns (posts sent, seconds)."""
    from assistant import config, db
    from assistant.share.queue import Queue
    from assistant.share.worker import Worker

    register()
    worker = Worker(Queue(db.connect()), settings=config.load())  # the configured rate limits are checked too
    start = time.perf_counter()
    report = worker.run_once()
    return report.outcomes.get("sent", 0), time.perf_counter() - start


def _child(home: str, out: str) -> None:
    os.environ["ASSIST_HOME"] = home
    sent, _ = drain()
    Path(out).write_text("\n".join(map(str, NoopChannel.published)))


def two_workers(home: str, count: int) -> tuple[int, int, float]:
    """Two processes drain one queue; returns (published, duplicates, seconds)."""
    ctx = mp.get_context("spawn")
    outs = [os.path.join(home, f"worker{i}.txt") for i in range(2)]
    start = time.perf_counter()
    procs = [ctx.Process(target=_child, args=(home, out)) for out in outs]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    seen: Counter[int] = Counter()
    per_worker = []
    for out in outs:
        ids = [int(x) for x in Path(out).read_text().split()]
        per_worker.append(len(ids))
        seen.update(ids)
    duplicates = sum(n - 1 for n in seen.values() if n > 1)
    missing = count - len(seen)
    print(f"  per worker: {per_worker}; missing: {missing}")
    return sum(per_worker), duplicates, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    n = args.posts
    with tempfile.TemporaryDirectory(prefix="assist-bench-") as root:
        os.environ["ASSIST_HOME"] = os.path.join(root, "one")
        os.makedirs(os.environ["ASSIST_HOME"])
        enqueue_s = fill(n)
        print(f"enqueue:  {n} posts in {enqueue_s:.2f} s = {n / enqueue_s:,.0f} posts/s "
              f"({enqueue_s / n * 1000:.3f} ms/post)")
        sent, dispatch_s = drain()
        assert sent == n, f"sent {sent} of {n}"
        print(f"dispatch: {n} posts in {dispatch_s:.2f} s = {n / dispatch_s:,.0f} posts/s "
              f"(overhead {dispatch_s / n * 1000:.3f} ms/post; target < 2 ms)")

        home = os.path.join(root, "two")
        os.makedirs(home)
        os.environ["ASSIST_HOME"] = home
        fill(n)
        published, duplicates, both_s = two_workers(home, n)
        print(f"two workers: {published} published in {both_s:.2f} s (incl. start-up) = "
              f"{published / both_s:,.0f} posts/s; duplicates: {duplicates}")
        if duplicates or published != n:
            sys.exit(1)


if __name__ == "__main__":
    main()
