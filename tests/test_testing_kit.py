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
    ChannelError,
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
        self.fence()
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


# Each contract check fails on a channel that breaks its rule: the kit is not a rubber stamp.
def _broken(**attrs: Any) -> type[Noticeboard]:
    return type("Broken", (Noticeboard,), attrs)


def _never_published(self: Channel, post: Post, *, idempotency_key: str) -> Reconciled:
    return Reconciled(Recovery.NOT_PUBLISHED)


def _old_reconcile(self: Channel, post: Post, *, idempotency_key: str) -> Reconciled:
    return Reconciled(Recovery.UNKNOWN)


def _anonymous_publish(self: Noticeboard, post: Post, *, idempotency_key: str) -> PublishResult:
    self.settings = {**self.settings, "token": self.settings.get("token") or "anonymous"}
    return Noticeboard.publish(self, post, idempotency_key=idempotency_key)


BROKEN = [
    ("test_contract_name_and_description", _broken(description=""), "one-line description"),
    ("test_contract_credentials_declared", _broken(credentials=(Credential("token", "board_token"),)), "UPPER_CASE"),
    ("test_contract_limits_sane", _broken(limits=lambda self: Limits(max_length=0)), ""),
    ("test_contract_registered", Noticeboard, "is not registered"),
    ("test_contract_length_plain_ascii", _broken(length=lambda self, text: len(text) + 1), ""),
    ("test_contract_length_counts_urls_as_declared", _broken(length=lambda self, text: len(text)), "should count 20"),
    ("test_contract_length_emoji_counts", _broken(length=lambda self, text: len(text.encode("ascii", "ignore"))),
     "an emoji counts"),
    ("test_contract_validate_accepts_normal_post", _broken(validate=lambda self, post: ["nope"]), ""),
    ("test_contract_validate_catches_overlong_text", _broken(validate=lambda self, post: []), "max_length"),
    ("test_contract_validate_catches_overlong_title",
     _broken(limits=lambda self: Limits(max_length=200, url_length=20, max_title_length=30),
             validate=lambda self, post: []), "max_title_length"),
    ("test_contract_publish_returns_result",
     _broken(publish=lambda self, post, *, idempotency_key: PublishResult("")), ""),
    ("test_contract_missing_credentials", _broken(publish=_anonymous_publish), ""),
    ("test_contract_fence_before_create", _broken(fence=lambda self: None), "DID NOT RAISE"),
    ("test_contract_reconcile", _broken(reconcile=_never_published), "NOT_PUBLISHED"),
    # a channel whose module imports what it declares lazy (assistant.testing imports json at the top)
    ("test_contract_import_is_lazy", _broken(__module__="assistant.testing"), "imports ['json']"),
    ("test_contract_reconcile_after_the_key_expired",
     _broken(idempotent=True, idempotency_window=3600.0, reconcile=_old_reconcile), "in_flight_since"),
]


def test_every_contract_check_is_exercised_by_a_broken_channel() -> None:
    checks = {name for name in dir(ChannelContract) if name.startswith("test_contract_")}
    assert checks == {name for name, _, _ in BROKEN} | {"test_contract_errors_are_typed"}  # that one: above


@pytest.mark.parametrize(("check", "broken", "says"), BROKEN, ids=[b[0].removeprefix("test_contract_") for b in BROKEN])
def test_the_kit_fails_a_channel_that_breaks_each_check(check: str, broken: type[Noticeboard], says: str) -> None:
    class Strict(TestNoticeboardContract):
        check_registered = True  # Noticeboard is not installed: the registration check must fail
        lazy_imports = ("json",)

    with FakeNoticeboard() as board:
        channel = broken(board.settings(), environ={})
        with pytest.raises((AssertionError, pytest.fail.Exception, ChannelError)) as info:
            getattr(Strict(), check)(*([channel, board] if "fake" in getattr(Strict, check).__code__.co_varnames
                                        else [channel]))
    assert says in str(info.value)
