"""A loopback X API v2: what tweepy's ``Client`` calls for posting and for finding a post again.

- ``POST /2/tweets`` (``create_tweet``): ``201 {"data": {"id", "text", "edit_history_tweet_ids"}}``;
  the same text twice is the real 403 "duplicate content".
- ``GET /2/users/me`` (``get_me``): ``{"data": {"id", "name", "username"}}``.
- ``GET /2/users/:id/tweets`` (``get_users_tweets``): the account's posts, newest first, as
  ``{"data": [...], "meta": {"result_count", "newest_id", "oldest_id", "next_token"?}}`` (only
  ``{"meta": {"result_count": 0}}`` when there are none); ``max_results`` 5-100 (default 10),
  ``start_time``/``end_time`` (RFC 3339, inclusive), ``exclude``, ``pagination_token`` and
  ``tweet.fields`` (``created_at``, ``entities``, ``author_id``...) as X reads them, else 400
  ``invalid-request``. Another user's id is the real 200 with only ``errors`` (resource-not-found).

A post's ``text`` is stored the way X returns it: every ``http(s)://`` link replaced by a
``https://t.co/...`` link (listed in ``entities.urls`` with ``expanded_url`` and ``display_url``)
and ``&``, ``<``, ``>`` escaped as HTML entities. ``published`` keeps the text as it was sent.

Requests must carry an OAuth 1.0a ``Authorization`` header whose HMAC-SHA1 signature checks out
with the fake's consumer and token secrets over the URL tweepy signed (``https://api.twitter.com``
or ``https://api.x.com``: the plugin's transport adapter re-addresses the request after signing),
else a 401. Errors are ``{"title", "detail", "type", "status"}``. ``delay`` holds the answer back
after the work is done (a client timeout with the post created). Each endpoint has its own
15-minute window (``windows``); every answer carries its ``x-rate-limit-limit/remaining/reset``
(epoch seconds; X sends no Retry-After), and once ``remaining`` reaches 0 the endpoint answers
429 until the reset (``exhaust``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import itertools
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from assistant.fakeserver import FakeServer, Request

SIGNED_HOSTS = ("https://api.twitter.com", "https://api.x.com")
DUPLICATE_DETAIL = "You are not allowed to create a Tweet with duplicate content."
UNAUTHORIZED_BODY = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
# as recorded (tweepy's cassettes): X answers a 429 with its v1.1-style error list, code 88
RATE_LIMITED_BODY = {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
FORBIDDEN_BODY = {"title": "Forbidden", "type": "about:blank", "status": 403,
                  "detail": "You are not permitted to perform this action."}
OAUTH1_PERMISSIONS_BODY = {
    "title": "Forbidden", "status": 403, "type": "https://api.twitter.com/2/problems/oauth1-permissions",
    "detail": "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
}
# what an access level without the endpoint (e.g. a free project reading a timeline) gets
CLIENT_FORBIDDEN_BODY = {
    "client_id": "27316216", "title": "Client Forbidden", "reason": "client-not-enrolled",
    "required_enrollment": "Appropriate Level of API Access",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
              "Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
SERVICE_UNAVAILABLE_BODY = {"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank",
                            "status": 503}
AUTH_PARAM_RE = re.compile(r'(\w+)="([^"]*)"')
LINK_RE = re.compile(r"https?://[^\s<>\"]+?(?=[.,;:!?)'\"]*(?:\s|$))", re.IGNORECASE)
TIMELINE_RE = re.compile(r"^/2/users/([^/]+)/tweets$")
POST, ME, TIMELINE = "POST /2/tweets", "GET /2/users/me", "GET /2/users/:id/tweets"
TWEET_FIELDS = ("article", "attachments", "author_id", "card_uri", "community_id", "context_annotations",
                "conversation_id", "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids",
                "entities", "geo", "id", "in_reply_to_user_id", "lang", "media_metadata", "non_public_metrics",
                "note_tweet", "organic_metrics", "possibly_sensitive", "promoted_metrics", "public_metrics",
                "referenced_tweets", "reply_settings", "scopes", "source", "text", "withheld")
TIMELINE_PARAMS = ("end_time", "exclude", "expansions", "max_results", "media.fields", "pagination_token",
                   "place.fields", "poll.fields", "since_id", "start_time", "tweet.fields", "until_id", "user.fields")


def _enc(value: str) -> str:
    return quote(value, safe="~")


def oauth1_signature(method: str, url: str, params: dict[str, str], consumer_secret: str, token_secret: str) -> str:
    """RFC 5849 HMAC-SHA1 signature (the body is JSON, so only the oauth_* and query parameters count)."""
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params.items()))
    base = "&".join([method.upper(), _enc(url), _enc(normalized)])
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def invalid_request(parameter: str, value: str, message: str) -> dict[str, Any]:
    return {"errors": [{"parameters": {parameter: [value]}, "message": message}], "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request"}


def rfc3339(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(stamp * 1000) % 1000:03d}Z"


def parse_rfc3339(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@dataclass
class Window:
    """One endpoint's 15-minute rate-limit window."""

    limit: int
    remaining: int = -1
    reset_at: int = 0

    def __post_init__(self) -> None:
        self.remaining = self.limit if self.remaining < 0 else self.remaining
        self.reset_at = self.reset_at or int(time.time()) + 900

    def take(self) -> bool:
        now = int(time.time())
        if now >= self.reset_at:
            self.remaining, self.reset_at = self.limit, now + 900
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True

    def headers(self) -> dict[str, str]:
        return {"x-rate-limit-limit": str(self.limit), "x-rate-limit-remaining": str(self.remaining),
                "x-rate-limit-reset": str(self.reset_at)}


class FakeX(FakeServer):
    """``with FakeX() as fake: XChannel(fake.settings())``."""

    def __init__(self) -> None:
        super().__init__()
        self.api_key = "ck-" + secrets.token_urlsafe(12)
        self.api_secret = "cs-" + secrets.token_urlsafe(24)
        self.access_token = f"{secrets.randbelow(10**18)}-" + secrets.token_urlsafe(20)
        self.access_secret = "as-" + secrets.token_urlsafe(24)
        self.user = {"id": str(10**17 + secrets.randbelow(10**17)), "name": "Fake Writer", "username": "fakewriter"}
        # the user-context limits per 15 minutes of the Pro access level
        self.windows = {POST: Window(100), ME: Window(75), TIMELINE: Window(900)}
        self.tweets: list[dict[str, Any]] = []  # newest first, as X returns them
        self._sent: dict[str, str] = {}  # tweet id -> the text as it was sent (X's duplicate check)
        self._ids = itertools.count(1860000000000000000 + secrets.randbelow(10**15))

    # -- scripting
    def settings(self, **extra: Any) -> dict[str, Any]:
        base = {"api_key": self.api_key, "api_secret": self.api_secret, "access_token": self.access_token,
                "access_secret": self.access_secret, "api_base_url": self.url, "timeout": 3}
        return {**base, **extra}

    @property
    def reset_at(self) -> int:
        """When the posting window resets (epoch seconds)."""
        return self.windows[POST].reset_at

    def exhaust(self, reset_in: int, endpoint: str = POST) -> None:
        """Use up an endpoint's window (``POST``, ``ME`` or ``TIMELINE``): 429 until ``reset_in`` seconds from now."""
        with self.lock:
            window = self.windows[endpoint]
            window.remaining, window.reset_at = 0, int(time.time()) + reset_in

    def rate_headers(self, endpoint: str = POST) -> dict[str, str]:
        return self.windows[endpoint].headers()

    def add_tweet(self, text: str, *, age: float = 0.0) -> dict[str, Any]:
        """A post the account made ``age`` seconds ago by other means (the web app, another tool)."""
        with self.lock:
            return self._store(text, time.time() - age)

    # -- serving
    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        if not self._signed(req):
            return 401, UNAUTHORIZED_BODY, {}
        if req.method == "POST" and req.path == "/2/tweets":
            return self._create(req)
        if req.method == "GET" and req.path == "/2/users/me":
            return self._limited(ME, lambda: (200, {"data": dict(self.user)}))
        match = TIMELINE_RE.match(req.path)
        if req.method == "GET" and match:
            return self._limited(TIMELINE, lambda: self._timeline(unquote(match.group(1)), req))
        return 404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}, {}

    def _limited(self, endpoint: str, answer: Any) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            window = self.windows[endpoint]
            if not window.take():
                return 429, RATE_LIMITED_BODY, window.headers()
            status, body = answer()
            return status, body, window.headers()

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
            window = self.windows[POST]
            if not window.take():
                return 429, RATE_LIMITED_BODY, window.headers()
            headers = window.headers()
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
            if text in self._sent.values():
                return 403, {"detail": DUPLICATE_DETAIL, "type": "about:blank", "title": "Forbidden",
                             "status": 403}, headers
            tweet = self._store(text, time.time())
            self.published.append({"id": tweet["id"], "text": text,
                                   "edit_history_tweet_ids": list(tweet["edit_history_tweet_ids"])})
            return 201, {"data": {k: tweet[k] for k in ("id", "text", "edit_history_tweet_ids")}}, headers

    def _store(self, text: str, created: float) -> dict[str, Any]:
        """Keep a post as X does: links wrapped in t.co (with their entities), ``&<>`` escaped."""
        tweet_id = str(next(self._ids))
        stored, urls = "", []
        position = 0
        for match in LINK_RE.finditer(text):
            stored += html.escape(text[position:match.start()], quote=False)
            link = "https://t.co/" + secrets.token_urlsafe(8)[:10]
            expanded = match.group(0)
            display = re.sub(r"^https?://(www\.)?", "", expanded)
            urls.append({"start": len(stored), "end": len(stored) + len(link), "url": link, "expanded_url": expanded,
                         "display_url": display if len(display) <= 26 else display[:25] + "\u2026"})
            stored += link
            position = match.end()
        stored += html.escape(text[position:], quote=False)
        tweet: dict[str, Any] = {"id": tweet_id, "text": stored, "edit_history_tweet_ids": [tweet_id],
                                 "author_id": self.user["id"], "created_at": rfc3339(created)}
        if urls:
            tweet["entities"] = {"urls": urls}
        self.tweets.insert(0, tweet)
        self.tweets.sort(key=lambda t: (t["created_at"], int(t["id"])), reverse=True)
        self._sent[tweet_id] = text
        return tweet

    def _timeline(self, user_id: str, req: Request) -> tuple[int, Any]:
        query = {k: v[0] for k, v in req.query.items()}
        for name, value in query.items():
            if name not in TIMELINE_PARAMS:
                return 400, invalid_request(name, value, f"The query parameter [{name}] is not one of "
                                                         f"[{','.join(('id', *TIMELINE_PARAMS))}]")
        raw_max = query.get("max_results", "10")
        if not raw_max.isdigit() or not 5 <= int(raw_max) <= 100:
            return 400, invalid_request("max_results", raw_max, f"The `max_results` query parameter value "
                                                                f"[{raw_max}] is not between 5 and 100")
        fields = [f for f in query.get("tweet.fields", "").split(",") if f]
        bad = [f for f in fields if f not in TWEET_FIELDS]
        if bad:
            return 400, invalid_request("tweet.fields", bad[0], f"The `tweet.fields` query parameter value "
                                                                f"[{bad[0]}] is not one of [{','.join(TWEET_FIELDS)}]")
        for value in (v for v in query.get("exclude", "").split(",") if v):
            if value not in ("retweets", "replies"):
                return 400, invalid_request("exclude", value, f"The `exclude` query parameter value [{value}] "
                                                              "is not one of [replies,retweets]")
        bounds = {}
        for name in ("start_time", "end_time"):
            if name in query:
                try:
                    bounds[name] = parse_rfc3339(query[name])
                except ValueError:
                    return 400, invalid_request(name, query[name], f"Invalid '{name}':'{query[name]}'. '{name}' "
                                                                   "must be a valid RFC 3339 timestamp")
        if user_id != self.user["id"]:
            return 200, {"errors": [{"value": user_id, "detail": f"Could not find user with id: [{user_id}].",
                                     "title": "Not Found Error", "resource_type": "user", "parameter": "id",
                                     "resource_id": user_id,
                                     "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
        picked = [t for t in self.tweets
                  if bounds.get("start_time", 0) <= parse_rfc3339(t["created_at"]) <= bounds.get("end_time", 1e12)]
        offset = int(query["pagination_token"]) if query.get("pagination_token", "").isdigit() else 0
        page = picked[offset:offset + int(raw_max)]
        if not page:
            return 200, {"meta": {"result_count": 0}}
        keep = {"id", "text", "edit_history_tweet_ids", *fields}
        meta: dict[str, Any] = {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
        if offset + len(page) < len(picked):
            meta["next_token"] = str(offset + len(page))
        return 200, {"data": [{k: v for k, v in t.items() if k in keep} for t in page], "meta": meta}
