"""The Reddit channel driving the real praw client over HTTP against a loopback Reddit."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from assist_reddit.testing import UNAUTHORIZED_HEADERS, FakeReddit

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
    get_channel,
)
from assistant.fakeserver import fake_fixture
from assistant.testing import ChannelContract

assist_reddit = pytest.importorskip("assist_reddit")
RedditChannel = assist_reddit.RedditChannel

LINK = "https://example.com/posts/link-earning?utm_source=reddit&utm_medium=social"


fake = fake_fixture(FakeReddit)


def channel(fake: FakeReddit, **settings: object) -> RedditChannel:
    return RedditChannel(fake.settings(**settings), environ={})


def link_post(**kw: object) -> Post:
    base: dict = {"channel": "reddit", "text": "Why writers earn links", "url": LINK,
                  "title": "How writers earn links", "target": "r/test"}
    return Post(**{**base, **kw})


def submits(fake: FakeReddit) -> list:
    return [r for r in fake.requests if r.path == "/api/submit/"]


# --------------------------------------------------------------------------- publishing


def test_link_post_is_submitted_as_a_link_without_resubmit(fake: FakeReddit) -> None:
    result = channel(fake).publish(link_post(), idempotency_key="k1")
    sent = fake.published[-1]
    assert sent["kind"] == "link" and sent["url"] == LINK and sent["title"] == "How writers earn links"
    assert sent["form"]["resubmit"] == "False" and sent["form"]["sr"] == "test"
    assert "text" not in sent["form"]  # a link post carries no body unless option body=true
    assert result.remote_id == sent["id"]
    assert result.url == f"https://www.reddit.com/r/test/comments/{sent['id']}/"
    assert fake.requests[-1].path == "/api/submit/"  # praw fetched nothing after the submit


def test_self_post_sends_the_text(fake: FakeReddit) -> None:
    post = Post("reddit", "A long text post\n\nwith **markdown**.", title="Text post", target="r/test")
    result = channel(fake).publish(post, idempotency_key="k1")
    sent = fake.published[-1]
    assert sent["kind"] == "self" and sent["text"] == post.text and result.remote_id == sent["id"]


def test_link_post_body_and_flags_from_options(fake: FakeReddit) -> None:
    post = link_post(options={"body": "true", "nsfw": "yes", "send_replies": False})
    channel(fake).publish(post, idempotency_key="k1")
    form = fake.published[-1]["form"]
    assert form["text"] == post.text and form["nsfw"] == "True" and form["sendreplies"] == "False"


def test_target_forms_are_normalised_and_bad_names_refused() -> None:
    ch = RedditChannel({}, environ={})
    for spec in ("r/SEO", "/r/SEO/", "SEO", "https://www.reddit.com/r/SEO/"):
        assert ch.parse_target(spec) == "r/SEO"
    for bad in ("r/", "r/bad name", "r/_under", "r/" + "x" * 22, "r/semi;colon"):
        with pytest.raises(ValueError, match="not a subreddit"):
            ch.parse_target(bad)


def test_validate_title_target_and_flair_text() -> None:
    ch = RedditChannel({}, environ={})
    assert ch.validate(link_post()) == []
    problems = ch.validate(link_post(title="t" * 301, target=None, options={"flair_text": "News"}))
    text = "\n".join(problems)
    assert "title is 301 characters; the limit is 300" in text
    assert "destination is required" in text
    assert "flair_text needs a flair_id" in text
    assert any("a title is required" in p for p in ch.validate(link_post(title="  ")))
    assert ch.limits().max_title_length == 300 and ch.limits().needs_target


def test_invalid_post_is_refused_before_any_request(fake: FakeReddit) -> None:
    with pytest.raises(PermanentError, match="title"):
        channel(fake).publish(link_post(title=""), idempotency_key="k1")
    assert fake.requests == []


# --------------------------------------------------------------------------- flair


def test_required_flair_missing_is_a_permanent_error_listing_the_choices(fake: FakeReddit) -> None:
    fake.add_subreddit("SEO", flair_required=True, flairs=[{"id": "f-1", "text": "Discussion"},
                                                           {"id": "f-2", "text": "News"}])
    with pytest.raises(PermanentError) as info:
        channel(fake).publish(link_post(target="r/SEO"), idempotency_key="k1")
    message = str(info.value)
    assert "requires a post flair" in message and "flair_id" in message
    assert "Discussion=f-1" in message and "News=f-2" in message
    assert not isinstance(info.value, TransientError)
    assert fake.published == [] and submits(fake) == []


def test_a_validation_error_answered_as_a_400_is_permanent_with_its_hint(fake: FakeReddit) -> None:
    # praw submits with validate_on_submit: Reddit answers a failed validation with HTTP 400 and
    # {"fields", "explanation", "message", "reason"}, which praw turns into RedditAPIException.
    fake.add_subreddit("SEO", flair_required=True, hide_flair_rule=True, flairs=[{"id": "f-1", "text": "Discussion"}])
    with pytest.raises(PermanentError) as info:
        channel(fake).publish(link_post(target="r/SEO"), idempotency_key="k1")
    message = str(info.value)
    assert "SUBMIT_VALIDATION_FLAIR_REQUIRED: Your post must contain post flair." in message
    assert "flair_id" in message and not isinstance(info.value, (TransientError, AmbiguousError))
    assert len(submits(fake)) == 1 and fake.published == []


def test_flair_from_options_or_settings_is_sent(fake: FakeReddit) -> None:
    fake.add_subreddit("SEO", flair_required=True, flairs=[{"id": "f-1", "text": "Discussion"}])
    channel(fake).publish(link_post(target="r/SEO", options={"flair_id": "f-1"}), idempotency_key="k1")
    assert fake.published[-1]["form"]["flair_id"] == "f-1"
    ch = channel(fake, flairs={"seo": "f-1"})
    ch.publish(link_post(target="r/SEO", url=LINK + "&x=2"), idempotency_key="k2")
    assert fake.published[-1]["form"]["flair_id"] == "f-1"
    assert not any(r.path.endswith("post_requirements") for r in fake.requests[-2:])


def test_platform_flair_refusal_is_permanent(fake: FakeReddit) -> None:
    fake.add_subreddit("SEO", flair_required=True, flairs=[{"id": "f-1", "text": "Discussion"}])
    with pytest.raises(PermanentError, match="BAD_FLAIR_TEMPLATE_ID"):
        channel(fake).publish(link_post(target="r/SEO", options={"flair_id": "nope"}), idempotency_key="k1")


# --------------------------------------------------------------------------- Reddit's own errors


def test_already_sub_by_someone_else_is_permanent(fake: FakeReddit) -> None:
    fake.add_submission("test", "Someone else's title", url=LINK, author="someone_else")
    with pytest.raises(PermanentError, match="ALREADY_SUB") as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert "resubmit=true" in str(info.value) and not isinstance(info.value, AlreadyPublished)
    assert fake.published == []


def test_already_sub_by_us_is_already_published_with_the_existing_post(fake: FakeReddit) -> None:
    existing = fake.add_submission("test", "How writers earn links", url=LINK)
    with pytest.raises(AlreadyPublished) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert info.value.remote_id == existing["id"]
    assert info.value.url == "https://www.reddit.com" + existing["permalink"]


def test_resubmit_option_posts_the_link_again(fake: FakeReddit) -> None:
    fake.add_submission("test", "Old", url=LINK, author="someone_else")
    channel(fake).publish(link_post(options={"resubmit": "true"}), idempotency_key="k1")
    assert fake.published[-1]["form"]["resubmit"] == "True"


@pytest.mark.parametrize(("message", "seconds"), [
    ("you are doing that too much. try again in 5 minutes.", 300),
    ("Looks like you've been doing that a lot. Take a break for 9 minutes and 30 seconds before trying again.", 570),
    ("you are doing that too much. try again in 7 seconds.", 7),
])
def test_ratelimit_error_is_rate_limited_with_the_wait_from_the_message(
        fake: FakeReddit, message: str, seconds: int) -> None:
    fake.ratelimit_message = message
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert info.value.retry_after == seconds
    assert len(submits(fake)) == 1  # praw did not sleep and retry by itself
    assert time.monotonic() - started < 2


def test_no_selfs_and_missing_subreddit_are_permanent(fake: FakeReddit) -> None:
    fake.add_subreddit("linksonly", allow_self=False)
    with pytest.raises(PermanentError, match="NO_SELFS"):
        channel(fake).publish(Post("reddit", "text", title="T", target="r/linksonly"), idempotency_key="k1")
    with pytest.raises(PermanentError, match="SUBREDDIT_NOEXIST") as info:
        channel(fake).publish(link_post(target="r/nosuchsub"), idempotency_key="k2")
    assert not isinstance(info.value, TransientError)


# --------------------------------------------------------------------------- HTTP errors


# As recorded: Reddit answers a 429 on the API with an HTML page (JSON only on the token endpoint).
TOO_MANY_HTML = (b"<!doctype html><html><head><title>Too Many Requests</title></head><body><h1>whoa there,"
                 b" pardner!</h1><p>we're sorry, but you appear to be a bot and we've seen too many requests"
                 b" from you lately.</p></body></html>")


def test_429_is_rate_limited_and_the_next_call_waits_without_a_request(fake: FakeReddit) -> None:
    fake.fail_next(429, body=TOO_MANY_HTML, path="/api/submit",
                   headers={"content-type": "text/html; charset=UTF-8", "x-ratelimit-remaining": "0",
                            "x-ratelimit-used": "1000", "x-ratelimit-reset": "42"})
    ch = channel(fake)
    with pytest.raises(RateLimited) as info:
        ch.publish(link_post(), idempotency_key="k1")
    assert info.value.retry_after == 42 and info.value.status == 429
    before = len(fake.requests)
    started = time.monotonic()
    with pytest.raises(RateLimited) as again:
        ch.publish(link_post(), idempotency_key="k1")
    assert len(fake.requests) == before and time.monotonic() - started < 1
    assert 30 < again.value.retry_after <= 42


def test_429_retry_after_header_wins_over_the_window_reset(fake: FakeReddit) -> None:
    fake.fail_next(429, body=TOO_MANY_HTML, path="/api/submit",
                   headers={"content-type": "text/html; charset=UTF-8", "retry-after": "7", "x-ratelimit-remaining": "0", "x-ratelimit-used": "1000",
                            "x-ratelimit-reset": "300"})
    with pytest.raises(RateLimited) as info:
        channel(fake, max_wait=600).publish(link_post(), idempotency_key="k1")
    assert info.value.retry_after == 7 and fake.published == []


def test_429_on_the_token_endpoint_is_rate_limited(fake: FakeReddit) -> None:
    fake.fail_next(429, body={"message": "Too Many Requests", "error": 429}, path="/api/v1/access_token",
                   headers={"retry-after": "9"})
    with pytest.raises(RateLimited) as info:
        channel(fake, max_wait=600).publish(link_post(options={"flair_id": "f1"}), idempotency_key="k1")
    assert info.value.retry_after == 9 and submits(fake) == []


def test_expired_token_is_renewed_once(fake: FakeReddit) -> None:
    ch = channel(fake)
    ch.publish(link_post(), idempotency_key="k1")
    fake.revoke_tokens()
    ch.publish(link_post(url=LINK + "&n=2"), idempotency_key="k2")
    assert fake.token_requests == 2 and len(fake.published) == 2


def test_persistent_401_is_an_auth_error(fake: FakeReddit) -> None:
    fake.fail_next(401, body={"message": "Unauthorized", "error": 401}, headers=UNAUTHORIZED_HEADERS,
                   times=2, path="/api/submit")
    with pytest.raises(AuthError) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert info.value.status == 401 and fake.published == []
    assert len(submits(fake)) == 2


def test_wrong_password_and_wrong_app_secret_are_auth_errors(fake: FakeReddit) -> None:
    with pytest.raises(AuthError, match="ASSIST_REDDIT_PASSWORD") as info:
        channel(fake, password="wrong-password-123").publish(link_post(), idempotency_key="k1")
    assert "wrong-password-123" not in str(info.value)
    with pytest.raises(AuthError, match="ASSIST_REDDIT_CLIENT_SECRET") as info:
        channel(fake, client_secret="wrong-secret-456").publish(link_post(), idempotency_key="k1")
    assert "wrong-secret-456" not in str(info.value)


def test_an_app_that_is_not_a_script_app_is_named_as_the_cause(fake: FakeReddit) -> None:
    fake.app_type = "web"
    with pytest.raises(AuthError) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    message = str(info.value)
    assert "unauthorized_client: Only script apps may use password auth" in message and "'script'" in message
    assert "ASSIST_REDDIT_PASSWORD" not in message and submits(fake) == []


@pytest.mark.parametrize("failure", ["503", "timeout"])
def test_token_failure_inside_the_first_submit_is_transient_not_ambiguous(fake: FakeReddit, failure: str) -> None:
    # With a flair set, no flair check runs first: prawcore asks for the token inside the submit
    # call. A 5xx or timeout there happened before anything was submitted: retry, no check needed.
    fake.add_subreddit("test", flairs=[{"id": "f1", "text": "Discussion"}])
    if failure == "503":
        fake.fail_next(503, body={"message": "Service Unavailable", "error": 503}, path="/api/v1/access_token")
    else:
        fake.hang(1.5, path="/api/v1/access_token")
    with pytest.raises(TransientError) as info:
        channel(fake, timeout=0.3).publish(link_post(options={"flair_id": "f1"}), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError) and submits(fake) == []
    assert fake.token_requests == 0  # the token request itself failed
    result = channel(fake).publish(link_post(options={"flair_id": "f1"}), idempotency_key="k1")  # the retry
    assert result.remote_id == fake.published[0]["id"] and len(submits(fake)) == 1


def test_5xx_on_submit_is_ambiguous_and_not_retried_by_praw(fake: FakeReddit) -> None:
    fake.fail_next(503, body={"message": "Service Unavailable", "error": 503}, path="/api/submit")
    started = time.monotonic()
    with pytest.raises(AmbiguousError) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert info.value.retryable and info.value.status == 503
    assert len(submits(fake)) == 1 and time.monotonic() - started < 2


def test_5xx_before_submitting_is_plainly_transient(fake: FakeReddit) -> None:
    fake.fail_next(500, body={"message": "Internal Server Error", "error": 500}, path="/api/v1/test/post_requirements")
    with pytest.raises(TransientError) as info:
        channel(fake).publish(link_post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError) and submits(fake) == []


def test_dropped_connection_on_submit_is_ambiguous(fake: FakeReddit) -> None:
    fake.fail_next(0, path="/api/submit")
    with pytest.raises(AmbiguousError):
        channel(fake).publish(link_post(), idempotency_key="k1")


@pytest.mark.parametrize("processed", [True, False], ids=["reddit-posted-it", "reddit-never-saw-it"])
def test_timeout_on_submit_is_ambiguous_and_reconcile_tells_which(fake: FakeReddit, processed: bool) -> None:
    """praw gives up waiting for /api/submit: the post may exist, so it is checked, never resent blindly."""
    fake.hang(1.5, path="/api/submit", process=processed)
    started = time.monotonic()
    with pytest.raises(AmbiguousError, match="ReadTimeout.*may or may not exist"):
        channel(fake, timeout=0.3).publish(link_post(), idempotency_key="k1")
    assert time.monotonic() - started < 1.4  # our timeout, not prawcore's 16 s, and no retry by praw
    assert len(submits(fake)) == 1
    got = channel(fake).reconcile(link_post(), idempotency_key="k1")
    if processed:
        assert got.outcome is Recovery.PUBLISHED and got.result.remote_id == fake.published[0]["id"]
    else:
        assert got.outcome is Recovery.NOT_PUBLISHED and fake.published == []


@pytest.mark.parametrize("path", ["/api/v1/access_token", "/api/v1/test/post_requirements"])
def test_timeout_before_submitting_is_plainly_transient(fake: FakeReddit, path: str) -> None:
    fake.hang(1.5, path=path)
    with pytest.raises(TransientError, match="ReadTimeout") as info:
        channel(fake, timeout=0.3).publish(link_post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError) and submits(fake) == []


def test_timeout_while_checking_is_unknown_not_a_resend(fake: FakeReddit) -> None:
    fake.hang(1.5, path=f"/user/{fake.username}/submitted")
    got = channel(fake, timeout=0.3).reconcile(link_post(), idempotency_key="k1")
    assert got.outcome is Recovery.UNKNOWN and "ReadTimeout" in got.detail


def test_unreachable_server_is_transient_not_ambiguous(fake: FakeReddit) -> None:
    settings = fake.settings()
    fake.stop()
    with pytest.raises(TransientError) as info:
        RedditChannel(settings, environ={}).publish(link_post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError)


# --------------------------------------------------------------------------- crash recovery


def test_reconcile_finds_the_post_among_the_newest_submissions(fake: FakeReddit) -> None:
    fake.add_submission("test", "Unrelated", url="https://example.com/other")
    existing = fake.add_submission("test", "How writers earn links", url=LINK)
    got = channel(fake).reconcile(link_post(), idempotency_key="k1")
    assert got.outcome is Recovery.PUBLISHED and got.result is not None
    assert got.result.remote_id == existing["id"]
    assert any(r.path == f"/user/{fake.username}/submitted" and r.query["limit"] == ["25"] for r in fake.requests)


def test_reconcile_self_post(fake: FakeReddit) -> None:
    post = Post("reddit", "body", title="Self title", target="r/test")
    assert channel(fake).reconcile(post, idempotency_key="k").outcome is Recovery.NOT_PUBLISHED
    channel(fake).publish(post, idempotency_key="k")
    assert channel(fake).reconcile(post, idempotency_key="k").outcome is Recovery.PUBLISHED


def test_reconcile_does_not_match_other_subreddits_titles_or_links(fake: FakeReddit) -> None:
    fake.add_subreddit("other")
    fake.add_submission("other", "How writers earn links", url=LINK)
    fake.add_submission("test", "Another title", url=LINK)
    fake.add_submission("test", "How writers earn links", url="https://example.com/different")
    got = channel(fake).reconcile(link_post(), idempotency_key="k1")
    assert got.outcome is Recovery.NOT_PUBLISHED


def test_reconcile_ignores_an_older_share_of_the_same_post(fake: FakeReddit) -> None:
    fake.add_submission("test", "How writers earn links", url=LINK, age=30 * 86400)
    assert channel(fake).reconcile(link_post(), idempotency_key="k1").outcome is Recovery.NOT_PUBLISHED
    assert channel(fake, reconcile_days=60).reconcile(link_post(), idempotency_key="k1").outcome is Recovery.PUBLISHED


def test_reconcile_is_unknown_when_the_check_fails(fake: FakeReddit) -> None:
    fake.fail_next(500, body={"error": 500}, path="/user/")
    got = channel(fake).reconcile(link_post(), idempotency_key="k1")
    assert got.outcome is Recovery.UNKNOWN and "500" in got.detail


def test_self_promotion_share_of_the_account_activity(fake: FakeReddit) -> None:
    fake.add_submission("test", "Mine", url="https://www.example.com/a")
    fake.add_submission("test", "Mine too", url="https://blog.example.com/b")
    fake.add_submission("test", "Other", url="https://notexample.com/c")
    fake.add_submission("test", "Text post")
    fake.add_comment("Great point, thanks")
    fake.add_comment("I wrote about it: https://example.com/a")
    fake.add_comment("Not mine: https://example.com/a", author="someone_else")
    fake.add_comment("See notexample.com/x")
    assert channel(fake).self_promotion("example.com") == (3, 7)
    assert channel(fake).self_promotion("www.example.com") == (3, 7)


# --------------------------------------------------------------------------- credentials and secrets


def test_missing_credentials_name_the_environment_variable() -> None:
    ch = RedditChannel({"client_id": "id", "client_secret": "s", "username": "u"}, environ={})
    with pytest.raises(MissingCredentials, match="ASSIST_REDDIT_PASSWORD"):
        ch.publish(link_post(), idempotency_key="k1")
    assert ch.reconcile(link_post(), idempotency_key="k1").outcome is Recovery.UNKNOWN


def test_credentials_from_the_environment(fake: FakeReddit) -> None:
    env = {"ASSIST_REDDIT_CLIENT_ID": fake.client_id, "ASSIST_REDDIT_CLIENT_SECRET": fake.client_secret,
           "ASSIST_REDDIT_USERNAME": fake.username, "ASSIST_REDDIT_PASSWORD": fake.password}
    ch = RedditChannel({"oauth_url": fake.url, "reddit_url": fake.url, "timeout": 3}, environ=env)
    assert ch.missing_credentials() == []
    ch.publish(link_post(), idempotency_key="k1")
    assert len(fake.published) == 1


def test_configured_from_the_config_file_and_environment(
        fake: FakeReddit, assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (assist_home / "config.toml").write_text(
        f'[channels.reddit]\noauth_url = "{fake.url}"\nreddit_url = "{fake.url}"\ntimeout = 3\n'
        f'username = "{fake.username}"\n\n[channels.reddit.flairs]\nSEO = "f-1"\n')
    monkeypatch.setenv("ASSIST_REDDIT_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("ASSIST_REDDIT_CLIENT_SECRET", fake.client_secret)
    monkeypatch.setenv("ASSIST_REDDIT_PASSWORD", fake.password)
    fake.add_subreddit("SEO", flair_required=True, flairs=[{"id": "f-1", "text": "Discussion"}])
    ch = get_channel("reddit")
    assert isinstance(ch, RedditChannel)
    ch.publish(link_post(target=ch.parse_target("SEO")), idempotency_key="k1")
    assert fake.published[-1]["form"]["flair_id"] == "f-1"


def test_secrets_never_reach_exception_text_or_logs(fake: FakeReddit, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []
    ch = channel(fake)
    ch.publish(link_post(), idempotency_key="k0")
    for status in (401, 429, 500, 0):
        fake.fail_next(status, headers=UNAUTHORIZED_HEADERS if status == 401 else {}, times=2, path="/api/submit")
        try:
            ch.publish(link_post(url=LINK + f"&s={status}"), idempotency_key="k1")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{exc!r} {exc}")
    for bad in (channel(fake, password="pw-" + fake.password), channel(fake, client_secret="cs-" + fake.client_secret)):
        try:
            bad.publish(link_post(), idempotency_key="k2")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{exc!r} {exc}")
    tokens = list(fake.tokens)
    assert len(errors) == 6 and tokens
    everything = caplog.text + "\n".join(errors)
    for secret in (fake.password, fake.client_secret, *tokens):
        assert secret not in everything


# --------------------------------------------------------------------------- the plugin itself




# --------------------------------------------------------------------------- the contract kit


class TestRedditContract(ChannelContract):
    lazy_imports = ("praw", "prawcore")  # importing the plugin must not import its client library
    target = "r/test"

    # fake: the module's fixture
    @pytest.fixture
    def channel(self, fake: FakeReddit) -> RedditChannel:
        return RedditChannel(fake.settings(), environ={})
