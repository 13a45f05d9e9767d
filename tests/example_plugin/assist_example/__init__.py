"""An example third-party channel for assist: each post is appended as one JSON line to a file.

Settings (``[channels.example]``): ``path`` (the file), ``token`` (or ASSIST_EXAMPLE_TOKEN; only
checked, never written). For tests, ``faults`` names a file holding HTTP-like statuses, one a line,
each consumed by one publish (401, 429, 500, 503, 403, 409 = already published), and ``block``
(``before`` or ``after``) makes publish hang before or after writing, so a test can kill it;
``delay`` (seconds) makes every publish slow.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

import assistant
from assistant.channels import (
    AlreadyPublished,
    AmbiguousError,
    AuthError,
    Channel,
    Credential,
    Limits,
    PermanentError,
    Post,
    PublishResult,
    RateLimited,
    Reconciled,
    Recovery,
    TransientError,
)

URL_LENGTH = 23


class ExampleChannel(Channel):
    """Posts of up to 500 characters, a URL counting 23, appended to a file."""

    name = "example"
    description = "Appends posts to a file (an example plugin)"
    # What the plugin knows of its platform; the user's [channels.example] overrides each, key by key.
    rate_limit = (100, "1h")
    hashtags = 1
    templates = "templates"  # assist_example/templates/example.j2
    credentials = (Credential("token", "ASSIST_EXAMPLE_TOKEN", help="any non-empty value"),)

    def limits(self) -> Limits:
        return Limits(max_length=500, url_length=URL_LENGTH, notes="a URL counts 23 characters")

    def length(self, text: str) -> int:
        import re

        urls = re.findall(r"https?://\S+", text)
        return len(re.sub(r"https?://\S+", "", text)) + URL_LENGTH * len(urls)

    def _path(self) -> Path:
        path = self.settings.get("path")
        if not path:
            raise PermanentError("example: set [channels.example] path")
        return Path(path)

    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        self.require_credentials()
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(problems))
        self._fault(idempotency_key)
        if delay := float(self.settings.get("delay", 0)):
            time.sleep(delay)  # a slow platform, so that concurrent workers really overlap
        self._block("before")
        self.fence()  # the post must still be this worker's: the write below creates it
        with open(self._path(), "a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            out.write(json.dumps({"key": idempotency_key, "pid": os.getpid(), **post.to_dict()}) + "\n")
            out.flush()
        self._block("after")
        return PublishResult(remote_id=idempotency_key[:12], url=f"file://{self._path()}#{idempotency_key[:12]}")

    def reconcile(self, post: Post, *, idempotency_key: str) -> Reconciled:
        """The file is the platform: look for the idempotency key in it."""
        for line in read_lines(self._path()):
            if line["key"] == idempotency_key:
                return Reconciled(Recovery.PUBLISHED, PublishResult(idempotency_key[:12]), "found in the file")
        return Reconciled(Recovery.NOT_PUBLISHED, detail="not in the file")

    def _fault(self, key: str) -> None:
        faults = self.settings.get("faults")
        if not faults or not os.path.exists(faults):
            return
        lines = Path(faults).read_text().split()
        if not lines:
            return
        Path(faults).write_text("\n".join(lines[1:]))
        status = int(lines[0])
        if status == 401:
            raise AuthError("example: token refused (401)", status=401)
        if status == 429:
            raise RateLimited("example: slow down (429)", retry_after=120)
        if status == 500:
            raise AmbiguousError("example: server error while writing (500)", status=500)
        if status == 503:
            raise TransientError("example: unavailable (503)", status=503)
        if status == 409:
            raise AlreadyPublished("example: already there", remote_id=key[:12])
        raise PermanentError(f"example: refused ({status}): the platform says no", status=status)

    def _block(self, when: str) -> None:
        if self.settings.get("block") == when:
            Path(str(self._path()) + ".blocked").write_text(str(os.getpid()))
            time.sleep(3600)


def read_lines(path: Path) -> list[dict]:
    """Every post written so far."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@assistant.hookimpl
def register_channels(register):  # type: ignore[no-untyped-def]
    register(ExampleChannel)
