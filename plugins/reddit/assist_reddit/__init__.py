"""Reddit channel for assist: a link or text post to a subreddit, through praw.

praw is imported inside methods only, so loading this plugin (``assist --help``) stays cheap.
prawcore's own retries are switched off: the queue retries with backoff, and a blind resend of a
submit after a 5xx or a timeout could post twice. A 401 is retried once with a fresh token.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

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
    option_flag,
    run_translated,
)

T = TypeVar("T")

SUBREDDIT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")
TARGET_PREFIX_RE = re.compile(r"^(?:https?://(?:www\.|old\.|new\.)?reddit\.com)?/?r/", re.IGNORECASE)
TITLE_LIMIT = 300
TOKEN_PATH = "/api/v1/access_token"
SELFTEXT_LIMIT = 40_000
RECONCILE_DEPTH = 25
RECONCILE_DAYS = 7.0  # an older twin is an earlier share of the same post, not this one
DEFAULT_TIMEOUT = 16.0
DEFAULT_MAX_WAIT = 10.0  # longer waits asked by Reddit's rate-limit headers become RateLimited
WAIT_RE = re.compile(r"(\d+)\s*(milliseconds?|seconds?|minutes?|hours?)", re.IGNORECASE)
UNIT_SECONDS = {"millisecond": 0.001, "second": 1, "minute": 60, "hour": 3600}
HINTS = {
    "SUBREDDIT_NOEXIST": "check the subreddit name",
    "NO_SELFS": "this subreddit accepts only link posts; share with a URL",
    "NO_LINKS": "this subreddit accepts only text posts",
    "SUBMIT_VALIDATION_FLAIR_REQUIRED": "set the post option flair_id (or [channels.reddit.flairs] <subreddit> = ID)",
    "BAD_FLAIR_TEMPLATE_ID": "the flair_id is not one of this subreddit's flairs",
    "SUBREDDIT_NOTALLOWED": "the account may not post in this subreddit",
}


class _AlreadySubmitted(PermanentError):
    """Reddit's ALREADY_SUB: the link is in the subreddit already (maybe posted by someone else)."""


class RedditChannel(Channel):
    """A link post (when the post has a URL) or a text post to one subreddit."""

    name = "reddit"
    rate_limit = (20, "1m")
    number_settings = {**Channel.number_settings, "max_wait": (0.0, 3600.0)}
    hashtags = 0  # hashtags read as spam on Reddit
    # Reddit's guideline: at most about 10% of an account's activity may be its own links
    self_promotion_rule = {"ratio": 0.1, "other_activity": 0, "window": "30d"}
    templates = "templates"
    description = "Link or text posts to a subreddit (praw)"
    credentials = (
        Credential("client_id", "ASSIST_REDDIT_CLIENT_ID", help="id of your 'script' app at reddit.com/prefs/apps"),
        Credential("client_secret", "ASSIST_REDDIT_CLIENT_SECRET", help="secret of that app"),
        Credential("username", "ASSIST_REDDIT_USERNAME", secret=False, help="the Reddit account that posts"),
        Credential("password", "ASSIST_REDDIT_PASSWORD", help="that account's password"),
    )

    def __init__(self, settings: Any = None, environ: Any = None) -> None:
        super().__init__(settings, environ)
        self._reddit: Any = None

    # -- measuring and checking
    def limits(self) -> Limits:
        return Limits(
            max_length=SELFTEXT_LIMIT,
            max_title_length=TITLE_LIMIT,
            needs_title=True,
            needs_target=True,
            target_example="r/SUBREDDIT",
            notes="title <= 300 characters; a link post when the post has a URL (reposts refused), "
            "else a text post of up to 40,000 characters; some subreddits require a flair_id",
        )

    def render(self, post: Post) -> str:
        """The body sent: the text for a text post; nothing for a link post unless option body=true."""
        if post.url and not option_flag(post.options.get("body"), False):
            return ""
        return post.text

    def parse_target(self, target: str | None) -> str | None:
        """``r/NAME``, ``/r/NAME``, ``NAME`` or a subreddit URL -> ``r/NAME``."""
        if target is None or not target.strip():
            return None
        name = TARGET_PREFIX_RE.sub("", target.strip()).strip("/")
        if not SUBREDDIT_RE.match(name):
            raise ValueError(
                f"reddit: {target!r} is not a subreddit (expected r/NAME: 2-21 letters, digits or underscores)"
            )
        return f"r/{name}"

    def validate(self, post: Post) -> list[str]:
        problems = super().validate(post)
        if post.target:
            try:
                self.parse_target(post.target)
            except ValueError as exc:
                problems.append(str(exc))
        if post.url and not re.match(r"https?://\S+$", post.url.strip()):
            problems.append(f"reddit: the link must be an http(s) URL, not {post.url!r}")
        if post.options.get("flair_text") and not post.options.get("flair_id"):
            problems.append("reddit: flair_text needs a flair_id (the id of the subreddit's flair template)")
        return problems

    # -- publishing
    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(problems))
        sub = self._subreddit(post)
        reddit = self._client()
        flair_id = post.options.get("flair_id") or self._configured_flair(sub)
        if not flair_id:
            self._run(lambda: self._check_flair(reddit, sub), sub=sub, sending=False)
        try:
            submission = self._run(lambda: reddit.subreddit(sub).submit(**self._submit_args(post, flair_id)),
                                   sub=sub, sending=True)
        except _AlreadySubmitted as exc:
            found = self._run(lambda: self._find(reddit, post, sub), sub=sub, sending=False)
            if found is not None:
                raise AlreadyPublished(f"reddit: already posted to r/{sub}", remote_id=found.remote_id,
                                       url=found.url) from None
            raise PermanentError(f"{exc}: the link is in the subreddit already, not from this account lately; "
                                 "set option resubmit=true to post it again") from None
        return PublishResult(remote_id=submission.id, url=f"https://www.reddit.com/r/{sub}/comments/{submission.id}/")

    def reconcile(self, post: Post, *, idempotency_key: str) -> Reconciled:
        """Look for the title (and link) among the account's newest submissions to the subreddit."""
        try:
            sub = self._subreddit(post)
            reddit = self._client()
            found = self._run(lambda: self._find(reddit, post, sub), sub=sub, sending=False)
        except ChannelError as exc:
            return Reconciled(Recovery.UNKNOWN, detail=f"could not check Reddit: {exc}")
        if found is not None:
            return Reconciled(Recovery.PUBLISHED, found, detail="found among the account's newest submissions")
        return Reconciled(Recovery.NOT_PUBLISHED,
                          detail=f"not among the account's {RECONCILE_DEPTH} newest submissions")

    def self_promotion(self, domain: str, *, limit: int = 100) -> tuple[int, int]:
        """(items linking to ``domain``, all items) among the account's newest submissions and comments.

        Reddit's etiquette asks that self-promotion stay a small share of an account's activity.
        """
        reddit = self._client()
        needle = domain.lower().removeprefix("www.")
        mention = re.compile(rf"(?<![\w-]){re.escape(needle)}\b", re.IGNORECASE)
        user = reddit.redditor(self.credential("username"))

        def count() -> tuple[int, int]:
            promo = total = 0
            for item in user.submissions.new(limit=limit):
                total += 1
                promo += _host_matches(getattr(item, "url", ""), needle)
            for item in user.comments.new(limit=limit):
                total += 1
                promo += bool(mention.search(getattr(item, "body", "") or ""))
            return promo, total

        return self._run(count, sub="", sending=False)

    # -- helpers
    def _subreddit(self, post: Post) -> str:
        try:
            target = self.parse_target(post.target)
        except ValueError as exc:
            raise PermanentError(str(exc)) from None
        if target is None:
            raise PermanentError("reddit: a subreddit is required (--channel reddit:r/NAME)")
        return target[2:]

    def _configured_flair(self, sub: str) -> str | None:
        flairs = self.settings.get("flairs")
        if isinstance(flairs, dict):
            value = {str(k).lower(): v for k, v in flairs.items()}.get(sub.lower())
            return str(value) if value else None
        return None

    def _submit_args(self, post: Post, flair_id: str | None) -> dict[str, Any]:
        opts = post.options
        args: dict[str, Any] = {
            "title": (post.title or "").strip(),
            "nsfw": option_flag(opts.get("nsfw"), False),
            "spoiler": option_flag(opts.get("spoiler"), False),
            "send_replies": option_flag(opts.get("send_replies"), True),
        }
        if flair_id:
            args["flair_id"] = str(flair_id)
            if opts.get("flair_text"):
                args["flair_text"] = str(opts["flair_text"])
        if post.url:
            args["url"] = post.url.strip()
            args["resubmit"] = option_flag(opts.get("resubmit"), False)
            if body := self.render(post).strip():
                args["selftext"] = body
        else:
            args["selftext"] = post.text
        return args

    def _check_flair(self, reddit: Any, sub: str) -> None:
        """Refuse early, with the choices, when the subreddit requires a flair and none was given."""
        requirements = reddit.subreddit(sub).post_requirements
        if callable(requirements):
            requirements = requirements()
        if not (isinstance(requirements, dict) and requirements.get("is_flair_required")):
            return
        choices = ""
        try:
            templates = list(reddit.subreddit(sub).flair.link_templates.user_selectable())
            names = [f"{t.get('flair_text')}={t.get('flair_template_id')}" for t in templates]
            choices = f" (choices: {', '.join(names)})" if names else ""
        except Exception:  # noqa: BLE001 - the list of choices is a courtesy
            pass
        raise PermanentError(f"reddit: r/{sub} requires a post flair: set the post option flair_id "
                             f"or [channels.reddit.flairs] {sub} = ID{choices}; nothing was posted")

    def _find(self, reddit: Any, post: Post, sub: str) -> PublishResult | None:
        username = self.credential("username")
        since = time.time() - float(self.settings.get("reconcile_days", RECONCILE_DAYS)) * 86400
        for item in reddit.redditor(username).submissions.new(limit=RECONCILE_DEPTH):
            if float(getattr(item, "created_utc", 0) or 0) >= since and _matches(item, post, sub):
                return PublishResult(remote_id=item.id, url=f"https://www.reddit.com{item.permalink}")
        return None

    def _client(self) -> Any:
        if self._reddit is None:
            creds = self.require_credentials()
            import praw

            timeout = float(self.settings.get("timeout", DEFAULT_TIMEOUT))
            self._reddit = praw.Reddit(
                client_id=creds["client_id"],
                client_secret=creds["client_secret"],
                username=creds["username"],
                password=creds["password"],
                user_agent=self.settings.get("user_agent")
                or f"python:assist-reddit:{assistant.__version__} (by u/{creds['username']})",
                oauth_url=str(self.settings.get("oauth_url", "https://oauth.reddit.com")).rstrip("/"),
                reddit_url=str(self.settings.get("reddit_url", "https://www.reddit.com")).rstrip("/"),
                check_for_updates=False,
                check_for_async=False,
                ratelimit_seconds=-1,  # never sleep on a RATELIMIT answer: the queue reschedules
                requestor_class=_timed_requestor(),
                requestor_kwargs={"timeout": timeout, "fence": self.fence},
            )
            for core in (self._reddit._authorized_core, self._reddit._read_only_core):
                if core is not None:
                    core._retry_strategy_class = _no_retry_strategy()
        return self._reddit

    def _guard(self) -> None:
        """Raise RateLimited instead of letting praw sleep through a long rate-limit wait."""
        limiter = getattr(getattr(self._reddit, "_core", None), "_rate_limiter", None)
        if (stamp := getattr(limiter, "next_request_timestamp_ns", None)) is not None:
            wait = (stamp - time.monotonic_ns()) / 1e9
        elif (stamp := getattr(limiter, "next_request_timestamp", None)) is not None:  # prawcore < 3
            wait = stamp - time.time()
        else:
            return
        if wait > float(self.settings.get("max_wait", DEFAULT_MAX_WAIT)):
            raise RateLimited(f"reddit: rate limit reached; it resets in {wait:.0f} s", retry_after=wait)

    def _run(self, action: Callable[[], T], *, sub: str, sending: bool) -> T:
        """Run one praw action, translating its errors; a 401 is retried once with a new token."""
        from prawcore.exceptions import InvalidToken

        for attempt in (1, 2):
            self._guard()
            try:  # InvalidToken is left untranslated, for the retry below
                return run_translated(action, lambda exc: None if isinstance(exc, InvalidToken)
                                      else _translate(exc, sub=sub, sending=sending))
            except InvalidToken:
                if attempt == 2:
                    raise AuthError("reddit: the access token was refused twice (401); check the credentials",
                                    status=401) from None
        raise AssertionError("unreachable")


# --------------------------------------------------------------------------- error translation


def _translate(exc: Exception, *, sub: str, sending: bool) -> ChannelError | None:
    """The typed channel error for a praw/prawcore exception (None when it is not one of theirs)."""
    import prawcore.exceptions as pe
    from praw.exceptions import ClientException, RedditAPIException

    if _token_request(exc):
        # prawcore asks for a token inside the first request that needs one (the submit itself when
        # no flair check runs first): a failure there happened before anything was submitted.
        sending = False
    if isinstance(exc, RedditAPIException):
        return _api_error(exc, sub)
    if isinstance(exc, pe.OAuthException):
        said = f"{exc.error}: {exc.description}" if exc.description else exc.error
        if exc.error == "unauthorized_client":  # e.g. "Only script apps may use password auth"
            return AuthError(f"reddit: login refused ({said}); the app at https://www.reddit.com/prefs/apps"
                             " must be of type 'script' for ASSIST_REDDIT_CLIENT_ID")
        return AuthError(f"reddit: login refused ({said}); check ASSIST_REDDIT_USERNAME and "
                         "ASSIST_REDDIT_PASSWORD (accounts with two-factor auth cannot use a script app)")
    if isinstance(exc, pe.TooManyRequests):
        return RateLimited("reddit: too many requests (429)", retry_after=_reset_seconds(exc.response))
    if isinstance(exc, pe.InsufficientScope):
        return AuthError("reddit: the token lacks the scope for this action (403)", status=403)
    if isinstance(exc, pe.ResponseException):
        return _status_error(exc, sub=sub, sending=sending)
    if isinstance(exc, pe.RequestException):  # original_exception: what requests raised
        return network_error("reddit", exc.original_exception, sending=sending, action="submitting")
    if isinstance(exc, ClientException):
        return PermanentError(f"reddit: {exc}")
    return None


def _token_request(exc: Exception) -> bool:
    """Whether a prawcore error came from the token endpoint (/api/v1/access_token)."""
    response = getattr(exc, "response", None)
    if response is not None and TOKEN_PATH in (getattr(response, "url", "") or ""):
        return True
    return any(TOKEN_PATH in str(arg) for arg in getattr(exc, "request_args", None) or ())


def _status_error(exc: Any, *, sub: str, sending: bool) -> ChannelError:
    import prawcore.exceptions as pe

    status = exc.response.status_code
    if status == 429:  # the token endpoint answers 429 as a plain ResponseException
        return RateLimited("reddit: too many requests (429)", retry_after=_reset_seconds(exc.response))
    if TOKEN_PATH in (exc.response.url or "") and status in (400, 401, 403):
        return AuthError(f"reddit: the app credentials were refused ({status}); check ASSIST_REDDIT_CLIENT_ID "
                         "and ASSIST_REDDIT_CLIENT_SECRET", status=status)
    if status >= 500 or isinstance(exc, pe.BadJSON):
        if sending:
            return AmbiguousError(f"reddit: server error ({status}) while submitting; "
                                  "the post may or may not exist until checked", status=status)
        return TransientError(f"reddit: server error ({status})", status=status)
    if isinstance(exc, (pe.NotFound, pe.Redirect)):
        return PermanentError(f"reddit: r/{sub} was not found (it may be banned, private or misspelled)",
                              status=status)
    if isinstance(exc, pe.Forbidden):
        return PermanentError(f"reddit: forbidden (403): the account may not post in r/{sub} "
                              "(banned, private or restricted subreddit)", status=403)
    return PermanentError(f"reddit: request refused ({status})", status=status)


def _api_error(exc: Any, sub: str) -> ChannelError:
    items = list(exc.items)
    for item in items:
        if item.error_type == "RATELIMIT":
            return RateLimited(f"reddit: {item.message}", retry_after=parse_wait(item.message or ""), status=None)
    first = items[0]
    message = f"reddit: {first.error_type}: {first.message}" if first.message else f"reddit: {first.error_type}"
    if first.error_type == "ALREADY_SUB":
        return _AlreadySubmitted(f"{message} (r/{sub})")
    hint = HINTS.get(first.error_type)
    return PermanentError(f"{message} (r/{sub}{'; ' + hint if hint else ''})")


def parse_wait(message: str) -> float | None:
    """Seconds in Reddit's "try again in 5 minutes" / "take a break for 9 minutes and 30 seconds"."""
    parts = WAIT_RE.findall(message)
    if not parts:
        return None
    return sum(int(n) * UNIT_SECONDS[unit.lower().rstrip("s")] for n, unit in parts)


def _reset_seconds(response: Any) -> float | None:
    for header in ("retry-after", "x-ratelimit-reset"):
        value = response.headers.get(header)
        if value:
            try:
                return max(float(value), 0.0)
            except ValueError:
                continue
    return None


# --------------------------------------------------------------------------- small helpers


def _norm_url(url: str | None) -> str:
    return (url or "").strip().rstrip("/").lower()


def _host_matches(url: str, domain: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url or "").hostname or "").lower()
    return host == domain or host.endswith("." + domain)


def _matches(item: Any, post: Post, sub: str) -> bool:
    if str(item.subreddit).lower() != sub.lower() or item.title.strip() != (post.title or "").strip():
        return False
    if post.url:
        return not item.is_self and _norm_url(item.url) == _norm_url(post.url)
    return bool(item.is_self)


@functools.cache
def _timed_requestor() -> type:
    """A prawcore Requestor that applies our timeout (praw always passes prawcore's 16 s default)."""
    from prawcore import Requestor

    class TimedRequestor(Requestor):
        def __init__(self, *args: Any, fence: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fence = fence

        def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            method, url = (list(args) + [kwargs.get("method"), kwargs.get("url")])[:2]
            if self.fence is not None and str(method).upper() == "POST" and "/api/submit" in str(url):
                self.fence()  # right before the create, after the token request prawcore makes first
            return super().request(*args, timeout=self.timeout, **kwargs)

    return TimedRequestor


@functools.cache
def _no_retry_strategy() -> type:
    """A prawcore retry strategy that never retries nor sleeps (the queue owns retries)."""
    from prawcore.sessions import RetryStrategy

    class NoRetry(RetryStrategy):
        def _sleep_seconds(self) -> float | None:
            return None

        def consume_available_retry(self) -> NoRetry:
            return self

        def should_retry_on_failure(self) -> bool:
            return False

    return NoRetry


@assistant.hookimpl
def register_channels(register: Callable[[type[Channel]], None]) -> None:
    register(RedditChannel)
