"""A loopback Mastodon server: the endpoints Mastodon.py calls to read the instance and post a status.

``GET /api/v1/instance`` and ``/api/v2/instance`` (``configuration.statuses.max_characters`` and
``characters_reserved_per_url``), ``GET /api/v1/accounts/verify_credentials``,
``GET /api/v1/accounts/<id>/statuses`` (newest first) and ``POST /api/v1/statuses`` (form or
JSON), which answers a Status entity of the real shape (id, uri, url, created_at, account,
visibility... and ``content`` as the HTML Mastodon makes: shortened links, h-card mentions). A status longer than the server's limit
(graphemes, links as 23, @user@domain as @user) is a 422 ``{"error": "Validation failed: ..."}``.
An ``Idempotency-Key`` seen before, for the same token, returns the status created then instead of
a second one, as the real server does for an hour. A missing or unknown token is a 401
``{"error": "The access token is invalid"}``. Every answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an ISO 8601 time); when ``remaining`` reaches
0 the server answers 429 ``{"error": "Too many requests"}`` until the reset. ``delay`` holds every
answer back after the work is done (a client timeout with the status created).
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import regex

from assistant.fakeserver import FakeServer, Request

DOMAIN = "fake.social"
INVALID_TOKEN = {"error": "The access token is invalid"}
TOO_MANY = {"error": "Too many requests"}
LINK_RE = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,:;!?)]", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![=/\w])@(\w+)@[\w.-]*\w", re.IGNORECASE)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ts * 1000) % 1000:03d}Z"


class FakeMastodon(FakeServer):
    """``with FakeMastodon() as fake: MastodonChannel(fake.settings())``."""

    def __init__(self, max_characters: int = 500) -> None:
        super().__init__()
        self.access_token = secrets.token_urlsafe(32)
        self.max_characters = max_characters
        self.url_length = 23
        self.limit = 300  # requests per 5 minutes
        self.remaining = self.limit
        self.reset_at = time.time() + 300
        self.statuses: list[dict[str, Any]] = []  # newest first
        self.idempotency: dict[tuple[str, str], dict[str, Any]] = {}
        self.instance_calls = 0
        # the account's posting defaults (Preferences > Posting), used for what a status leaves out
        self.defaults: dict[str, Any] = {"privacy": "public", "sensitive": False, "language": "en"}
        self._ids = itertools.count(113500000000000000 + secrets.randbelow(10**12))
        self.account = {
            "id": "109348", "username": "assist_tester", "acct": "assist_tester", "display_name": "Assist Tester",
            "locked": False, "bot": False, "discoverable": True, "group": False,
            "created_at": "2022-11-05T00:00:00.000Z", "note": "<p>Testing assist</p>",
            "url": f"https://{DOMAIN}/@assist_tester", "uri": f"https://{DOMAIN}/users/assist_tester",
            "avatar": f"https://{DOMAIN}/avatars/original/missing.png",
            "avatar_static": f"https://{DOMAIN}/avatars/original/missing.png",
            "header": f"https://{DOMAIN}/headers/original/missing.png",
            "header_static": f"https://{DOMAIN}/headers/original/missing.png",
            "followers_count": 12, "following_count": 34, "statuses_count": 0,
            "last_status_at": None, "emojis": [], "fields": [],
        }

    # -- scripting
    def settings(self, **extra: Any) -> dict[str, Any]:
        return {"access_token": self.access_token, "api_base_url": self.url, "timeout": 3, **extra}

    def expire_idempotency_keys(self) -> None:
        """Forget every Idempotency-Key, as the server does an hour after it made the status."""
        with self.lock:
            self.idempotency.clear()

    def exhaust(self, reset_in: float) -> None:
        """Use up the window: requests get 429 until ``reset_in`` seconds from now."""
        with self.lock:
            self.remaining = 0
            self.reset_at = time.time() + reset_in

    def rate_headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": iso(self.reset_at)}

    # -- serving
    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            if time.time() >= self.reset_at:
                self.remaining, self.reset_at = self.limit, time.time() + 300
            if self.remaining <= 0:
                return 429, TOO_MANY, self.rate_headers()
            self.remaining -= 1
            headers = self.rate_headers()
        path = req.path.rstrip("/")
        if req.method == "GET" and path == "/api/v2/instance":
            self.instance_calls += 1
            return 200, self.instance_v2(), headers
        if req.method == "GET" and path == "/api/v1/instance":
            self.instance_calls += 1
            return 200, self.instance_v1(), headers
        if req.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, INVALID_TOKEN, {**headers, "WWW-Authenticate": 'Bearer realm="Doorkeeper", '
                                        'error="invalid_token", error_description="The access token is invalid"'}
        if req.method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, {**self.account, "source": {**self.defaults, "note": "Testing assist", "fields": []}}, headers
        if req.method == "POST" and path == "/api/v1/statuses":
            return self._post_status(req, headers)
        if req.method == "GET" and path == f"/api/v1/accounts/{self.account['id']}/statuses":
            limit = min(int(req.query.get("limit", ["20"])[0]), 40)
            return 200, self.statuses[:limit], headers
        return 404, {"error": "Record not found"}, headers

    def _post_status(self, req: Request, headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        params = req.json() if "json" in req.headers.get("content-type", "") else req.form()
        text = str(params.get("status") or "")
        key = req.headers.get("idempotency-key")
        with self.lock:
            if key and (self.access_token, key) in self.idempotency:
                return 200, self.idempotency[(self.access_token, key)], headers
        if not text.strip():
            return 422, {"error": "Validation failed: Text can't be blank"}, headers
        if self.count(text) + self.count(str(params.get("spoiler_text") or ""), entities=False) > self.max_characters:
            return 422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"}, headers
        visibility = str(params.get("visibility") or self.defaults["privacy"])  # the account's default
        if visibility not in ("public", "unlisted", "private", "direct"):
            return 422, {"error": "Validation failed: Visibility is not included in the list"}, headers
        status = self._status(text, params, visibility)
        with self.lock:
            if key:
                self.idempotency[(self.access_token, key)] = status
            self.statuses.insert(0, status)
            self.published.append({"id": status["id"], "text": text, "params": dict(params), "key": key})
            self.account["statuses_count"] += 1
        return 200, status, headers

    def add_status(self, text: str, *, age: float = 0.0, spoiler_text: str = "") -> dict[str, Any]:
        """A status the account posted ``age`` seconds ago (not through the channel)."""
        status = self._status(text, {"spoiler_text": spoiler_text}, "public", created=time.time() - age)
        with self.lock:
            self.statuses.insert(0, status)
        return status

    def _status(self, text: str, params: dict[str, Any], visibility: str,
                created: float | None = None) -> dict[str, Any]:
        status_id = str(next(self._ids))
        now = time.time() if created is None else created
        return {
            "id": status_id, "created_at": iso(now), "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": str(params["sensitive"]).lower() in ("1", "true") if "sensitive" in params
            else bool(self.defaults["sensitive"]),
            "spoiler_text": str(params.get("spoiler_text") or ""), "visibility": visibility,
            "language": params.get("language") or self.defaults["language"],
            "uri": f"https://{DOMAIN}/users/assist_tester/statuses/{status_id}",
            "url": f"https://{DOMAIN}/@assist_tester/{status_id}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
            "favourited": False, "reblogged": False, "muted": False, "bookmarked": False, "pinned": False,
            "content": self.content(text), "filtered": [], "reblog": None,
            "application": {"name": "assist", "website": None},
            "account": dict(self.account), "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "card": None, "poll": None,
        }

    # -- what a server computes
    def count(self, text: str, *, entities: bool = True) -> int:
        if entities:
            text = LINK_RE.sub("x" * self.url_length, text)
            text = MENTION_RE.sub(r"@\1", text)
        return len(regex.findall(r"\X", text))

    @staticmethod
    def content(text: str) -> str:
        """The HTML Mastodon makes of a plain-text status: links shortened for display with hidden
        spans holding the rest, mentions without their domain, hashtags linked, paragraphs and <br />."""
        def link(match: re.Match[str]) -> str:
            url = html.unescape(match.group(0))
            prefix = re.match(r"https?://(?:www\.)?", url).group(0)  # type: ignore[union-attr]
            shown, rest = url[len(prefix):len(prefix) + 30], url[len(prefix) + 30:]
            return (f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
                    f'<span class="invisible">{html.escape(prefix)}</span>'
                    f'<span class="{"ellipsis" if rest else ""}">{html.escape(shown)}</span>'
                    f'<span class="invisible">{html.escape(rest)}</span></a>')

        escaped = LINK_RE.sub(link, html.escape(text, quote=False))
        escaped = MENTION_RE.sub(lambda m: f'<span class="h-card" translate="no"><a href="https://{DOMAIN}/@'
                                           f'{m.group(1)}" class="u-url mention">@<span>{m.group(1)}</span></a></span>',
                                 escaped)
        escaped = re.sub(r"(?<![\w&/\"])#(\w+)", lambda m: f'<a href="https://{DOMAIN}/tags/{m.group(1).lower()}" '
                         f'class="mention hashtag" rel="tag">#<span>{m.group(1)}</span></a>', escaped)
        paragraphs = [p.replace("\n", "<br />") for p in escaped.split("\n\n")]
        return "".join(f"<p>{p}</p>" for p in paragraphs)

    def instance_v2(self) -> dict[str, Any]:
        return {
            "domain": DOMAIN, "title": "Fake Social", "version": "4.3.2", "source_url": "https://github.com/mastodon/mastodon",
            "description": "A loopback Mastodon for tests", "usage": {"users": {"active_month": 3}},
            "thumbnail": {"url": f"https://{DOMAIN}/packs/media/images/preview.png"}, "languages": ["en"],
            "configuration": {
                "urls": {"streaming": f"wss://{DOMAIN}"},
                "accounts": {"max_featured_tags": 10},
                "statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                             "characters_reserved_per_url": self.url_length},
                "media_attachments": {"supported_mime_types": ["image/jpeg", "image/png"],
                                      "image_size_limit": 16777216, "video_size_limit": 103809024},
                "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                          "max_expiration": 2629746},
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
            "contact": {"email": f"admin@{DOMAIN}", "account": None},
            "rules": [],
        }

    def instance_v1(self) -> dict[str, Any]:
        return {
            "uri": DOMAIN, "title": "Fake Social", "short_description": "A loopback Mastodon",
            "description": "", "email": f"admin@{DOMAIN}", "version": "4.3.2",
            "urls": {"streaming_api": f"wss://{DOMAIN}"},
            "stats": {"user_count": 3, "status_count": len(self.statuses), "domain_count": 1},
            "thumbnail": None, "languages": ["en"], "registrations": False, "approval_required": False,
            "invites_enabled": False,
            "configuration": {"statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                                           "characters_reserved_per_url": self.url_length}},
            "contact_account": None, "rules": [],
        }
