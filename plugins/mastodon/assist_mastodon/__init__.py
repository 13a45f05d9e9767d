"""Mastodon channel for assist: a status through Mastodon.py, sent with an ``Idempotency-Key``.

Mastodon.py is imported inside methods only, so loading this plugin (``assist --help``) stays cheap.
The client is built with ``version_check_mode="none"`` and a fixed ``mastodon_version`` (older
Mastodon.py versions otherwise ask the instance for its version on construction) and with
``ratelimit_method="throw"`` (it would sleep until the reset otherwise: the queue reschedules).
The server keeps an Idempotency-Key for an hour (``PostStatusService``: ``redis.setex(idempotency_key,
3_600, ...)``), so a status resent with the same key within that hour is not posted twice: the
channel is ``idempotent`` with an ``idempotency_window`` of an hour. After it, only the look-up of
the account's statuses tells: when it fails, the post is left ``unknown`` for the user.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import assistant
from assistant.channels import (
    AmbiguousError,
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
    network_error,
    option_flag,
    run_translated,
)

DEFAULT_MAX_CHARACTERS = 500
DEFAULT_URL_LENGTH = 23  # characters_reserved_per_url
UNCHECKED_LENGTH = 1_000_000  # limits not known yet while publishing: left to the server
DEFAULT_TIMEOUT = 20.0
INSTANCE_TIMEOUT = 5.0  # limits() may ask the instance while composing: keep that short
INSTANCE_CACHE_SECONDS = 24 * 3600
INSTANCE_RETRY_SECONDS = 600
ASSUMED_VERSION = "4.0.0"  # only used by Mastodon.py's version checks, which are off
RECONCILE_DEPTH = 40
RECONCILE_DAYS = 7
IDEMPOTENCY_KEY_SECONDS = 3600  # how long the server keeps an Idempotency-Key
CLOCK_SLACK = 600  # the look-up also reaches this far before the first attempt (the server's clock may differ)
VISIBILITIES = ("public", "unlisted", "private", "direct")
URL_RE = re.compile(
    r"(?<![a-z0-9@$#])https?://[^\s/?#<>\"'`()]*[^\s/?#<>\"'`().,:;!?]"
    r"(?:[/?#](?:(?:[^\s<>\"'`()]|\([^\s()]*\))*(?:[^\s<>\"'`().,:;!?\]}]|\([^\s()]*\)))?)*",
    re.IGNORECASE,
)
# Mastodon's Account::MENTION_RE: @user@domain counts as @user
MENTION_RE = re.compile(r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@\w+(?:[.-]+\w+)*)?", re.IGNORECASE)

_instance_cache: dict[str, tuple[float, int, int]] = {}  # base URL -> (valid until, max chars, URL length)
_cache_lock = threading.Lock()


class MastodonChannel(Channel):
    """A status of up to the instance's ``max_characters`` (500 by default) on a Mastodon server."""

    name = "mastodon"
    rate_limit = (150, "5m")  # mastodon.social's default for statuses; servers vary
    hashtags = 3  # hashtags are how Mastodon posts are found
    description = "Statuses on a Mastodon server (Mastodon.py), sent with an Idempotency-Key"
    credentials = (
        Credential("access_token", "ASSIST_MASTODON_ACCESS_TOKEN",
                   help="an access token with the write:statuses scope (Preferences > Development)"),
        Credential("api_base_url", "ASSIST_MASTODON_API_BASE_URL", secret=False,
                   help="your server, e.g. https://mastodon.social"),
    )
    idempotent = True
    idempotency_window = IDEMPOTENCY_KEY_SECONDS

    def __init__(self, settings: Any = None, environ: Any = None) -> None:
        super().__init__(settings, environ)
        self._api: Any = None
        self._offline = False  # set while publishing: no extra request for the instance's limits

    # -- measuring and checking
    def limits(self) -> Limits:
        max_chars, url_length = self.instance_limits()
        return Limits(
            max_length=max_chars,
            url_length=url_length,
            notes=f"{max_chars} characters (the server's max_characters) counted as graphemes; every link "
            f"counts {url_length}, @user@domain counts as @user; a content warning counts too",
        )

    def length(self, text: str) -> int:
        return mastodon_length(text, url_length=self.instance_limits()[1])

    def render(self, post: Post) -> str:
        """The status as sent: the text, with the post's URL appended when the text lacks it."""
        text = post.text.strip()
        if post.url and post.url.strip() not in text:
            text = f"{text}\n\n{post.url.strip()}" if text else post.url.strip()
        return text

    def validate(self, post: Post) -> list[str]:
        problems = super().validate(post)
        limits = self.limits()
        spoiler = str(post.options.get("spoiler_text") or "")
        if spoiler:
            size = self.length(self.render(post)) + mastodon_length(spoiler, url_length=0, entities=False)
            if size > limits.max_length:
                problems.append(f"mastodon: text and content warning are {size} characters together; "
                                f"the limit is {limits.max_length}")
        visibility = post.options.get("visibility")
        if visibility and str(visibility).lower() not in VISIBILITIES:
            problems.append(f"mastodon: visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
        if self.api_base_url() and not re.match(r"https?://[^/\s]+", self.api_base_url() or ""):
            problems.append(f"mastodon: api_base_url must be an http(s) URL, not {self.api_base_url()!r}")
        return problems

    def instance_limits(self) -> tuple[int, int]:
        """The server's ``max_characters`` and ``characters_reserved_per_url`` (cached; 500/23 if unknown)."""
        configured = self.settings.get("max_characters")
        if configured:
            return int(configured), int(self.settings.get("characters_reserved_per_url", DEFAULT_URL_LENGTH))
        base = self.api_base_url()
        if not base:
            return DEFAULT_MAX_CHARACTERS, DEFAULT_URL_LENGTH
        with _cache_lock:
            cached = _instance_cache.get(base)
        if cached is not None and time.time() < cached[0]:
            return cached[1], cached[2]
        if self._offline:  # the server checks the length itself (422) when the post is sent
            return UNCHECKED_LENGTH, DEFAULT_URL_LENGTH
        found = self._fetch_instance_limits()
        # an unreachable server is asked again later, not at every length() of a preview
        ttl = INSTANCE_CACHE_SECONDS if found else INSTANCE_RETRY_SECONDS
        found = found or (DEFAULT_MAX_CHARACTERS, DEFAULT_URL_LENGTH)
        with _cache_lock:
            _instance_cache[base] = (time.time() + ttl, *found)
        return found

    def api_base_url(self) -> str | None:
        """The server's base URL (``https://`` is assumed when no scheme is given)."""
        value = (self.credential("api_base_url") or "").strip().rstrip("/")
        if value and "://" not in value:
            value = "https://" + value
        return value or None

    # -- publishing
    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        self._offline = True
        try:
            problems = self.validate(post)
        finally:
            self._offline = False
        if problems:
            raise PermanentError("; ".join(problems))
        api = self._client()
        options = post.options
        visibility = str(options["visibility"]).lower() if options.get("visibility") else None
        # Only what the user set is sent (Mastodon.py leaves out None): the rest follows the
        # account's defaults ("always mark media as sensitive", default visibility and language).
        sensitive = option_flag(options["sensitive"], False) if options.get("sensitive") not in (None, "") else None
        self.fence()  # the post must still be this worker's: the next request creates it
        status = self._call(api, lambda: api.status_post(
            self.render(post),
            visibility=visibility,
            spoiler_text=str(options["spoiler_text"]) if options.get("spoiler_text") else None,
            language=str(options["language"]) if options.get("language") else None,
            sensitive=sensitive,
            idempotency_key=idempotency_key,
        ), sending=True)
        status_id = status.get("id") if hasattr(status, "get") else None
        if not status_id:
            raise AmbiguousError("mastodon: the answer holds no status id; the status may or may not exist")
        url = status.get("url") or status.get("uri")
        return PublishResult(remote_id=str(status_id), url=str(url) if url else None)

    def reconcile(self, post: Post, *, idempotency_key: str, in_flight_since: float | None = None) -> Reconciled:
        """Look for the status among the account's newest; if absent, resend with the same key.

        When the look-up fails, resending is safe only while the server still has the key of the
        earliest attempt (``in_flight_since``): within the hour, less a margin. Later, or when it is
        not known, the post is left ``unknown``: a resend could post it a second time.
        """
        try:
            api = self._client()
            found = self._call(api, lambda: self._find(api, post, in_flight_since), sending=False)
        except ChannelError as exc:
            if self.key_still_kept(in_flight_since):
                return Reconciled(Recovery.NOT_PUBLISHED, detail=f"could not check the account ({exc}); "
                                  f"{self.key_age(in_flight_since)}, within the hour the server keeps its "
                                  "Idempotency-Key: resending with it is safe")
            return Reconciled(Recovery.UNKNOWN, detail=f"could not check the account ({exc}); "
                              f"{self.key_age(in_flight_since)} and the server keeps an Idempotency-Key for an "
                              "hour only, so resending could post it twice: look for it on your account")
        if found is not None:
            return Reconciled(Recovery.PUBLISHED, found, detail="found among the account's newest statuses")
        return Reconciled(Recovery.NOT_PUBLISHED, detail=f"not among the account's {RECONCILE_DEPTH} newest "
                          "statuses; resending with the same Idempotency-Key")

    def _find(self, api: Any, post: Post, in_flight_since: float | None = None) -> PublishResult | None:
        account = api.me()
        statuses = api.account_statuses(account["id"], limit=RECONCILE_DEPTH, exclude_reblogs=True)
        since = time.time() - float(self.settings.get("reconcile_days", RECONCILE_DAYS)) * 86400
        if in_flight_since is not None:  # a status made by an attempt older than reconcile_days is ours too
            since = min(since, in_flight_since - CLOCK_SLACK)
        wanted = _comparable(self.render(post))
        spoiler = str(post.options.get("spoiler_text") or "").strip()
        for status in statuses:
            created = _timestamp(status.get("created_at"))
            if created is not None and created < since:
                continue
            if (status.get("spoiler_text") or "").strip() == spoiler and \
                    _comparable(html_to_text(status.get("content") or "")) == wanted:
                url = status.get("url") or status.get("uri")
                return PublishResult(remote_id=str(status["id"]), url=str(url) if url else None)
        return None

    # -- helpers
    def _client(self, *, token: bool = True) -> Any:
        if token and self._api is not None:
            return self._api
        if token:
            creds = self.require_credentials()
            access_token, base = creds["access_token"], self.api_base_url()
        else:
            access_token, base = None, self.api_base_url()
        from mastodon import Mastodon

        api = Mastodon(
            access_token=access_token,
            api_base_url=base,
            request_timeout=float(self.settings.get("timeout", DEFAULT_TIMEOUT)) if token else INSTANCE_TIMEOUT,
            ratelimit_method="throw",
            version_check_mode="none",
            mastodon_version=ASSUMED_VERSION,
            user_agent=f"assist-mastodon/{assistant.__version__}",
        )
        if token:
            self._api = api
        return api

    def _fetch_instance_limits(self) -> tuple[int, int] | None:
        """Ask /api/v2/instance (then v1, for servers before 4.0); None when the server does not say."""
        try:
            api = self._api or self._client(token=False)
        except Exception:  # noqa: BLE001 - a bad base URL: fall back to the defaults
            return None
        for fetch in (api.instance_v2, api.instance_v1):
            try:
                info = fetch()
            except Exception:  # noqa: BLE001 - unreachable or not Mastodon: try the next, then defaults
                continue
            found = _limits_from(info)
            if found is not None:
                return found
        return None

    def _call(self, api: Any, action: Callable[[], Any], *, sending: bool) -> Any:
        """Run one Mastodon.py call, translating its errors into the channel's typed errors."""
        return run_translated(action, lambda exc: _translate(exc, api, sending=sending))


# --------------------------------------------------------------------------- errors


def _translate(exc: Exception, api: Any, *, sending: bool) -> ChannelError | None:
    """The typed channel error for a Mastodon.py exception (None when it is not one of theirs)."""
    from mastodon import errors as me

    if isinstance(exc, me.MastodonRatelimitError):
        reset = getattr(api, "ratelimit_reset", None)
        retry_after = max(float(reset) - time.time(), 0.0) if reset else None
        when = f"; it resets in {retry_after:.0f} s" if retry_after is not None else ""
        return RateLimited(f"mastodon: too many requests (429){when}", retry_after=retry_after)
    if isinstance(exc, me.MastodonNetworkError):
        return _network_error(exc, sending=sending)
    if isinstance(exc, me.MastodonAPIError):
        return _status_error(exc)
    if isinstance(exc, me.MastodonError):  # e.g. an illegal argument: Mastodon.py's message says which
        return PermanentError(f"mastodon: {type(exc).__name__}: {str(exc)[:300]}")
    return None


def _status_error(exc: Any) -> ChannelError:
    args = list(exc.args)
    status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    message = str(args[3]) if len(args) > 3 and args[3] else (str(args[2]) if len(args) > 2 and args[2] else "")
    suffix = f": {message}" if message else ""
    if status in (401, 403):
        return AuthError(f"mastodon: the access token was refused ({status}){suffix}; check "
                         "ASSIST_MASTODON_ACCESS_TOKEN (it needs the write:statuses scope)", status=status)
    if status is not None and status >= 500:
        return TransientError(f"mastodon: server error ({status}){suffix}", status=status)
    if status == 404:
        return PermanentError(f"mastodon: not found (404){suffix}; check ASSIST_MASTODON_API_BASE_URL",
                              status=404)
    if status is None:
        return PermanentError("mastodon: unexpected answer from the server")
    return PermanentError(f"mastodon: refused ({status}){suffix}", status=status)


def _network_error(exc: Any, *, sending: bool) -> ChannelError:
    cause = exc.__context__ or exc.__cause__  # the requests exception under MastodonNetworkError
    return network_error("mastodon", cause if cause is not None else exc, sending=sending,
                         note="resending with the same Idempotency-Key will not post twice")


# --------------------------------------------------------------------------- length


def _limits_from(info: Any) -> tuple[int, int] | None:
    """``configuration.statuses`` of a v2 (or 3.4+ v1) instance; ``max_toot_chars`` of older forks."""
    try:
        statuses = (info.get("configuration") or {}).get("statuses") or {}
        max_chars = statuses.get("max_characters") or info.get("max_toot_chars")
        url_length = statuses.get("characters_reserved_per_url") or DEFAULT_URL_LENGTH
        return (int(max_chars), int(url_length)) if max_chars else None
    except (AttributeError, TypeError, ValueError):
        return None


@functools.cache
def _cluster_re() -> Any:
    import regex

    return regex.compile(r"\X")


def mastodon_length(text: str, *, url_length: int = DEFAULT_URL_LENGTH, entities: bool = True) -> int:
    """Mastodon's StatusLengthValidator: graphemes, each http(s) link as ``url_length``, @user@domain as @user."""
    if entities:
        text = URL_RE.sub(lambda m: "x" * url_length, text)
        text = MENTION_RE.sub(lambda m: "@" + m.group(1), text)
    return len(_cluster_re().findall(text))


class _TextExtractor(HTMLParser):
    """The text a reader sees in a status's HTML: <br> a newline, a new paragraph a blank line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """Plain text of a status's ``content`` (links keep their full URL: the hidden spans hold the rest)."""
    parser = _TextExtractor()
    parser.feed(content)
    parser.close()
    return "".join(parser.parts)


def _comparable(text: str) -> str:
    """Text as compared by reconcile: mentions without their domain, whitespace collapsed."""
    text = MENTION_RE.sub(lambda m: "@" + m.group(1), text)
    return " ".join(text.split())


def _timestamp(value: Any) -> float | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


@assistant.hookimpl
def register_channels(register: Callable[[type[Channel]], None]) -> None:
    register(MastodonChannel)
