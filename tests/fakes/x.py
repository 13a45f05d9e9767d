"""A loopback X API v2: ``POST /2/tweets`` as tweepy's ``Client.create_tweet`` calls it.

Requests must carry an OAuth 1.0a ``Authorization`` header whose HMAC-SHA1 signature checks out
with the fake's consumer and token secrets over the URL tweepy signed (``https://api.twitter.com``
or ``https://api.x.com``: the plugin's transport adapter re-addresses the request after signing),
else a 401. Answers have the v2 shapes: ``201 {"data": {"id", "text", "edit_history_tweet_ids"}}``;
errors ``{"title", "detail", "type", "status"}``; the same text twice is the real 403 "duplicate
content". ``delay`` holds the answer back after the work is done (a client timeout with the post
created). Every answer carries ``x-rate-limit-limit/remaining/reset`` (epoch seconds; X sends no
Retry-After), and once ``remaining`` reaches 0 the endpoint answers 429 until the reset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re
import secrets
import time
from typing import Any
from urllib.parse import quote, unquote

from fakes.base import FakeServer, Request

SIGNED_HOSTS = ("https://api.twitter.com", "https://api.x.com")
DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content."
UNAUTHORIZED_BODY = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
RATE_LIMITED_BODY = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                     "status": 429}
FORBIDDEN_BODY = {"title": "Forbidden", "type": "about:blank", "status": 403,
                  "detail": "You are not permitted to perform this action."}
OAUTH1_PERMISSIONS_BODY = {
    "title": "Forbidden", "status": 403, "type": "https://api.twitter.com/2/problems/oauth1-permissions",
    "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
}
SERVICE_UNAVAILABLE_BODY = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank",
                            "status": 503}
AUTH_PARAM_RE = re.compile(r'(\w+)="([^"]*)"')


def _enc(value: str) -> str:
    return quote(value, safe="~")


def oauth1_signature(method: str, url: str, params: dict[str, str], consumer_secret: str, token_secret: str) -> str:
    """RFC 5849 HMAC-SHA1 signature (the body is JSON, so only the oauth_* and query parameters count)."""
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params.items()))
    base = "&".join([method.upper(), _enc(url), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


class FakeX(FakeServer):
    """``with FakeX() as fake: XChannel(fake.settings())``."""

    def __init__(self) -> None:
        super().__init__()
        self.api_key = "ck-" + secrets.token_urlsafe(12)
        self.api_secret = "cs-" + secrets.token_urlsafe(24)
        self.access_token = f"{secrets.randbelow(10**18)}-" + secrets.token_urlsafe(20)
        self.access_secret = "as-" + secrets.token_urlsafe(24)
        self.limit = 100  # posts per 15-minute window
        self.remaining = self.limit
        self.reset_at = int(time.time()) + 900
        self.tweets: list[dict[str, Any]] = []  # newest first
        self._ids = itertools.count(1860000000000000000 + secrets.randbelow(10**15))

    # -- scripting
    def settings(self, **extra: Any) -> dict[str, Any]:
        base = {"api_key": self.api_key, "api_secret": self.api_secret, "access_token": self.access_token,
                "access_secret": self.access_secret, "api_base_url": self.url, "timeout": 3}
        return {**base, **extra}

    def exhaust(self, reset_in: int) -> None:
        """Use up the window: the next posts get 429 until ``reset_in`` seconds from now."""
        with self.lock:
            self.remaining = 0
            self.reset_at = int(time.time()) + reset_in

    def rate_headers(self) -> dict[str, str]:
        return {"x-rate-limit-limit": str(self.limit), "x-rate-limit-remaining": str(self.remaining),
                "x-rate-limit-reset": str(self.reset_at)}

    # -- serving
    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        if not self._signed(req):
            return 401, UNAUTHORIZED_BODY, {}
        if req.method == "POST" and req.path == "/2/tweets":
            return self._create(req)
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, {}

    def _signed(self, req: Request) -> bool:
        header = req.headers.get("authorization", "")
        if not header.startswith("OAuth "):
            return False
        params = {k: unquote(v) for k, v in AUTH_PARAM_RE.findall(header)}
        signature = params.pop("oauth_signature", "")
        params.pop("realm", None)
        if params.get("oauth_consumer_key") != self.api_key or params.get("oauth_token") != self.access_token:
            return False
        if params.get("oauth_signature_method") != "HMAC-SHA1" or abs(int(params.get("oauth_timestamp", 0))
                                                                      - time.time()) > 300:
            return False
        params.update({k: v[0] for k, v in req.query.items()})
        return any(hmac.compare_digest(signature, oauth1_signature(req.method, host + req.path, params,
                                                                   self.api_secret, self.access_secret))
                   for host in SIGNED_HOSTS)

    def _create(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            now = int(time.time())
            if now >= self.reset_at:
                self.remaining, self.reset_at = self.limit, now + 900
            if self.remaining <= 0:
                return 429, RATE_LIMITED_BODY, self.rate_headers()
            self.remaining -= 1
            headers = self.rate_headers()
            try:
                body = req.json()
            except ValueError:
                body = None
            text = body.get("text") if isinstance(body, dict) else None
            if not isinstance(text, str) or not text.strip():
                return 400, {"errors": [{"parameters": {"text": [text or ""]},
                                         "message": "Tweet text must not be empty"}],
                             "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                             "type": "https://api.twitter.com/2/problems/invalid-request"}, headers
            if any(t["text"] == text for t in self.tweets):
                return 403, {"detail": DUPLICATE_DETAIL, "type": "about:blank", "title": "Forbidden",
                             "status": 403}, headers
            tweet = {"id": str(next(self._ids)), "text": text}
            tweet["edit_history_tweet_ids"] = [tweet["id"]]
            self.tweets.insert(0, tweet)
            self.published.append(dict(tweet))
            return 201, {"data": tweet}, headers
