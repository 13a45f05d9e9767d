"""The Bluesky channel driving the real atproto client over HTTP against a loopback PDS."""

from __future__ import annotations

import json
import logging
import stat
import time
from pathlib import Path

import pytest
from assist_bluesky.testing import FakeBluesky, check_post

from assistant.channels import (
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

assist_bluesky = pytest.importorskip("assist_bluesky")
BlueskyChannel = assist_bluesky.BlueskyChannel

LINK = "https://example.com/posts/earning-links?utm_source=bluesky&utm_medium=social"
FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # one grapheme, 25 bytes
THUMB = "\U0001F44D\U0001F3FD"  # thumbs up with a skin tone: one grapheme, 8 bytes


fake = fake_fixture(FakeBluesky)


def channel(fake: FakeBluesky, **settings: object) -> BlueskyChannel:
    return BlueskyChannel(fake.settings(**settings), environ={})


def post(text: str = f"How writers earn links {LINK}", **kw: object) -> Post:
    return Post(**{"channel": "bluesky", "text": text, "url": LINK, "title": "Earning links", **kw})


def creates(fake: FakeBluesky) -> list:
    return [r for r in fake.requests if r.path.endswith("com.atproto.repo.createRecord")]


# --------------------------------------------------------------------------- length


def test_length_counts_graphemes() -> None:
    ch = BlueskyChannel({}, environ={})
    assert ch.length(FAMILY) == 1 and ch.length(THUMB) == 1
    assert ch.length("日本語") == 3 and ch.length("e\u0301") == 1
    assert ch.limits().max_length == 300


def test_grapheme_limit_with_cjk() -> None:
    ch = BlueskyChannel({}, environ={})
    assert ch.validate(post("日" * 300, url=None)) == []
    problems = ch.validate(post("日" * 301, url=None))
    assert len(problems) == 1 and "301 characters" in problems[0] and "300" in problems[0]


def test_byte_limit_with_emoji() -> None:
    ch = BlueskyChannel({}, environ={})
    text = FAMILY * 121  # 121 graphemes but 3,025 bytes
    problems = ch.validate(post(text, url=None))
    assert problems == [f"bluesky: text is {len(text.encode())} bytes in UTF-8; the limit is 3000"]
    assert ch.validate(post(FAMILY * 120, url=None)) == []  # 3,000 bytes exactly


def test_a_post_at_the_limits_is_accepted_by_the_server(fake: FakeBluesky) -> None:
    text = FAMILY * 60 + THUMB * 100 + "語" * 139 + "!"  # 300 graphemes, 1,500+800+417+1 bytes
    ch = channel(fake)
    assert ch.validate(post(text, url=None)) == []
    ch.publish(post(text, url=None), idempotency_key="k1")
    assert fake.published[-1]["value"]["text"] == text


def test_over_the_limit_is_refused_before_sending(fake: FakeBluesky) -> None:
    with pytest.raises(PermanentError, match="nothing was published"):
        channel(fake).publish(post("語" * 301, url=None), idempotency_key="k1")
    assert fake.requests == []


def test_long_links_are_shortened_for_display_and_counted_so() -> None:
    ch = BlueskyChannel({}, environ={})
    shown = ch.render(post())
    assert shown == "How writers earn links example.com/posts/earnin..."  # as the Bluesky app shows it
    assert ch.length(shown) == len(shown)
    full = BlueskyChannel({"shorten_links": False}, environ={}).render(post())
    assert full == post().text


# --------------------------------------------------------------------------- facets and card


def test_link_facet_byte_offsets_after_non_ascii_text(fake: FakeBluesky) -> None:
    prefix = f"Café ☕ 日本語 {FAMILY} → "
    text = f"{prefix}https://example.com/a. Read it!"
    channel(fake).publish(post(text, url="https://example.com/a"), idempotency_key="k1")
    record = fake.published[-1]["value"]
    assert record["text"] == f"{prefix}example.com/a. Read it!"  # short links lose only the scheme
    (facet,) = record["facets"]
    data = record["text"].encode("utf-8")
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert start == len(prefix.encode("utf-8")) and start != len(prefix)
    assert data[start:end].decode() == "example.com/a"  # the period stays outside
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/a"}]
    channel(fake, shorten_links=False).publish(post(text, url="https://example.com/a"), idempotency_key="k2")
    record = fake.published[-1]["value"]
    index = record["facets"][0]["index"]
    assert record["text"] == text and index["byteStart"] == start
    assert text.encode()[index["byteStart"]:index["byteEnd"]].decode() == "https://example.com/a"


def test_shortened_link_facet_points_at_the_full_url(fake: FakeBluesky) -> None:
    text = f"日本語 {LINK} #SEO #2024 and https://example.org/x#frag"
    channel(fake).publish(post(text), idempotency_key="k1")
    record = fake.published[-1]["value"]
    data = record["text"].encode()
    links = [f for f in record["facets"] if f["features"][0]["$type"].endswith("#link")]
    tags = [f for f in record["facets"] if f["features"][0]["$type"].endswith("#tag")]
    assert [f["features"][0]["uri"] for f in links] == [LINK, "https://example.org/x#frag"]
    first = links[0]["index"]
    assert data[first["byteStart"]:first["byteEnd"]].decode() == "example.com/posts/earnin..."
    assert [f["features"][0]["tag"] for f in tags] == ["SEO"]  # "#2024" and "#frag" are not tags
    assert BlueskyChannel({}, environ={}).rich_text("#" + "a" * 65)[1] == []  # too long for a tag
    tag = tags[0]["index"]
    assert data[tag["byteStart"]:tag["byteEnd"]].decode() == "#SEO"
    starts = [f["index"]["byteStart"] for f in record["facets"]]
    assert starts == sorted(starts)


def test_the_fake_refuses_facets_with_character_offsets() -> None:
    text = "日本語 https://example.com"
    wrong = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-01-01T00:00:00Z", "facets": [{
        "index": {"byteStart": 4, "byteEnd": len(text)},  # character offsets, as a naive client would
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}]}]}
    assert "facets/0" in (check_post(wrong) or "")


def test_link_card_from_title_and_options(fake: FakeBluesky) -> None:
    channel(fake).publish(post(options={"card_description": "Five ways to earn links"}), idempotency_key="k1")
    embed = fake.published[-1]["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    assert embed["external"]["uri"] == LINK
    assert embed["external"]["title"] == "Earning links"
    assert embed["external"]["description"] == "Five ways to earn links"


def test_no_card_without_a_url_or_when_switched_off(fake: FakeBluesky) -> None:
    ch = channel(fake)
    ch.publish(post("just words", url=None), idempotency_key="k1")
    assert "embed" not in fake.published[-1]["value"] and "facets" not in fake.published[-1]["value"]
    ch.publish(post(options={"card": "false"}), idempotency_key="k2")
    assert "embed" not in fake.published[-1]["value"]


def test_publish_result_is_the_at_uri_and_web_url(fake: FakeBluesky) -> None:
    result = channel(fake).publish(post(), idempotency_key="k1")
    stored = fake.published[-1]
    assert result.remote_id == stored["uri"] and result.remote_id.startswith(f"at://{fake.did}/app.bsky.feed.post/")
    assert result.url == f"https://bsky.app/profile/{fake.user_handle}/post/{stored['rkey']}"


# --------------------------------------------------------------------------- the session


def test_session_is_saved_0600_and_reused_by_the_next_instance(fake: FakeBluesky) -> None:
    first = channel(fake)
    first.publish(post(), idempotency_key="k1")
    path = first.session_path()
    assert path.name == f"bluesky-{fake.user_handle}.session"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    saved = json.loads(path.read_text())
    assert saved["base_url"] == fake.url and fake.did in saved["session"]
    second = channel(fake)
    second.publish(post("another post"), idempotency_key="k2")
    assert fake.create_session_calls == 1 and len(fake.published) == 2


def test_expiring_access_token_is_refreshed_and_the_new_session_saved(fake: FakeBluesky) -> None:
    fake.access_ttl = 60  # atproto refreshes tokens that expire within 15 minutes
    channel(fake).publish(post(), idempotency_key="k1")
    refreshes = fake.refresh_session_calls
    assert refreshes >= 1
    # refresh tokens are single use: the second instance only works if the refreshed session was saved
    channel(fake).publish(post("second"), idempotency_key="k2")
    assert fake.create_session_calls == 1 and fake.refresh_session_calls > refreshes
    assert len(fake.published) == 2


def test_refused_access_token_is_refreshed_once(fake: FakeBluesky) -> None:
    ch = channel(fake)
    ch.publish(post(), idempotency_key="k1")
    fake.revoke_access()
    ch.publish(post("second"), idempotency_key="k2")
    assert fake.refresh_session_calls == 1 and fake.create_session_calls == 1
    assert len(fake.published) == 2 and len(creates(fake)) == 3


def test_session_refreshed_by_another_process_is_picked_up(fake: FakeBluesky) -> None:
    first = channel(fake)
    first.publish(post(), idempotency_key="k1")
    second = channel(fake)  # another worker process, holding the same saved session
    second.publish(post("second"), idempotency_key="k2")
    fake.revoke_access()
    first.publish(post("third"), idempotency_key="k3")  # refreshes: the old refresh token is now spent
    second.publish(post("fourth"), idempotency_key="k4")  # must take the saved session, not log in again
    assert fake.create_session_calls == 1 and fake.refresh_session_calls == 1 and len(fake.published) == 4


def test_dead_session_falls_back_to_a_new_login(fake: FakeBluesky) -> None:
    channel(fake).publish(post(), idempotency_key="k1")
    fake.revoke_all()
    channel(fake).publish(post("second"), idempotency_key="k2")
    assert fake.create_session_calls == 2 and len(fake.published) == 2


def test_session_saved_for_another_server_is_ignored(fake: FakeBluesky) -> None:
    channel(fake).publish(post(), idempotency_key="k1")
    with FakeBluesky() as other:
        other.user_handle, other.app_password = fake.user_handle, fake.app_password
        channel(other).publish(post(), idempotency_key="k1")
        assert other.create_session_calls == 1 and len(other.published) == 1


def test_calls_go_to_the_accounts_pds_named_in_the_login_answer(fake: FakeBluesky) -> None:
    # As recorded: bsky.social logs the account in and answers with a DID document naming the
    # account's own PDS; every later call (posting, refreshing, the check) must go there.
    with FakeBluesky(pds=fake) as entryway:
        entryway.user_handle, entryway.app_password = fake.user_handle, fake.app_password
        ch = BlueskyChannel(entryway.settings(), environ={})
        ch.publish(post(), idempotency_key="k1")
        assert [r.path for r in entryway.requests] == ["/xrpc/com.atproto.server.createSession"]
        assert len(fake.published) == 1 and len(creates(fake)) == 1
        fake.revoke_access()  # refused at the PDS: refreshed there
        ch.publish(post("second"), idempotency_key="k2")
        assert fake.refresh_session_calls == 1 and len(fake.published) == 2
        # the next instance takes the saved session, which names the PDS: straight there
        BlueskyChannel(entryway.settings(), environ={}).publish(post("third"), idempotency_key="k3")
        got = BlueskyChannel(entryway.settings(), environ={}).reconcile(post(), idempotency_key="k1")
        assert got.outcome is Recovery.PUBLISHED and len(fake.published) == 3
        assert len(entryway.requests) == 1 and fake.create_session_calls == 0


def test_persistent_401_is_an_auth_error(fake: FakeBluesky) -> None:
    fake.fail_next(401, body={"error": "AuthenticationRequired", "message": "Authentication Required"},
                   times=2, path="/xrpc/com.atproto.repo.createRecord")
    with pytest.raises(AuthError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert info.value.status == 401 and fake.published == [] and len(creates(fake)) == 2


def test_wrong_app_password_is_an_auth_error_without_the_password(fake: FakeBluesky) -> None:
    with pytest.raises(AuthError, match="ASSIST_BLUESKY_APP_PASSWORD") as info:
        channel(fake, app_password="wrong-pass-9876").publish(post(), idempotency_key="k1")
    assert "wrong-pass-9876" not in str(info.value) and not info.value.retryable


# --------------------------------------------------------------------------- errors


def test_429_is_rate_limited_until_the_reset_time(fake: FakeBluesky) -> None:
    fake.rate_limit_next("com.atproto.repo.createRecord", reset_in=120)
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert 115 <= info.value.retry_after <= 120 and info.value.status == 429
    assert fake.published == []


def test_429_on_create_session_is_rate_limited(fake: FakeBluesky) -> None:
    fake.rate_limit_next("com.atproto.server.createSession", reset_in=300)
    with pytest.raises(RateLimited) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert 295 <= info.value.retry_after <= 300 and creates(fake) == []


@pytest.mark.parametrize("status", [400, 404, 413])
def test_other_4xx_is_permanent_and_nothing_was_published(fake: FakeBluesky, status: int) -> None:
    fake.fail_next(status, body={"error": "InvalidRequest", "message": "Invalid record"},
                   path="/xrpc/com.atproto.repo.createRecord")
    with pytest.raises(PermanentError, match="nothing was published") as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, TransientError | AuthError) and info.value.status == status
    assert "Invalid record" in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_on_create_is_ambiguous(fake: FakeBluesky, status: int) -> None:
    fake.fail_next(status, body={"error": "InternalServerError", "message": "Internal Server Error"},
                   path="/xrpc/com.atproto.repo.createRecord")
    with pytest.raises(AmbiguousError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert info.value.retryable and info.value.status == status and len(creates(fake)) == 1


def test_5xx_while_logging_in_is_plainly_transient(fake: FakeBluesky) -> None:
    fake.fail_next(503, body={"error": "InternalServerError"}, path="/xrpc/com.atproto.server.createSession")
    with pytest.raises(TransientError) as info:
        channel(fake).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError) and creates(fake) == []


def test_dropped_connection_on_create_is_ambiguous(fake: FakeBluesky) -> None:
    fake.fail_next(0, path="/xrpc/com.atproto.repo.createRecord")
    with pytest.raises(AmbiguousError):
        channel(fake).publish(post(), idempotency_key="k1")


def test_timeout_on_create_is_ambiguous_and_reconcile_then_finds_the_post(fake: FakeBluesky) -> None:
    fake.delays["com.atproto.repo.createRecord"] = 0.6
    ch = channel(fake, timeout=0.2)
    with pytest.raises(AmbiguousError, match="may or may not"):
        ch.publish(post(), idempotency_key="k1")
    deadline = time.monotonic() + 3
    while not fake.published and time.monotonic() < deadline:
        time.sleep(0.05)
    got = channel(fake).reconcile(post(), idempotency_key="k1")
    assert got.outcome is Recovery.PUBLISHED and got.result.remote_id == fake.published[-1]["uri"]


def test_unreachable_server_is_transient_not_ambiguous(fake: FakeBluesky) -> None:
    settings = fake.settings()
    fake.stop()
    with pytest.raises(TransientError) as info:
        BlueskyChannel(settings, environ={}).publish(post(), idempotency_key="k1")
    assert not isinstance(info.value, AmbiguousError)


# --------------------------------------------------------------------------- crash recovery


def test_reconcile_finds_a_published_post(fake: FakeBluesky) -> None:
    fake.add_record("something else")
    result = channel(fake).publish(post(), idempotency_key="k1")
    fake.add_record("a later post")
    got = channel(fake).reconcile(post(), idempotency_key="k1")
    assert got.outcome is Recovery.PUBLISHED and got.result == result


def test_reconcile_not_published(fake: FakeBluesky) -> None:
    fake.add_record("How writers earn links example.com/posts/earnin...")  # same text, no link to LINK
    fake.add_record("unrelated")
    got = channel(fake).reconcile(post(), idempotency_key="k1")
    assert got.outcome is Recovery.NOT_PUBLISHED
    assert any(r.path.endswith("com.atproto.repo.listRecords") and r.query["collection"] == ["app.bsky.feed.post"]
               for r in fake.requests)


def test_reconcile_ignores_an_older_share_of_the_same_post(fake: FakeBluesky) -> None:
    ch = channel(fake)
    text, facets = ch.rich_text(post().text)
    embed = {"$type": "app.bsky.embed.external", "external": {"uri": LINK, "title": "", "description": ""}}
    fake.add_record(text, facets=facets, embed=embed, createdAt="2020-01-01T00:00:00.000Z")
    assert ch.reconcile(post(), idempotency_key="k1").outcome is Recovery.NOT_PUBLISHED
    fake.add_record(text, facets=facets, embed=embed)  # the same, made now
    assert ch.reconcile(post(), idempotency_key="k1").outcome is Recovery.PUBLISHED


def test_reconcile_unknown_when_the_check_fails(fake: FakeBluesky) -> None:
    fake.fail_next(500, body={"error": "InternalServerError"}, path="/xrpc/com.atproto.repo.listRecords")
    got = channel(fake).reconcile(post(), idempotency_key="k1")
    assert got.outcome is Recovery.UNKNOWN and "500" in got.detail


# --------------------------------------------------------------------------- credentials and secrets


def test_missing_credentials_name_the_environment_variable() -> None:
    ch = BlueskyChannel({"handle": "me.bsky.social"}, environ={})
    with pytest.raises(MissingCredentials, match="ASSIST_BLUESKY_APP_PASSWORD"):
        ch.publish(post(), idempotency_key="k1")
    assert ch.reconcile(post(), idempotency_key="k1").outcome is Recovery.UNKNOWN


def test_credentials_from_the_environment(fake: FakeBluesky) -> None:
    env = {"ASSIST_BLUESKY_HANDLE": fake.user_handle, "ASSIST_BLUESKY_APP_PASSWORD": fake.app_password}
    ch = BlueskyChannel({"base_url": fake.url, "timeout": 3}, environ=env)
    ch.publish(post(), idempotency_key="k1")
    assert len(fake.published) == 1


def test_configured_from_the_config_file_and_environment(
        fake: FakeBluesky, assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (assist_home / "config.toml").write_text(
        f'[channels.bluesky]\nbase_url = "{fake.url}"\ntimeout = 3\nhandle = "{fake.user_handle}"\n'
        'langs = ["en", "fr"]\n')
    monkeypatch.setenv("ASSIST_BLUESKY_APP_PASSWORD", fake.app_password)
    ch = get_channel("bluesky")
    ch.publish(post(), idempotency_key="k1")
    assert fake.published[-1]["value"]["langs"] == ["en", "fr"]
    assert ch.session_path().parent == assist_home / "sessions"


def test_secrets_never_reach_exception_text_or_logs(fake: FakeBluesky, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []
    ch = channel(fake)
    ch.publish(post(), idempotency_key="k0")
    fake.revoke_access()
    ch.publish(post("after a refresh"), idempotency_key="k1")
    for status in (400, 401, 429, 500, 0):
        fake.fail_next(status, body={"error": "X", "message": "failed"}, times=2,
                       path="/xrpc/com.atproto.repo.createRecord")
        try:
            ch.publish(post(f"status {status}"), idempotency_key="k2")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{exc!r} {exc}")
    try:
        channel(fake, app_password="x" + fake.app_password).publish(post(), idempotency_key="k3")
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{exc!r} {exc}")
    assert len(errors) == 6
    everything = caplog.text + "\n".join(errors)
    for secret in (fake.app_password, *fake.access, *fake.refresh):
        assert secret not in everything


# --------------------------------------------------------------------------- the plugin itself




# --------------------------------------------------------------------------- the contract kit


class TestBlueskyContract(ChannelContract):
    lazy_imports = ("atproto",)  # importing the plugin must not import its client library
    # fake: the module's fixture
    @pytest.fixture
    def channel(self, fake: FakeBluesky) -> BlueskyChannel:
        return BlueskyChannel(fake.settings(), environ={})
