"""The X channel driving the real tweepy client over HTTP against a loopback X API v2."""

from __future__ import annotations

import calendar
import json
import logging
import time
import unicodedata
import uuid

import pytest
from assist_x.testing import (
    CLIENT_FORBIDDEN_BODY,
    DUPLICATE_DETAIL,
    FORBIDDEN_BODY,
    OAUTH1_PERMISSIONS_BODY,
    RATE_LIMITED_BODY,
    SERVICE_UNAVAILABLE_BODY,
    TIMELINE,
    FakeX,
)

from assistant.channels import (
    AlreadyPublished,
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

assist_x = pytest.importorskip("assist_x")
XChannel = assist_x.XChannel

LINK = "https://example.com/posts/how-writers-earn-links?utm_source=x&utm_medium=social"
FAMILY = "\N{MAN}\u200d\N{WOMAN}\u200d\N{GIRL}\u200d\N{BOY}"
THUMBS_MEDIUM = "\N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-4}"
FLAG_FR = "\N{REGIONAL INDICATOR SYMBOL LETTER F}\N{REGIONAL INDICATOR SYMBOL LETTER R}"
KEYCAP_ONE = "1\ufe0f\u20e3"
WOMAN_TECHNOLOGIST_DARK = "\N{WOMAN}\N{EMOJI MODIFIER FITZPATRICK TYPE-6}\u200d\N{PERSONAL COMPUTER}"


fake = fake_fixture(FakeX)


def channel(fake: FakeX, **settings: object) -> XChannel:
    return XChannel(fake.settings(**settings), environ={})


def post(text: str = "How writers earn links", **kw: object) -> Post:
    return Post(**{"channel": "x", "text": text, **kw})


# --------------------------------------------------------------------------- the length rule


@pytest.mark.parametrize(("text", "expected"), [
    ("hello world", 11),
    ("a" * 280, 280),
    ("\u4f60\u597d\u4e16\u754c", 8),  # CJK weighs 2
    ("\u3053\u3093\u306b\u3061\u306f", 10),  # kana too
    ("caf\u00e9 na\u00efve \u0436\u0443\u0440\u043d\u0430\u043b", 17),  # Latin-1, Cyrillic: below U+10FF weigh 1
    ("\u2014\u2018quoted\u2019\u201c\u201d", 11),  # dashes and quotes U+2010-U+201F weigh 1
    ("wait\u2026", 6),  # ... U+2026 is outside the light ranges: 2
    ("\N{GRINNING FACE}", 2),
    (FAMILY, 2),  # a ZWJ sequence of 7 code points is one emoji
    (WOMAN_TECHNOLOGIST_DARK, 2),
    (THUMBS_MEDIUM, 2),  # skin tone modifier
    (FLAG_FR, 2),  # two regional indicators
    (KEYCAP_ONE, 2),
    ("\u00a9", 1),  # (c) without VS16 is text
    ("\u00a9\ufe0f", 2),  # ... with VS16 an emoji
    ("\u2764\ufe0e", 4),  # text presentation: two characters of weight 2
    ("hi \N{GRINNING FACE}\N{GRINNING FACE} \u4f60", 10),
])
def test_weighted_length_characters(text: str, expected: int) -> None:
    assert XChannel({}, environ={}).length(text) == expected


def test_text_is_counted_after_nfc_normalisation() -> None:
    ch = XChannel({}, environ={})
    decomposed = "cafe\u0301"  # e + combining acute: 5 code points, NFC 4
    assert ch.length(decomposed) == ch.length("caf\u00e9") == 4
    jamo = "\u1112\u1161\u11ab"  # Hangul jamo (3 code points of weight 2) compose to one syllable
    assert ch.length(jamo) == 2
    assert ch.render(post(decomposed)) == unicodedata.normalize("NFC", decomposed)


@pytest.mark.parametrize(("text", "expected"), [
    (LINK, 23),
    ("Read " + LINK, 28),
    ("https://example.com/" + "long-path/" * 30, 23),  # however long
    ("http://a.co", 23),  # however short
    ("See example.com today", 4 + 23 + 6),  # no scheme but a known top-level domain
    ("Read README.md and node.js", 5 + 23 + 12),  # .md is a country domain, .js none
    ("Ends with a period https://example.com/a/b.", 19 + 23 + 1),
    ("(see https://en.wikipedia.org/wiki/Link_(disambiguation))", 5 + 23 + 1),
    ("mail me@example.com", 19),  # an address is not a link
    ("\u4f60\u597d https://example.com/\u8def\u5f84", 5 + 23 + 4),  # CJK ends a link (not a path character)
    ("two https://a.example.org/x and https://b.example.org/y", 4 + 23 + 5 + 23),
])
def test_every_link_counts_23(text: str, expected: int) -> None:
    assert XChannel({}, environ={}).length(text) == expected


def test_limits_declare_the_rule() -> None:
    limits = XChannel({}, environ={}).limits()
    assert limits.max_length == 280 and limits.url_length == 23 and not limits.needs_target


def test_validate_uses_the_weighted_length() -> None:
    ch = XChannel({}, environ={})
    assert ch.validate(post("\u4f60" * 140)) == []
    problems = ch.validate(post("\u4f60" * 141))
    assert problems and "282" in problems[0] and "280" in problems[0]
    long_link = "https://example.com/" + "x" * 400
    assert ch.validate(post("a" * 256 + " " + long_link)) == []  # 256 + 1 + 23 = 280
    assert ch.validate(post("a" * 257 + " " + long_link))


def test_render_appends_the_url_when_the_text_lacks_it() -> None:
    ch = XChannel({}, environ={})
    assert ch.render(post("New post", url=LINK)) == f"New post\n\n{LINK}"
    assert ch.render(post(f"New post {LINK} #seo", url=LINK)) == f"New post {LINK} #seo"
    assert ch.length(ch.render(post("New post", url=LINK))) == 8 + 2 + 23


def test_validate_refuses_characters_x_refuses() -> None:
    problems = XChannel({}, environ={}).validate(post("zero\ufeffwidth"))
    assert any("U+FEFF" in p for p in problems)


# --------------------------------------------------------------------------- publishing


def test_publish_sends_the_text_and_returns_the_post_id(fake: FakeX) -> None:
    result = channel(fake).publish(post("New on the blog", url=LINK), idempotency_key="k1")
    sent = fake.published[-1]
    assert sent["text"] == f"New on the blog\n\n{LINK}"
    assert result.remote_id == sent["id"] and result.remote_id.isdigit()
    assert result.url == f"https://x.com/i/web/status/{sent['id']}"
    request = fake.requests[-1]
    assert request.path == "/2/tweets" and request.json() == {"text": sent["text"]}
    assert request.headers["authorization"].startswith("OAuth ")
    assert "oauth_signature=" in request.headers["authorization"]


def test_post_url_uses_the_configured_username(fake: FakeX) -> None:
    result = channel(fake, username="@writer").publish(post(), idempotency_key="k1")
    assert result.url == f"https://x.com/writer/status/{result.remote_id}"


def test_invalid_post_is_refused_before_any_request(fake: FakeX) -> None:
    with pytest.raises(PermanentError, match="280"):
        channel(fake).publish(post("x" * 281), idempotency_key="k1")
    assert fake.requests == []


def test_a_wrong_signature_is_refused_as_an_auth_error(fake: FakeX) -> None:
    wrong = "cs-wrong-" + uuid.uuid4().hex
    with pytest.raises(AuthError) as info:
        channel(fake, api_secret=wrong).publish(post(), idempotency_key="k1")
    assert info.value.status == 401 and "ASSIST_X_API_KEY" in str(info.value)
    assert wrong not in str(info.value) and fake.published == []


# --------------------------------------------------------------------------- X's errors


def test_429_is_rate_limited_until_x_rate_limit_reset(fake: FakeX) -> None:
    ch = channel(fake)
    ch.publish(post("first"), idempotency_key="k1")
    fake.exhaust(reset_in=120)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        ch.publish(post("second"), idempotency_key="k2")
    assert info.value.status == 429 and 117 <= info.value.retry_after <= 120
    assert time.monotonic() - started < 2  # tweepy did not sleep (wait_on_rate_limit is off)
    assert len(fake.published) == 1


def test_scripted_429_with_the_real_body_and_headers(fake: FakeX) -> None:
    reset = int(time.time()) + 42
    fake.fail_next(429, body=RATE_LIMITED_BODY, headers={"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
                                                         "x-rate-limit-reset": str(reset)})
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert 39 <= info.value.retry_after <= 42


def test_429_on_the_24_hour_cap_waits_for_its_reset(fake: FakeX) -> None:
    now = int(time.time())
    fake.fail_next(429, body=RATE_LIMITED_BODY, headers={
        "x-rate-limit-limit": "100", "x-rate-limit-remaining": "99", "x-rate-limit-reset": str(now + 900),
        "x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": str(now + 5 * 3600),
        "x-app-limit-24hour-limit": "17", "x-app-limit-24hour-remaining": "3",
        "x-app-limit-24hour-reset": str(now + 7 * 3600)})
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert 5 * 3600 - 3 <= info.value.retry_after <= 5 * 3600


def test_429_without_reset_header_has_no_retry_after(fake: FakeX) -> None:
    fake.fail_next(429, body=RATE_LIMITED_BODY)
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert info.value.retry_after is None


def test_duplicate_content_is_already_published(fake: FakeX) -> None:
    channel(fake).publish(post("Same words"), idempotency_key="k1")
    with pytest.raises(AlreadyPublished) as info:
        channel(fake).publish(post("Same words"), idempotency_key="k1")
    assert DUPLICATE_DETAIL in str(info.value)
    assert len(fake.published) == 1


def test_other_403_is_permanent_with_the_platform_message(fake: FakeX) -> None:
    fake.fail_next(403, body=FORBIDDEN_BODY)
    with pytest.raises(PermanentError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AuthError | TransientError)
    assert "You are not permitted to perform this action." in str(info.value) and info.value.status == 403


def test_read_only_app_is_an_auth_error(fake: FakeX) -> None:
    fake.fail_next(403, body=OAUTH1_PERMISSIONS_BODY)
    with pytest.raises(AuthError, match="read and write permission"):
        channel(fake).publish(post(), idempotency_key="k1")


def test_400_is_permanent(fake: FakeX) -> None:
    fake.fail_next(400, body={"errors": [{"parameters": {"text": [""]}, "message": "Tweet text must not be empty"}],
                              "title": "Invalid Request", "type": "https://api.twitter.com/2/problems/invalid-request",
                              "detail": "One or more parameters to your request was invalid."})
    with pytest.raises(PermanentError, match="Tweet text must not be empty"):
        channel(fake).publish(post(), idempotency_key="k1")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(fake: FakeX, status: int) -> None:
    fake.fail_next(status, body={"title": "Service Unavailable", "detail": "Service Unavailable",
                                 "type": "about:blank", "status": status})
    with pytest.raises(TransientError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError) and info.value.status == status


def test_dropped_connection_after_sending_is_ambiguous(fake: FakeX) -> None:
    fake.fail_next(0)
    with pytest.raises(AmbiguousError):
        channel(fake).publish(post(), idempotency_key="k1")


def test_timeout_after_posting_is_ambiguous_and_the_resend_is_already_published(fake: FakeX) -> None:
    fake.delay = 0.6  # the post is created, the answer comes after the client gave up
    ch = channel(fake, timeout=0.2)
    with pytest.raises(AmbiguousError):
        ch.publish(post("Lost answer"), idempotency_key="k1")
    fake.delay = 0
    recovery = ch.reconcile(post("Lost answer"), idempotency_key="k1")
    assert recovery.outcome is Recovery.NOT_PUBLISHED and "duplicate" in recovery.detail
    with pytest.raises(AlreadyPublished):
        ch.publish(post("Lost answer"), idempotency_key="k1")
    assert len(fake.published) == 1


# --------------------------------------------------------------------------- which post a duplicate 403 means


def creates(fake: FakeX) -> int:
    return sum(1 for r in fake.requests if r.method == "POST" and r.path == "/2/tweets")


def test_duplicate_is_identified_among_the_accounts_recent_posts(fake: FakeX) -> None:
    ch = channel(fake)
    text = "Fish & chips <3 " + LINK + " &amp; more"
    first = ch.publish(post(text), idempotency_key="k1")
    stored = fake.tweets[0]["text"]
    assert "https://t.co/" in stored and "&amp;amp;" in stored and LINK not in stored  # as X keeps it
    with pytest.raises(AlreadyPublished) as info:
        ch.publish(post(text), idempotency_key="k1")
    assert info.value.remote_id == first.remote_id
    assert info.value.url == f"https://x.com/fakewriter/status/{first.remote_id}"
    assert DUPLICATE_DETAIL in str(info.value)
    me, timeline = [r for r in fake.requests if r.method == "GET"]
    assert me.path == "/2/users/me" and timeline.path == f"/2/users/{fake.user['id']}/tweets"
    query = {k: v[0] for k, v in timeline.query.items()}
    assert query["max_results"] == "100" and query["exclude"] == "retweets,replies"
    assert set(query["tweet.fields"].split(",")) == {"created_at", "entities"}
    since = calendar.timegm(time.strptime(query["start_time"], "%Y-%m-%dT%H:%M:%SZ"))
    assert abs(time.time() - 3 * 86400 - since) < 5  # reconcile_days (3) back
    assert len(fake.published) == 1 and creates(fake) == 2


def test_the_lookup_matches_links_by_their_expanded_url(fake: FakeX) -> None:
    ch = channel(fake)
    ours = ch.publish(post("Read this", url=LINK), idempotency_key="k1")
    fake.add_tweet("Read this\n\nhttps://example.com/another-post")  # newer, same words, another link
    fake.add_tweet("Read that\n\n" + LINK)  # newer, same link, other words
    with pytest.raises(AlreadyPublished) as info:
        ch.publish(post("Read this", url=LINK), idempotency_key="k1")
    assert info.value.remote_id == ours.remote_id


def test_the_account_is_read_once_per_channel(fake: FakeX) -> None:
    ch = channel(fake)
    for text in ("one", "two"):
        ch.publish(post(text), idempotency_key=text)
        with pytest.raises(AlreadyPublished) as info:
            ch.publish(post(text), idempotency_key=text)
        assert info.value.remote_id
    assert [r.path for r in fake.requests if r.method == "GET"].count("/2/users/me") == 1


@pytest.mark.parametrize("failure", ["rate-limited", "server-error", "timeout", "no-timeline-access"])
def test_a_failed_lookup_leaves_the_post_already_published_without_its_id(fake: FakeX, failure: str) -> None:
    ch = channel(fake, timeout=0.3)
    ch.publish(post("Stuck post"), idempotency_key="k1")
    if failure == "rate-limited":
        fake.exhaust(reset_in=600, endpoint=TIMELINE)
    elif failure == "server-error":
        fake.fail_next(503, body=SERVICE_UNAVAILABLE_BODY, path="/2/users/")
    elif failure == "timeout":
        fake.hang(1.0, path="/2/users/me")
    else:
        fake.fail_next(403, body=CLIENT_FORBIDDEN_BODY, path="/2/users/")
    with pytest.raises(AlreadyPublished) as info:
        ch.publish(post("Stuck post"), idempotency_key="k1")
    assert info.value.remote_id is None and info.value.url is None
    message = str(info.value)
    assert DUPLICATE_DETAIL in message and "its id is unknown: looking it up failed" in message
    expected = {"rate-limited": "too many requests (429); it resets in", "server-error": "server error (503)",
                "timeout": "network error (ReadTimeout)", "no-timeline-access": "Twitter developer App that is attached to a Project"}
    assert expected[failure].lower() in message.lower(), message
    assert len(fake.published) == 1 and creates(fake) == 2  # refused, never sent a third time


def test_a_post_not_among_the_recent_ones_is_already_published_without_its_id(fake: FakeX) -> None:
    fake.add_tweet("Evergreen words", age=10 * 86400)  # X still refuses the text; the lookup looks 3 days back
    with pytest.raises(AlreadyPublished) as info:
        channel(fake).publish(post("Evergreen words"), idempotency_key="k1")
    assert info.value.remote_id is None
    assert "its id is unknown: no post with this text among @fakewriter's 0 newest posts since" in str(info.value)
    with pytest.raises(AlreadyPublished) as info:
        channel(fake, reconcile_days=30).publish(post("Evergreen words"), idempotency_key="k1")
    assert info.value.remote_id == fake.tweets[0]["id"]
    assert fake.published == []


def test_a_bad_reconcile_days_is_named_in_the_note(fake: FakeX) -> None:
    channel(fake).publish(post("Words"), idempotency_key="k1")
    with pytest.raises(AlreadyPublished, match="reconcile_days must be a number of days, not 'soon'") as info:
        channel(fake, reconcile_days="soon").publish(post("Words"), idempotency_key="k1")
    assert info.value.remote_id is None


@pytest.mark.parametrize(("stored", "entities", "sent", "same"), [
    ("Hi &amp; bye https://t.co/abcdefghij", [("https://t.co/abcdefghij", "https://Example.com/")],
     "Hi & bye https://example.com", True),
    ("Hi https://t.co/abcdefghij", [("https://t.co/abcdefghij", "http://example.com/x")], "Hi example.com/x", True),
    ("Hi  there\n\nhttps://t.co/abcdefghij", None, "Hi there https://example.com/x", True),  # no entities: count
    ("Hi https://t.co/abcdefghij", [("https://t.co/abcdefghij", "https://example.com/y")],
     "Hi https://example.com/x", False),
    ("Hi there", None, "Hi there https://example.com/x", False),
    ("Hi there", None, "Hi here", False),
    ("caf\u00e9", None, "cafe\u0301", True),
    ("Hi https://t.co/abcdefghij", [("https://t.co/abcdefghij", "https://bread.example/x")],  # no real TLD
     "Hi https://bread.example/x", True),
])
def test_same_post_compares_words_and_links(stored: str, entities: object, sent: str, same: bool) -> None:
    tweet: dict[str, object] = {"id": "1", "text": stored}
    if entities:
        tweet["entities"] = {"urls": [{"start": stored.index(u), "end": stored.index(u) + len(u), "url": u,
                                       "expanded_url": e, "display_url": e} for u, e in entities]}
    assert assist_x.same_post(tweet, sent) is same


def test_unreachable_server_is_transient_not_ambiguous(fake: FakeX) -> None:
    settings = fake.settings()
    fake.stop()
    with pytest.raises(TransientError) as info:
        XChannel(settings, environ={}).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError)


def test_bad_api_base_url_is_permanent(fake: FakeX) -> None:
    with pytest.raises(PermanentError, match="api_base_url"):
        channel(fake, api_base_url="ftp://nowhere").publish(post(), idempotency_key="k1")


# --------------------------------------------------------------------------- credentials and secrets


def test_missing_credentials_name_the_environment_variables() -> None:
    ch = XChannel({"api_key": "k", "api_secret": "s"}, environ={})
    with pytest.raises(MissingCredentials) as info:
        ch.publish(post(), idempotency_key="k1")
    assert "ASSIST_X_ACCESS_TOKEN" in str(info.value) and "ASSIST_X_ACCESS_SECRET" in str(info.value)
    assert "ASSIST_X_API_KEY" not in str(info.value)


def test_credentials_from_the_environment(fake: FakeX) -> None:
    env = {"ASSIST_X_API_KEY": fake.api_key, "ASSIST_X_API_SECRET": fake.api_secret,
           "ASSIST_X_ACCESS_TOKEN": fake.access_token, "ASSIST_X_ACCESS_SECRET": fake.access_secret}
    ch = XChannel({"api_base_url": fake.url, "timeout": 3}, environ=env)
    assert ch.missing_credentials() == []
    ch.publish(post(), idempotency_key="k1")
    assert len(fake.published) == 1


def test_secrets_never_reach_exception_text_or_logs(fake: FakeX, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # oauthlib logs the signed Authorization header at DEBUG
    errors: list[str] = []
    ch = channel(fake)
    ch.publish(post("ok"), idempotency_key="k0")
    for status, body in ((401, None), (429, RATE_LIMITED_BODY), (403, FORBIDDEN_BODY), (503, None), (0, None)):
        fake.fail_next(status, body=body)
        try:
            ch.publish(post(f"attempt {status}"), idempotency_key="k1")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{exc!r} {exc}")
    try:
        ch.publish(post("ok"), idempotency_key="k2")
    except AlreadyPublished as exc:
        errors.append(f"{exc!r} {exc}")
    try:
        channel(fake, access_secret="as-wrong-" + fake.access_secret).publish(post("x"), idempotency_key="k3")
    except AuthError as exc:
        errors.append(f"{exc!r} {exc}")
    assert len(errors) == 7
    assert "Authorization" in caplog.text or "oauth_token" in caplog.text  # the DEBUG records were there
    everything = caplog.text + "\n".join(errors)
    for secret in (fake.api_key, fake.api_secret, fake.access_token, fake.access_secret):
        assert secret not in everything


# --------------------------------------------------------------------------- through assist share and the queue


def test_share_then_queue_run_publishes_to_x(fake: FakeX, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("x", fake.settings())
    assert queued["valid"] and queued["length"] == XChannel({}, environ={}).length(queued["text"]) <= 280
    shown, stored = share_to.run(queued)
    [published] = fake.published
    assert "utm_source=x&utm_medium=social" in published["text"]
    assert shown["state"] == "sent" and published["id"] in json.dumps(shown)
    for secret in (fake.api_key, fake.api_secret, fake.access_token, fake.access_secret):
        assert secret.encode() not in stored and secret not in json.dumps(shown)


def crash_after_publishing(queued: dict) -> None:
    """A worker claimed the post, X made it, and the worker died before recording anything."""
    from assistant import db
    from assistant.channels import get_channel
    from assistant.share.queue import Queue

    claimed = Queue(db.connect()).claim("crashed-worker", -60)  # a lease that has already run out
    assert claimed is not None and claimed.id == queued["id"]
    get_channel("x").publish(claimed.post, idempotency_key=claimed.idempotency_key)


def run_queue(share_to, queued: dict) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    from assistant.cli import cli

    ran = share_to.runner.invoke(cli, ["queue", "run", "--json"])
    assert ran.exit_code == 0, ran.output
    shown = json.loads(share_to.runner.invoke(cli, ["queue", "show", str(queued["id"]), "--json"]).stdout)
    return json.loads(ran.stdout), shown


def test_crash_after_publishing_then_queue_run_records_the_real_id(fake: FakeX, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("x", fake.settings())
    crash_after_publishing(queued)
    report, shown = run_queue(share_to, queued)
    [tweet] = fake.published
    assert report["outcomes"] == {"already_published": 1}
    assert shown["state"] == "sent" and shown["remote_id"] == tweet["id"], (shown["note"], fake.tweets)
    assert shown["remote_url"] == f"https://x.com/fakewriter/status/{tweet['id']}"
    assert "duplicate" in shown["note"] and len(fake.tweets) == 1


def test_crash_after_publishing_with_the_lookup_rate_limited_is_sent_without_id(fake: FakeX, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("x", fake.settings())
    crash_after_publishing(queued)
    fake.exhaust(reset_in=600, endpoint=TIMELINE)
    report, shown = run_queue(share_to, queued)
    assert report["outcomes"] == {"already_published": 1}
    assert shown["state"] == "sent" and shown["remote_id"] is None and shown["remote_url"] is None  # unknown, not ""
    assert "looking it up failed" in shown["note"] and "429" in shown["note"]
    assert len(fake.published) == 1 and len(fake.tweets) == 1 and creates(fake) == 2
    report, _ = run_queue(share_to, queued)
    assert report["outcomes"] == {} and creates(fake) == 2  # never sent again


def test_a_twin_older_than_reconcile_days_is_sent_without_id(fake: FakeX, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("x", fake.settings())
    text = XChannel({}, environ={}).render(Post(channel="x", text=queued["text"], url=queued["url"]))
    fake.add_tweet(text, age=8 * 86400)  # the same post, made a week ago by other means
    report, shown = run_queue(share_to, queued)
    assert report["outcomes"] == {"already_published": 1}
    assert shown["state"] == "sent" and not shown["remote_id"]
    assert "no post with this text among @fakewriter's 0 newest posts" in shown["note"]
    assert fake.published == [] and len(fake.tweets) == 1


# --------------------------------------------------------------------------- the plugin itself




class TestXContract(ChannelContract):
    lazy_imports = ("tweepy", "requests")  # importing the plugin must not import its client library
    error_cases = [
        *ChannelContract.error_cases,
        (429, {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
               "x-rate-limit-reset": str(int(time.time()) + 600)}, RATE_LIMITED_BODY, RateLimited),
        (403, {}, {"detail": DUPLICATE_DETAIL, "type": "about:blank", "title": "Forbidden", "status": 403},
         AlreadyPublished),
        (403, {}, FORBIDDEN_BODY, PermanentError),
    ]

    # fake: the module's fixture
    @pytest.fixture
    def channel(self, fake: FakeX) -> XChannel:
        return XChannel(fake.settings(), environ={})
