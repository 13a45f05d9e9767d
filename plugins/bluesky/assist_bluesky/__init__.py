"""Bluesky channel for assist: a post with link facets and a link card, through atproto.

atproto is imported inside methods only, so loading this plugin (``assist --help``) stays cheap.
``createSession`` is limited (30 per 5 minutes), so the session (access and refresh tokens) is
saved in ``<data dir>/sessions/bluesky-<handle>.session`` (mode 0600) and reused; atproto refreshes
the access token itself when it nears expiry, and we refresh once more when the server refuses it.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    option_flag,
    run_translated,
)

BASE_URL = "https://bsky.social"
MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_TAG = 64  # graphemes
DEFAULT_TIMEOUT = 20.0
RECONCILE_DEPTH = 50
RECONCILE_DAYS = 7.0  # an older twin is an earlier share of the same post, not this one
POST_COLLECTION = "app.bsky.feed.post"
URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TAG_RE = re.compile(r"(?<!\S)#(\w*[^\W\d]\w*)")
TOKEN_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}


class _SessionRefused(AuthError):
    """The server refused the access token: refresh once, then give up."""


class BlueskyChannel(Channel):
    """A post of up to 300 graphemes; URLs become link facets and the post's URL a link card."""

    name = "bluesky"
    rate_limit = (1600, "1h")  # createRecord points: 5,000 an hour, 3 a create
    hashtags = 2
    templates = "templates"
    description = "Posts with link facets and a link card (atproto)"
    aliases = ("bsky",)
    credentials = (
        Credential("handle", "ASSIST_BLUESKY_HANDLE", secret=False, help="your handle, e.g. you.bsky.social"),
        Credential("app_password", "ASSIST_BLUESKY_APP_PASSWORD",
                   help="an app password from Settings > Privacy and security > App passwords"),
    )

    def __init__(self, settings: Any = None, environ: Any = None) -> None:
        super().__init__(settings, environ)
        self._client: Any = None

    # -- measuring and checking
    def limits(self) -> Limits:
        return Limits(
            max_length=MAX_GRAPHEMES,
            notes="300 graphemes and 3,000 UTF-8 bytes; links become facets (long ones shown shortened, "
            "as the Bluesky app does) and the post's URL a link card",
        )

    def length(self, text: str) -> int:
        """Graphemes (what a reader sees as one character: an emoji with modifiers counts 1)."""
        import grapheme

        return grapheme.length(text)

    def render(self, post: Post) -> str:
        return self.rich_text(post.text)[0]

    def validate(self, post: Post) -> list[str]:
        problems = super().validate(post)
        size = len(self.render(post).encode("utf-8"))
        if size > MAX_BYTES:
            problems.append(f"bluesky: text is {size} bytes in UTF-8; the limit is {MAX_BYTES}")
        if post.url and not URL_RE.fullmatch(post.url.strip()):
            problems.append(f"bluesky: the link must be an http(s) URL, not {post.url!r}")
        return problems

    def rich_text(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        """The text as sent (long links shortened for display) and its facets with UTF-8 byte offsets."""
        shorten = option_flag(self.settings.get("shorten_links"), True)
        out: list[str] = []
        facets: list[dict[str, Any]] = []
        size = 0  # bytes written so far
        last = 0
        for match in URL_RE.finditer(text):
            url = _trim_url(match.group())
            before = text[last:match.start()]
            out.append(before)
            size += len(before.encode("utf-8"))
            shown = _short_url(url) if shorten else url
            facets.append(_facet(size, size + len(shown.encode("utf-8")),
                                 {"$type": "app.bsky.richtext.facet#link", "uri": url}))
            out.append(shown)
            size += len(shown.encode("utf-8"))
            last = match.start() + len(url)
        out.append(text[last:])
        display = "".join(out)
        for match in TAG_RE.finditer(display):
            if len(match.group(1)) > MAX_TAG:
                continue  # the lexicon refuses longer tags; leave it as plain text
            start = len(display[:match.start()].encode("utf-8"))
            facets.append(_facet(start, start + len(match.group().encode("utf-8")),
                                 {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}))
        facets.sort(key=lambda f: f["index"]["byteStart"])
        return display, facets

    # -- publishing
    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        problems = self.validate(post)
        if problems:
            raise PermanentError("; ".join(problems) + "; nothing was published")
        client = self._connect()
        record = self._record(post)
        try:
            response = self._call(lambda: self._create(client, record), sending=True)
        except _SessionRefused:
            self._renew(client)
            try:
                response = self._call(lambda: self._create(client, record), sending=True)
            except _SessionRefused as exc:
                raise AuthError(f"{exc}; refused again after renewing the session", status=exc.status) from None
        return PublishResult(remote_id=response.uri, url=self._web_url(client, response.uri))

    def reconcile(self, post: Post, *, idempotency_key: str) -> Reconciled:
        """Look for the exact text (and link) among the account's newest posts."""
        try:
            client = self._connect()
            found = self._call(lambda: self._find(client, post), sending=False)
        except ChannelError as exc:
            return Reconciled(Recovery.UNKNOWN, detail=f"could not check Bluesky: {exc}")
        if found is not None:
            return Reconciled(Recovery.PUBLISHED, found, detail="found among the account's newest posts")
        return Reconciled(Recovery.NOT_PUBLISHED, detail=f"not among the account's {RECONCILE_DEPTH} newest posts")

    # -- building the record
    def _record(self, post: Post) -> Any:
        from atproto_client import models

        text, facets = self.rich_text(post.text)
        langs = post.options.get("langs") or self.settings.get("langs")
        if isinstance(langs, str):
            langs = [part.strip() for part in langs.split(",") if part.strip()]
        return models.AppBskyFeedPost.Record(
            text=text,
            created_at=time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            facets=[models.AppBskyRichtextFacet.Main.model_validate(f) for f in facets] or None,
            embed=self._card(post),
            langs=langs or None,
        )

    def _card(self, post: Post) -> Any:
        if not post.url or not option_flag(post.options.get("card"), True):
            return None
        from atproto_client import models

        opts = post.options
        return models.AppBskyEmbedExternal.Main(external=models.AppBskyEmbedExternal.External(
            uri=post.url.strip(),
            title=str(opts.get("card_title") or post.title or ""),
            description=str(opts.get("card_description") or opts.get("description") or ""),
        ))

    def _create(self, client: Any, record: Any) -> Any:
        self.fence()  # after the login and profile requests: the post must still be this worker's
        return client.app.bsky.feed.post.create(repo=client._session.did, record=record)

    def _find(self, client: Any, post: Post) -> PublishResult | None:
        texts = {self.rich_text(post.text)[0], post.text}
        listing = client.app.bsky.feed.post.list(repo=client._session.did, limit=RECONCILE_DEPTH)
        since = time.time() - float(self.settings.get("reconcile_days", RECONCILE_DAYS)) * 86400
        for uri, value in listing.records.items():
            linked = not post.url or post.url.strip() in _links(value)
            if value.text in texts and linked and _epoch(value.created_at) >= since:
                return PublishResult(remote_id=uri, url=self._web_url(client, uri))
        return None

    def _web_url(self, client: Any, uri: str) -> str:
        rkey = uri.rsplit("/", 1)[-1]
        return f"https://bsky.app/profile/{client._session.handle}/post/{rkey}"

    # -- the session
    def _base_url(self) -> str:
        return str(self.settings.get("base_url") or BASE_URL).rstrip("/")

    def session_path(self) -> Path:
        """Where the session of the configured handle is saved (a secret file, mode 0600)."""
        from assistant import config

        handle = re.sub(r"[^A-Za-z0-9._-]", "_", self.credential("handle") or "unknown")
        return config.data_dir() / "sessions" / f"bluesky-{handle}.session"

    def _connect(self) -> Any:
        """A logged-in client: the saved session when it still works, else a new one (createSession)."""
        if self._client is not None:
            return self._client
        creds = self.require_credentials()
        from atproto_client import Client
        from atproto_client.request import Request

        client = Client(base_url=self._base_url(),
                        request=Request(timeout=float(self.settings.get("timeout", DEFAULT_TIMEOUT))))
        client.on_session_change(self._on_session_change)
        saved = self._load_session()
        if saved is not None:
            try:
                self._call(lambda: client.login(session_string=saved), sending=False)
                self._client = client
                return client
            except _SessionRefused:
                self._forget_session()  # expired for good: log in again below
        self._login(client, creds)
        self._client = client
        return client

    def _login(self, client: Any, creds: dict[str, str]) -> None:
        try:
            self._call(lambda: client.login(creds["handle"], creds["app_password"]), sending=False)
        except _SessionRefused:
            raise AuthError("bluesky: login refused; check ASSIST_BLUESKY_HANDLE and ASSIST_BLUESKY_APP_PASSWORD "
                            "(use an app password, not the account password)", status=401) from None

    def _renew(self, client: Any) -> None:
        """After the server refused the access token: refresh it, or log in again if that fails."""
        saved = self._load_session()
        if saved is not None and saved != client.export_session_string():
            try:  # another process refreshed the session (refresh tokens are single use): take it
                self._call(lambda: client.login(session_string=saved), sending=False)
                return
            except _SessionRefused:
                pass
        try:
            self._call(client._refresh_and_set_session, sending=False)
        except _SessionRefused:
            self._forget_session()
            self._login(client, self.require_credentials())

    def _on_session_change(self, event: Any, session: Any) -> None:
        if getattr(event, "value", event) in ("create", "refresh"):
            self._save_session(session.export())

    def _save_session(self, session_string: str) -> None:
        path = self.session_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"base_url": self._base_url(), "session": session_string}, handle)
        os.replace(tmp, path)

    def _load_session(self) -> str | None:
        path = self.session_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("base_url") != self._base_url():
            return None
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return data.get("session") or None

    def _forget_session(self) -> None:
        self.session_path().unlink(missing_ok=True)

    # -- errors
    def _call(self, action: Callable[[], Any], *, sending: bool) -> Any:
        """Run one atproto call, translating its errors into the channel's typed errors."""
        return run_translated(action, lambda exc: _translate(exc, sending=sending))


def _translate(exc: Exception, *, sending: bool) -> ChannelError | None:
    """The typed channel error for an atproto exception (None when it is not one of theirs)."""
    import httpx
    from atproto_client import exceptions as ax
    from atproto_core.exceptions import AtProtocolError

    if isinstance(exc, httpx.TransportError):  # atproto passes some through (e.g. a dropped connection)
        return _network_error(exc, sending=sending)
    if isinstance(exc, ax.LoginRequiredError):
        return _SessionRefused("bluesky: not logged in")
    if isinstance(exc, ax.RequestErrorBase) and exc.response is not None:
        return _status_error(exc, sending=sending)
    if isinstance(exc, ax.RequestErrorBase):
        return _network_error(exc, sending=sending)
    if isinstance(exc, AtProtocolError):  # e.g. a reply that does not parse
        cls = AmbiguousError if sending else TransientError
        return cls(f"bluesky: unexpected answer ({type(exc).__name__})")
    return None


def _status_error(exc: Any, *, sending: bool) -> ChannelError:
    response = exc.response
    status = response.status_code
    code, message = _xrpc_error(response.content)
    detail = f"{code}: {message}" if message else (code or str(status))
    if status == 429:
        return RateLimited(f"bluesky: rate limit exceeded ({detail})", retry_after=_retry_after(response.headers))
    if status == 401 or code in TOKEN_ERRORS:
        return _SessionRefused(f"bluesky: the session was refused ({status} {code or ''})".rstrip(), status=status)
    if status == 403:
        return AuthError(f"bluesky: forbidden ({detail}); nothing was published", status=403)
    if status >= 500:
        if sending:
            return AmbiguousError(f"bluesky: server error ({status} {detail}); the post may or may not exist "
                                  "until checked", status=status)
        return TransientError(f"bluesky: server error ({status} {detail})", status=status)
    return PermanentError(f"bluesky: refused ({status} {detail}); nothing was published", status=status)


def _network_error(exc: Any, *, sending: bool) -> ChannelError:
    import httpx

    cause = exc if isinstance(exc, httpx.TransportError) else (exc.__cause__ or exc.__context__)
    name = type(cause or exc).__name__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout):
        return TransientError(f"bluesky: cannot connect ({name})")
    if sending:
        return AmbiguousError(f"bluesky: no answer ({name}); the post may or may not exist until checked")
    return TransientError(f"bluesky: network error ({name})")


def _xrpc_error(content: Any) -> tuple[str, str]:
    if isinstance(content, dict):
        return str(content.get("error") or ""), str(content.get("message") or "")
    return str(getattr(content, "error", "") or ""), str(getattr(content, "message", "") or "")


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait: ``ratelimit-reset`` is an epoch time; ``retry-after`` (rare) is seconds."""
    reset = headers.get("ratelimit-reset")
    if reset:
        try:
            return max(float(reset) - time.time(), 0.0)
        except ValueError:
            pass
    after = headers.get("retry-after")
    try:
        return max(float(after), 0.0) if after else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- small helpers


def _facet(start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def _trim_url(url: str) -> str:
    """Drop sentence punctuation glued to a URL ("see https://x.org/a." -> "https://x.org/a")."""
    while url and url[-1] in ".,;:!?'\"" or (url.endswith(")") and url.count("(") < url.count(")")):
        url = url[:-1]
    return url


def _short_url(url: str) -> str:
    """The Bluesky app's display form: no scheme, the path cut to 13 characters and "..." past 15."""
    parts = urlsplit(url)
    path = ("" if parts.path == "/" else parts.path) + (f"?{parts.query}" if parts.query else "") + (
        f"#{parts.fragment}" if parts.fragment else "")
    return parts.netloc + (path[:13] + "..." if len(path) > 15 else path)


def _epoch(stamp: str) -> float:
    """Seconds since the epoch of an ISO 8601 ``createdAt`` (0 when it does not parse)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except (AttributeError, ValueError):
        return 0.0


def _links(record: Any) -> set[str]:
    links = set()
    embed = getattr(record, "embed", None)
    if external := getattr(embed, "external", None):
        links.add(external.uri)
    for facet in getattr(record, "facets", None) or []:
        links.update(f.uri for f in facet.features if getattr(f, "uri", None))
    return links


@assistant.hookimpl
def register_channels(register: Callable[[type[Channel]], None]) -> None:
    register(BlueskyChannel)
