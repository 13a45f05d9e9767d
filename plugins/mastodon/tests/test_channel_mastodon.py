"""The Mastodon channel driving the real Mastodon.py client over HTTP against a loopback server."""

from __future__ import annotations

import json
import logging
import time

import pytest
from assist_mastodon.testing import INVALID_TOKEN, FakeMastodon, iso

from assistant.channels import (
    AmbiguousError,
    AuthError,
    MissingCredentials,
    PermanentError,
    Post,
    RateLimited,
    Recovery,
    TransientError,
)
from assistant.fakeserver import fake_fixture
from assistant.testing import ChannelContract

assist_mastodon = pytest.importorskip("assist_mastodon")
MastodonChannel = assist_mastodon.MastodonChannel

LINK = "https://example.com/posts/how-writers-earn-links?utm_source=mastodon&utm_medium=social"
FAMILY = "\N{MAN}\u200d\N{WOMAN}\u200d\N{GIRL}\u200d\N{BOY}"
FLAG_FR = "\N{REGIONAL INDICATOR SYMBOL LETTER F}\N{REGIONAL INDICATOR SYMBOL LETTER R}"


fake = fake_fixture(FakeMastodon)


def channel(fake: FakeMastodon, **settings: object) -> MastodonChannel:
    return MastodonChannel(fake.settings(**settings), environ={})


def post(text: str = "How writers earn links", **kw: object) -> Post:
    return Post(**{"channel": "mastodon", "text": text, **kw})


def status_posts(fake: FakeMastodon) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/api/v1/statuses"]


# --------------------------------------------------------------------------- the length rule


@pytest.mark.parametrize(("text", "expected"), [
    ("hello world", 11),
    ("\u4f60\u597d\u4e16\u754c", 4),  # CJK counts 1 each
    ("\N{GRINNING FACE}", 1),
    (FAMILY, 1),  # a ZWJ sequence is one grapheme
    ("\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}", 1),
    (FLAG_FR, 1),
    ("cafe\u0301", 4),  # e + combining accent is one grapheme
    (LINK, 23),
    ("Read " + LINK + " now", 5 + 23 + 4),
    ("https://example.com/" + "x" * 300, 23),
    ("Ends with a period https://example.com/a/b.", 19 + 23 + 1),
    ("(see https://en.wikipedia.org/wiki/Link_(disambiguation))", 5 + 23 + 1),
    ("see example.com", 15),  # without a scheme Mastodon makes no link: counted as text
    ("hi @alice@example.social", 3 + 6),  # the domain of a mention is not counted
    ("mail me@example.com", 19),  # an address is not a mention
])
def test_length_is_graphemes_with_links_23_and_short_mentions(text: str, expected: int) -> None:
    assert MastodonChannel({}, environ={}).length(text) == expected


def test_limits_come_from_the_instance_and_are_cached() -> None:
    with FakeMastodon(max_characters=1000) as fake:
        limits = channel(fake).limits()
        assert limits.max_length == 1000 and limits.url_length == 23
        assert channel(fake).limits().max_length == 1000  # a second channel object: the cache
        assert fake.instance_calls == 1
        assert [r.path.rstrip("/") for r in fake.requests] == ["/api/v2/instance"]


def test_characters_reserved_per_url_from_the_instance() -> None:
    with FakeMastodon() as fake:
        fake.url_length = 30
        ch = channel(fake)
        assert ch.limits().url_length == 30 and ch.length("go " + LINK) == 33


def test_v1_instance_is_used_when_v2_is_missing() -> None:
    with FakeMastodon(max_characters=750) as fake:
        fake.fail_next(404, body={"error": "Record not found"}, path="/api/v2/instance")
        assert channel(fake).limits().max_length == 750
        assert [r.path.rstrip("/") for r in fake.requests] == ["/api/v2/instance", "/api/v1/instance"]


def test_limits_default_to_500_when_the_instance_is_unreachable() -> None:
    with FakeMastodon(max_characters=1000) as fake:
        settings = fake.settings()
    ch = MastodonChannel(settings, environ={})
    assert ch.limits().max_length == 500 and ch.limits().url_length == 23
    assert MastodonChannel({}, environ={}).limits().max_length == 500


def test_a_failing_instance_is_not_asked_at_every_count() -> None:
    with FakeMastodon(max_characters=1000) as fake:
        fake.fail_next(503, body={"error": "unavailable"}, path="/api/v", times=100)
        ch = channel(fake)
        assert ch.limits().max_length == 500
        ch.validate(post("a" * 20))
        ch.length("more text")
        assert [r.path.rstrip("/") for r in fake.requests] == ["/api/v2/instance", "/api/v1/instance"]


def test_configured_max_characters_needs_no_request(fake: FakeMastodon) -> None:
    assert channel(fake, max_characters=5000).limits().max_length == 5000
    assert fake.requests == []


def test_validate_against_the_instance_limit() -> None:
    with FakeMastodon(max_characters=100) as fake:
        ch = channel(fake)
        assert ch.validate(post("a" * 100)) == []
        problems = ch.validate(post("a" * 101))
        assert problems and "101" in problems[0] and "100" in problems[0]
        assert ch.validate(post("a" * 76 + " " + LINK)) == []  # 76 + 1 + 23
        assert ch.validate(post("a" * 90, options={"spoiler_text": "content warning"}))
        assert any("visibility" in p for p in ch.validate(post(options={"visibility": "everyone"})))


def test_render_appends_the_url_when_the_text_lacks_it() -> None:
    ch = MastodonChannel({}, environ={})
    assert ch.render(post("New post", url=LINK)) == f"New post\n\n{LINK}"
    assert ch.render(post(f"New post {LINK}", url=LINK)) == f"New post {LINK}"


# --------------------------------------------------------------------------- publishing


def test_publish_posts_a_status_with_the_idempotency_key(fake: FakeMastodon) -> None:
    result = channel(fake).publish(post("New on the blog #writing", url=LINK), idempotency_key="key-1")
    sent = fake.published[-1]
    assert sent["text"] == f"New on the blog #writing\n\n{LINK}" and sent["key"] == "key-1"
    assert result.remote_id == sent["id"]
    assert result.url == f"https://fake.social/@assist_tester/{sent['id']}"
    request = status_posts(fake)[-1]
    assert request.headers["idempotency-key"] == "key-1"
    assert request.headers["authorization"] == f"Bearer {fake.access_token}"


def test_no_version_check_or_instance_request_before_posting(fake: FakeMastodon) -> None:
    channel(fake).publish(post(), idempotency_key="k1")
    assert [(r.method, r.path) for r in fake.requests] == [("POST", "/api/v1/statuses")]


def test_post_options_are_sent(fake: FakeMastodon) -> None:
    opts = {"visibility": "Unlisted", "spoiler_text": "SEO talk", "language": "en", "sensitive": "yes"}
    channel(fake).publish(post(options=opts), idempotency_key="k1")
    params = fake.published[-1]["params"]
    assert params["visibility"] == "unlisted" and params["spoiler_text"] == "SEO talk"
    assert params["language"] == "en" and params["sensitive"] in ("1", "True", "true")
    assert fake.statuses[0]["visibility"] == "unlisted"


def test_only_what_the_user_set_is_sent_the_rest_follows_the_account_defaults(fake: FakeMastodon) -> None:
    # As recorded: a status sent with only `status` came back "sensitive": true from an account that
    # always marks media sensitive. Sending sensitive=0 or visibility=public would override that.
    fake.defaults = {"privacy": "unlisted", "sensitive": True, "language": "de"}
    channel(fake).publish(post(), idempotency_key="k1")
    assert set(fake.published[-1]["params"]) == {"status"}
    assert fake.statuses[0]["sensitive"] is True and fake.statuses[0]["visibility"] == "unlisted"
    channel(fake).publish(post("Two", options={"sensitive": "no", "visibility": "public"}), idempotency_key="k2")
    params = fake.published[-1]["params"]
    assert params["sensitive"] in ("0", "False", "false") and params["visibility"] == "public"
    assert fake.statuses[0]["sensitive"] is False and fake.statuses[0]["visibility"] == "public"


def test_the_same_idempotency_key_publishes_once(fake: FakeMastodon) -> None:
    first = channel(fake).publish(post("Once"), idempotency_key="same-key")
    again = channel(fake).publish(post("Once"), idempotency_key="same-key")
    assert again.remote_id == first.remote_id and len(fake.published) == 1
    other = channel(fake).publish(post("Once"), idempotency_key="other-key")
    assert other.remote_id != first.remote_id and len(fake.published) == 2


def test_timeout_after_posting_is_ambiguous_and_the_resend_publishes_once(fake: FakeMastodon) -> None:
    fake.delay = 0.6  # the status is created; the answer comes after the client gave up
    ch = channel(fake, timeout=0.2)
    with pytest.raises(AmbiguousError) as info:
        ch.publish(post("Lost answer"), idempotency_key="crash-key")
    assert "Idempotency-Key" in str(info.value) and len(fake.published) == 1
    fake.delay = 0
    result = ch.publish(post("Lost answer"), idempotency_key="crash-key")
    assert result.remote_id == fake.published[0]["id"] and len(fake.published) == 1
    assert MastodonChannel.idempotent


# --------------------------------------------------------------------------- crash recovery

RICH_TEXT = ("Earning links, part 2 #SEO & more\nwith thanks to @alice@other.social\n\n"
             "https://example.com/posts/a-very-long-slug-that-mastodon-shortens-for-display?utm_source=mastodon")


def test_reconcile_finds_the_status_whose_answer_was_lost(fake: FakeMastodon) -> None:
    fake.delay = 0.6
    ch = channel(fake, timeout=0.2)
    with pytest.raises(AmbiguousError):
        ch.publish(post(RICH_TEXT, options={"spoiler_text": "long read"}), idempotency_key="k1")
    fake.delay = 0
    fake.add_status("Something else entirely")
    got = ch.reconcile(post(RICH_TEXT, options={"spoiler_text": "long read"}), idempotency_key="k1")
    assert got.outcome is Recovery.PUBLISHED and got.result is not None
    assert got.result.remote_id == fake.published[0]["id"]
    assert got.result.url == f"https://fake.social/@assist_tester/{got.result.remote_id}"
    assert any(r.path == "/api/v1/accounts/109348/statuses" and r.query["limit"] == ["40"] for r in fake.requests)


def test_reconcile_matches_text_spoiler_and_age(fake: FakeMastodon) -> None:
    ch = channel(fake)
    assert ch.reconcile(post(RICH_TEXT), idempotency_key="k").outcome is Recovery.NOT_PUBLISHED
    fake.add_status(RICH_TEXT, spoiler_text="other warning")
    fake.add_status(RICH_TEXT, age=8 * 86400)  # older than reconcile_days (7)
    fake.add_status(RICH_TEXT + " (edited)")
    got = ch.reconcile(post(RICH_TEXT), idempotency_key="k")
    assert got.outcome is Recovery.NOT_PUBLISHED and "Idempotency-Key" in got.detail
    assert channel(fake, reconcile_days=10).reconcile(post(RICH_TEXT), idempotency_key="k").outcome \
        is Recovery.PUBLISHED


VERIFY = "/api/v1/accounts/verify_credentials"


def test_reconcile_when_the_check_fails_resends_with_the_key_within_the_hour(fake: FakeMastodon) -> None:
    fake.fail_next(500, body={"error": "boom"}, path=VERIFY)
    got = channel(fake).reconcile(post(), idempotency_key="k", in_flight_since=time.time() - 20 * 60 - 5)
    assert got.outcome is Recovery.NOT_PUBLISHED and "could not check" in got.detail and "500" in got.detail
    assert "the first attempt was 20 min ago" in got.detail and status_posts(fake) == []


@pytest.mark.parametrize(("age", "said"), [
    (2 * 3600 + 300, "the first attempt was 2 h 5 min ago"),
    (55 * 60, "the first attempt was 55 min ago"),  # the key is still there, but only just: no resend
    (None, "when the first attempt was made is not known"),
])
def test_reconcile_when_the_check_fails_near_or_after_the_key_expiry_leaves_it_to_the_user(
        fake: FakeMastodon, age: float | None, said: str) -> None:
    """Mastodon keeps an Idempotency-Key for an hour (redis setex 3_600 in PostStatusService): later,
    a resend with it is a new status, so a failed check no longer means "resend"."""
    fake.fail_next(503, body={"error": "unavailable"}, path=VERIFY)
    since = None if age is None else time.time() - age
    got = channel(fake).reconcile(post(), idempotency_key="k", in_flight_since=since)
    assert got.outcome is Recovery.UNKNOWN and "could not check the account" in got.detail
    assert said in got.detail and "an hour only" in got.detail and "post it twice" in got.detail
    assert status_posts(fake) == []


def test_reconcile_looks_back_as_far_as_the_first_attempt(fake: FakeMastodon) -> None:
    fake.add_status(RICH_TEXT, age=8 * 86400)  # older than reconcile_days (7), made by the first attempt
    ch = channel(fake)
    assert ch.reconcile(post(RICH_TEXT), idempotency_key="k").outcome is Recovery.NOT_PUBLISHED
    got = ch.reconcile(post(RICH_TEXT), idempotency_key="k", in_flight_since=time.time() - 8 * 86400 - 60)
    assert got.outcome is Recovery.PUBLISHED


@pytest.mark.parametrize(("ago", "outcome", "statuses"), [
    (2 * 3600, "unknown", 1),  # the key is gone: a resend would post it again
    (20 * 60, "sent", 1),  # the key is kept: the resend gets the status already made
])
def test_a_crash_after_posting_then_a_failed_check_is_never_posted_twice(fake: FakeMastodon, ago: float,
                                                                          outcome: str, statuses: int) -> None:
    """A worker died after Mastodon made the status (``ago`` seconds ago); the next worker's look-up
    fails. Through the queue (a real SQLite file) and Mastodon.py: one status either way."""
    from assistant import config, db
    from assistant.share.queue import Queue
    from assistant.share.worker import Worker

    then = time.time() - ago
    crashed = Queue(db.connect(), clock=lambda: then)
    post_id = crashed.enqueue(post("Made before the crash"), then)
    claimed = crashed.claim("crashed-worker", 300)
    assert claimed is not None
    channel(fake).publish(claimed.post, idempotency_key=claimed.idempotency_key)  # the answer never recorded
    if ago > 3600:
        fake.expire_idempotency_keys()  # what the server does an hour after
    fake.fail_next(503, body={"error": "unavailable"}, path=VERIFY)
    queue = Queue(db.connect())
    worker = Worker(queue, settings=config.load(), limits={}, name="recovery",
                    channel_factory=lambda name: channel(fake))
    assert worker.run_once().outcomes == {outcome: 1}
    assert len(fake.published) == statuses == len(fake.statuses)
    left = queue.get(post_id)
    assert left.state == ("sent" if outcome == "sent" else "unknown")
    if outcome == "unknown":
        assert "an hour only" in left.note and f"queue retry --force {post_id}" in left.note
        assert len(status_posts(fake)) == 1  # no second POST /api/v1/statuses at all
    else:
        assert left.remote_id == fake.published[0]["id"]


# --------------------------------------------------------------------------- Mastodon's errors


def test_429_is_rate_limited_until_x_ratelimit_reset(fake: FakeMastodon) -> None:
    ch = channel(fake)
    ch.publish(post("first"), idempotency_key="k1")
    fake.exhaust(reset_in=60)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        ch.publish(post("second"), idempotency_key="k2")
    # X-RateLimit-Reset is an ISO time; Mastodon.py corrects it by the Date header (1 s resolution)
    assert 57 <= info.value.retry_after <= 62
    assert time.monotonic() - started < 2 and len(status_posts(fake)) == 2 and len(fake.published) == 1


def test_scripted_429_with_the_real_headers(fake: FakeMastodon) -> None:
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": iso(time.time() + 240)}
    fake.fail_next(429, body={"error": "Too many requests"}, headers=headers)
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert 237 <= info.value.retry_after <= 242


def test_401_is_an_auth_error_without_the_token(fake: FakeMastodon) -> None:
    wrong = "wrong-token-" + fake.access_token[:8]
    with pytest.raises(AuthError) as info:
        channel(fake, access_token=wrong).publish(post(), idempotency_key="k1")
    assert info.value.status == 401 and INVALID_TOKEN["error"] in str(info.value)
    assert "ASSIST_MASTODON_ACCESS_TOKEN" in str(info.value) and wrong not in str(info.value)


def test_403_is_an_auth_error(fake: FakeMastodon) -> None:
    fake.fail_next(403, body={"error": "This action is outside the authorized scopes"})
    with pytest.raises(AuthError, match="outside the authorized scopes") as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert info.value.status == 403


def test_422_is_permanent_with_the_platform_message() -> None:
    with FakeMastodon(max_characters=50) as fake:
        ch = channel(fake, max_characters=500)  # the user's setting disagrees with the server
        with pytest.raises(PermanentError) as info:
            ch.publish(post("a" * 60), idempotency_key="k1")
    assert "Validation failed: Text character limit of 50 exceeded" in str(info.value)
    assert info.value.status == 422 and not isinstance(info.value, TransientError | AuthError)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_transient(fake: FakeMastodon, status: int) -> None:
    fake.fail_next(status, body={"error": "We're sorry, but something went wrong on our end."})
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert info.value.status == status and not isinstance(info.value, AmbiguousError)
    assert time.monotonic() - started < 2 and len(status_posts(fake)) == 1  # no retry of its own


def test_dropped_connection_while_posting_is_ambiguous(fake: FakeMastodon) -> None:
    fake.fail_next(0, path="/api/v1/statuses")
    with pytest.raises(AmbiguousError):
        channel(fake).publish(post(), idempotency_key="k1")


def test_unreachable_server_is_transient_not_ambiguous(fake: FakeMastodon) -> None:
    settings = fake.settings()
    fake.stop()
    with pytest.raises(TransientError) as info:
        MastodonChannel(settings, environ={}).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError)


# --------------------------------------------------------------------------- credentials and secrets


def test_missing_credentials_name_the_environment_variables() -> None:
    with pytest.raises(MissingCredentials) as info:
        MastodonChannel({}, environ={}).publish(post(), idempotency_key="k1")
    assert "ASSIST_MASTODON_ACCESS_TOKEN" in str(info.value)
    assert "ASSIST_MASTODON_API_BASE_URL" in str(info.value)
    with pytest.raises(MissingCredentials, match="ASSIST_MASTODON_ACCESS_TOKEN"):
        MastodonChannel({"api_base_url": "https://mastodon.example"}, environ={}).publish(post(), idempotency_key="k")


def test_credentials_from_the_environment(fake: FakeMastodon) -> None:
    env = {"ASSIST_MASTODON_ACCESS_TOKEN": fake.access_token, "ASSIST_MASTODON_API_BASE_URL": fake.url}
    ch = MastodonChannel({"timeout": 3}, environ=env)
    assert ch.missing_credentials() == [] and ch.api_base_url() == fake.url
    ch.publish(post(), idempotency_key="k1")
    assert len(fake.published) == 1


def test_a_base_url_without_scheme_means_https() -> None:
    assert MastodonChannel({"api_base_url": "mastodon.social/"}, environ={}).api_base_url() == "https://mastodon.social"


def test_secrets_never_reach_exception_text_or_logs(fake: FakeMastodon, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []
    ch = channel(fake)
    ch.publish(post("ok"), idempotency_key="k0")
    for status in (401, 403, 422, 429, 503, 0):
        fake.fail_next(status, body={"error": f"scripted {status}"})
        try:
            ch.publish(post(f"attempt {status}"), idempotency_key=f"k{status}")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{exc!r} {exc}")
    try:
        channel(fake, access_token="bad-" + fake.access_token).publish(post("x"), idempotency_key="k9")
    except AuthError as exc:
        errors.append(f"{exc!r} {exc}")
    assert len(errors) == 7
    everything = caplog.text + "\n".join(errors)
    assert fake.access_token not in everything


# --------------------------------------------------------------------------- through assist share and the queue


def test_share_then_queue_run_publishes_to_mastodon(fake: FakeMastodon, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("mastodon", fake.settings())
    assert queued["valid"] and queued["length"] <= 500
    shown, stored = share_to.run(queued)
    [published] = fake.published
    assert "utm_source=mastodon&utm_medium=social" in published["text"] and published["key"]
    assert shown["state"] == "sent" and published["id"] in json.dumps(shown)
    assert fake.access_token.encode() not in stored and fake.access_token not in json.dumps(shown)


# --------------------------------------------------------------------------- the plugin itself




class TestMastodonContract(ChannelContract):
    lazy_imports = ("mastodon", "requests")  # importing the plugin must not import its client library
    error_cases = [
        *ChannelContract.error_cases,
        (429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": iso(time.time() + 600)}, {"error": "Too many requests"},
         RateLimited),
        (403, {}, {"error": "This action is outside the authorized scopes"}, AuthError),
        (422, {}, {"error": "Validation failed: Text character limit of 500 exceeded"}, PermanentError),
    ]

    # fake: the module's fixture
    @pytest.fixture
    def channel(self, fake: FakeMastodon) -> MastodonChannel:
        return MastodonChannel(fake.settings(), environ={})
