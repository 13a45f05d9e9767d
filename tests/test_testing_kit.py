"""What a third-party plugin author gets from the installed package alone: ``assistant.testing``'s
contract kit and ``FakeServer``, used here on a small HTTP channel written as an outsider would
(stdlib urllib client, no import from tests/)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from assistant.channels import (
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
from assistant.testing import ChannelContract, FakeServer, fake_fixture


class Noticeboard(Channel):
    """POST /notes with a bearer token; 401 auth, 429 rate limited (Retry-After), 5xx transient."""

    name = "noticeboard"
    description = "Pins a note on a noticeboard server"
    credentials = (Credential("token", "ASSIST_NOTICEBOARD_TOKEN", help="your board token"),)

    def limits(self) -> Limits:
        return Limits(max_length=200, url_length=20)

    def length(self, text: str) -> int:  # the board counts every link as 20 characters
        return len(re.sub(r"https?://\S+", "x" * 20, text))

    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        token = self.require_credentials()["token"]
        body = json.dumps({"text": post.text, "url": post.url, "key": idempotency_key}).encode()
        req = urllib.request.Request(f"{self.settings['base_url']}/notes", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                note = json.load(resp)
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise AuthError("noticeboard: the token was refused (401)", status=401) from None
            if exc.code == 429:
                raise RateLimited("noticeboard: rate limited", retry_after=float(exc.headers.get("Retry-After", 60)),
                                  status=429) from None
            if exc.code >= 500:
                raise TransientError(f"noticeboard: server error ({exc.code})", status=exc.code) from None
            raise PermanentError(f"noticeboard: refused ({exc.code})", status=exc.code) from None
        return PublishResult(str(note["id"]), f"{self.settings['base_url']}/notes/{note['id']}")

    def reconcile(self, post: Post, *, idempotency_key: str) -> Reconciled:
        with urllib.request.urlopen(f"{self.settings['base_url']}/notes?key={idempotency_key}", timeout=5) as resp:
            found = json.load(resp)
        if not found:
            return Reconciled(Recovery.NOT_PUBLISHED)
        note = found[0]
        return Reconciled(Recovery.PUBLISHED, PublishResult(str(note["id"]), f"{self.settings['base_url']}/notes/{note['id']}"))


class FakeNoticeboard(FakeServer):
    token = "nb-secret-token"

    def settings(self) -> dict[str, Any]:
        return {"base_url": self.url, "token": self.token}

    def handle(self, req: Any) -> tuple[int, Any, dict[str, str]]:
        if req.method == "GET" and req.path == "/notes":
            key = req.query.get("key", [""])[0]
            return 200, [n for n in self.published if n["key"] == key], {}
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "unauthorized"}, {}
        note = {"id": len(self.published) + 1, **req.json()}
        self.published.append(note)
        return 201, note, {}


fake = fake_fixture(FakeNoticeboard)  # a module-level fixture named ``fake``


class TestNoticeboardContract(ChannelContract):
    check_registered = False  # defined in this file, not installed through an entry point

    @pytest.fixture
    def channel(self, fake: FakeNoticeboard) -> Noticeboard:
        return Noticeboard(fake.settings(), environ={})


def test_the_kit_catches_a_channel_that_breaks_the_contract() -> None:
    """The kit is not a rubber stamp: a channel that maps 429 to a permanent error fails its check."""

    class Careless(Noticeboard):
        def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
            try:
                return super().publish(post, idempotency_key=idempotency_key)
            except RateLimited as exc:
                raise PermanentError(str(exc)) from None

    contract = TestNoticeboardContract()
    with FakeNoticeboard() as fake:
        with pytest.raises(AssertionError, match="429 should raise RateLimited"):
            contract.test_contract_errors_are_typed(Careless(fake.settings(), environ={}), fake)
