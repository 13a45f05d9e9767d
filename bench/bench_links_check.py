"""`assist links check` throughput: 10,000 linking pages on 1,000 hosts served locally.

A server process answers for every host as a forward proxy on 127.0.0.1 (HTTP_PROXY points at it)
and logs when each host was asked. A checker process runs `links check` with the default spacing
(1 s between two requests to one host) and reports its peak memory. The same server is then read
by a bare httpx loop with the same number of threads and no spacing, parsing or database: the
ratio says what politeness and recording cost. Target (issue 11): >= 100 pages/s with the spacing
honoured, peak RSS < 300 MB.

    .venv/bin/python bench/bench_links_check.py [--hosts 1000] [--pages 10] [--workers 32] [--delay 1]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = ("<!doctype html><html lang='en'><head><title>Post {n} on {host}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/about'>About</a></nav><main><article><h1>Post {n}</h1>"
        + "<p>A paragraph of an ordinary blog post, long enough to look like one, with a few words.</p>" * 40
        + "<p>Further reading: <a href='http://own.example/guide-{t}'>the guide</a>.</p>"
        "</article></main><footer>(c) {host}</footer></body></html>")


def serve(port_queue: mp.Queue, log_path: str) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    asked: dict[str, list[float]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            host = parts.hostname or ""
            if host == "stats.local":
                Path(log_path).write_text(json.dumps(asked))
                body = b"ok"
            else:
                asked.setdefault(host, []).append(time.monotonic())
                if parts.path == "/robots.txt":
                    body = b"User-agent: *\nDisallow: /private/\n"
                else:
                    n = parts.path.rsplit("-", 1)[-1]
                    body = PAGE.format(n=n, host=host, t=int(n) % 20 if n.isdigit() else 0).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain" if parts.path == "/robots.txt" else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


def fill(home: str, hosts: int, pages: int) -> int:
    os.environ["ASSIST_HOME"] = home
    from assistant import db
    from assistant.links import store

    conn = db.connect()
    links = [store.NewLink(f"http://h{h}.bench/post-{p}", f"http://own.example/guide-{p % 20}", "own.example",
                           "plain", "2026-11-01T00:00:00Z") for h in range(hosts) for p in range(pages)]
    return store.add_links(conn, links)


CHECKER = """
import json, resource, sys, time
from assistant import db
from assistant.links.check import CheckOptions, check
from assistant.links.store import Own
opts = CheckOptions(delay=float(sys.argv[1]), workers=int(sys.argv[2]), own_delay=0.0)
started = time.monotonic()
report = check(db.connect(), Own(["own.example"]), opts)
print(json.dumps({"seconds": time.monotonic() - started, "links": report.links, "pages": report.pages,
                  "states": report.counts(), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bare(proxy: str, urls: list[str], workers: int) -> float:
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    with httpx.Client(proxy=proxy, limits=httpx.Limits(max_connections=workers * 2)) as client:
        started = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda u: client.get(u).content, urls))
        return time.monotonic() - started


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--delay", type=float, default=1.0)
    args = ap.parse_args()
    ports: mp.Queue = mp.Queue()
    home = tempfile.mkdtemp(prefix="assist-bench-links-")
    log = str(Path(home) / "asked.json")
    server = mp.Process(target=serve, args=(ports, log), daemon=True)
    server.start()
    proxy = f"http://127.0.0.1:{ports.get(timeout=10)}"
    try:
        count = fill(home, args.hosts, args.pages)
        env = {**os.environ, "ASSIST_HOME": home, "HTTP_PROXY": proxy, "NO_PROXY": ""}
        out = subprocess.run([sys.executable, "-c", CHECKER, str(args.delay), str(args.workers)], env=env,
                             capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        import httpx

        httpx.get("http://stats.local/", proxy=proxy)
        asked = json.loads(Path(log).read_text())
        gaps = [b - a for host, times in asked.items() if host != "own.example"  # yours: --own-delay
                for a, b in zip(times, times[1:], strict=False)]
        urls = [f"http://h{h}.bench/post-{p}" for h in range(args.hosts) for p in range(args.pages)]
        bare_s = bare(proxy, urls, args.workers)
    finally:
        server.terminate()
    rate = got["pages"] / got["seconds"]
    bare_rate = len(urls) / bare_s
    floor = max(0.0, args.delay)
    print(f"links check: {count:,} links, {got['pages']:,} pages on {args.hosts:,} hosts in {got['seconds']:.1f} s "
          f"= {rate:.0f} pages/s; states {got['states']}")
    print(f"peak RSS of the checking process: {got['rss_mb']:.0f} MB")
    print(f"per-host spacing: smallest gap between two requests to one host {min(gaps):.3f} s (asked: {floor:g} s)")
    print(f"bare httpx loop, {args.workers} threads, no spacing: {bare_rate:.0f} pages/s; "
          f"links check runs at {rate / bare_rate:.2f}x of it (its floor with the spacing: "
          f"{args.pages - 1} gaps of {floor:g} s a host)")
    ok = rate >= 100 and got["rss_mb"] < 300 and min(gaps) >= floor * 0.99
    print("TARGET MET" if ok else "TARGET MISSED (>= 100 pages/s, RSS < 300 MB, spacing honoured)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
