"""A loopback Reddit: the token endpoint on ``reddit_url`` and the OAuth API on ``oauth_url``.

It answers the calls praw really makes, with Reddit's shapes: ``POST /api/v1/access_token``
(password grant; a wrong client is a 401, a wrong password a 200 with ``{"error": "invalid_grant"}``),
and with a bearer token ``GET /api/v1/me``, ``GET /r/<sub>/about``,
``GET /api/v1/<sub>/post_requirements``, ``POST /r/<sub>/api/flairselector/``, ``POST /api/submit/``
(``{"json": {"errors": [[TYPE, message, field]], "data": {...}}}``) and
``GET /user/<name>/submitted``. Every OAuth answer carries ``x-ratelimit-remaining/used/reset``;
a bad token is a 401 with ``www-authenticate: Bearer realm="reddit", error="invalid_token"``.
"""

from __future__ import annotations

import base64
import itertools
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from assistant.fakeserver import FakeServer, Request

UNAUTHORIZED_HEADERS = {"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'}


@dataclass
class Subreddit:
    name: str
    flair_required: bool = False
    flairs: list[dict[str, Any]] = field(default_factory=list)  # {"id": ..., "text": ...}
    allow_self: bool = True
    allow_links: bool = True
    hide_flair_rule: bool = False  # post_requirements says no flair is needed; the submit still wants one


class FakeReddit(FakeServer):
    """``with FakeReddit() as fake: RedditChannel(fake.settings())``."""

    def __init__(self) -> None:
        super().__init__()
        self.client_id = "fake-client-id"
        self.client_secret = "fake-client-secret-" + secrets.token_hex(4)
        self.username = "assist_tester"
        self.password = "hunter2-" + secrets.token_hex(4)
        self.tokens: set[str] = set()
        self.token_requests = 0
        self.app_type = "script"  # "web" or "installed": the password grant is refused
        self.subreddits: dict[str, Subreddit] = {"test": Subreddit("test")}
        self.submissions: list[dict[str, Any]] = []  # newest first
        self.comments: list[dict[str, Any]] = []  # newest first
        self.ratelimit_message: str | None = None  # the next submit answers RATELIMIT with it
        self.remaining = 995.0
        self._ids = itertools.count(int("1abc00", 36))

    # -- scripting
    def settings(self, **extra: Any) -> dict[str, Any]:
        base = {"client_id": self.client_id, "client_secret": self.client_secret, "username": self.username,
                "password": self.password, "oauth_url": self.url, "reddit_url": self.url, "timeout": 3}
        return {**base, **extra}

    def add_subreddit(self, name: str, **kwargs: Any) -> Subreddit:
        sub = Subreddit(name, **kwargs)
        self.subreddits[name.lower()] = sub
        return sub

    def add_submission(self, sub: str, title: str, url: str | None = None, text: str = "",
                       author: str | None = None, age: float = 0) -> dict[str, Any]:
        """A submission that exists already (made by us before a crash, or by someone else), ``age`` s old."""
        item = self._store(self.subreddits[sub.lower()], title, url, text, author or self.username, None)
        item["created_utc"] -= age
        return item

    def add_comment(self, body: str, sub: str = "test", author: str | None = None) -> dict[str, Any]:
        cid = _base36(next(self._ids))
        item = {"id": cid, "name": f"t1_{cid}", "body": body, "author": author or self.username,
                "subreddit": sub, "link_id": "t3_0", "parent_id": "t3_0", "created_utc": time.time(),
                "permalink": f"/r/{sub}/comments/0/x/{cid}/", "score": 1}
        with self.lock:
            self.comments.insert(0, item)
        return item

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    # -- dispatch
    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        if req.path == "/api/v1/access_token":
            return self._access_token(req)
        if not self._authorized(req):
            return 401, {"message": "Unauthorized", "error": 401}, UNAUTHORIZED_HEADERS
        status, body = self._route(req)
        return status, body, self._ratelimit_headers()

    def _route(self, req: Request) -> tuple[int, Any]:
        path = req.path
        if req.method == "GET" and path == "/api/v1/me":
            return 200, {"name": self.username, "id": "t2fake", "is_suspended": False, "link_karma": 1}
        if req.method == "POST" and path.rstrip("/") == "/api/submit":
            return self._submit(_form(req))
        if m := re.fullmatch(r"/api/v1/(\w+)/post_requirements/?", path):
            return self._post_requirements(m.group(1))
        if m := re.fullmatch(r"/r/(\w+)/about/?", path):
            return self._about(m.group(1))
        if m := re.fullmatch(r"/r/(\w+)/api/flairselector/?", path):
            return self._flairselector(m.group(1))
        if m := re.fullmatch(r"/user/(\w+)/submitted/?", path):
            return self._submitted(m.group(1), int(req.query.get("limit", ["25"])[0]))
        if m := re.fullmatch(r"/user/(\w+)/comments/?", path):
            return self._comments(m.group(1), int(req.query.get("limit", ["25"])[0]))
        return 404, {"message": "Not Found", "error": 404}

    # -- auth
    def _access_token(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if req.headers.get("authorization") != f"Basic {expected}":
            return 401, {"message": "Unauthorized", "error": 401}, {}
        form = _form(req)
        if form.get("grant_type") != "password":
            return 200, {"error": "unsupported_grant_type"}, {}
        if self.app_type != "script":  # as recorded: an installed or web app asking for a password grant
            return 200, {"error": "unauthorized_client", "error_description": "Only script apps may use password auth"}, {}
        if form.get("username") != self.username or form.get("password") != self.password:
            return 200, {"error": "invalid_grant"}, {}
        token = "fake-access-" + secrets.token_hex(8)
        with self.lock:
            self.tokens.add(token)
            self.token_requests += 1
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"}, {}

    def _authorized(self, req: Request) -> bool:
        scheme, _, token = req.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token in self.tokens

    def _ratelimit_headers(self) -> dict[str, str]:
        with self.lock:
            self.remaining = max(self.remaining - 1, 0)
            used = int(1000 - self.remaining)
        return {"x-ratelimit-remaining": f"{self.remaining:.1f}", "x-ratelimit-used": str(used),
                "x-ratelimit-reset": "300"}

    # -- subreddits
    def _sub(self, name: str) -> Subreddit | None:
        return self.subreddits.get(name.lower())

    def _about(self, name: str) -> tuple[int, Any]:
        sub = self._sub(name)
        if sub is None:
            return 404, {"message": "Not Found", "error": 404}
        kind = "any" if sub.allow_self and sub.allow_links else ("self" if sub.allow_self else "link")
        return 200, {"kind": "t5", "data": {"display_name": sub.name, "display_name_prefixed": f"r/{sub.name}",
                                            "name": f"t5_{sub.name.lower()}", "submission_type": kind,
                                            "link_flair_enabled": bool(sub.flairs)}}

    def _post_requirements(self, name: str) -> tuple[int, Any]:
        sub = self._sub(name)
        if sub is None:
            return 400, {"explanation": "Please enter a subreddit that exists", "message": "Bad Request",
                         "reason": "SUBREDDIT_NOEXIST"}
        return 200, {
            "title_regexes": [], "body_blacklisted_strings": [], "title_blacklisted_strings": [],
            "body_text_max_length": None, "title_required_strings": [], "guidelines_text": None,
            "gallery_min_items": None, "domain_blacklist": [], "domain_whitelist": [],
            "title_text_max_length": None, "body_restriction_policy": "none" if sub.allow_self else "notAllowed",
            "link_restriction_policy": "none" if sub.allow_links else "blacklist",
            "guidelines_display_policy": None, "body_required_strings": [], "title_text_min_length": None,
            "gallery_captions_requirement": "none", "is_flair_required": sub.flair_required and not sub.hide_flair_rule,
            "gallery_max_items": None, "gallery_urls_requirement": "none", "body_regexes": [],
            "link_repost_age": None, "body_text_min_length": None,
        }

    def _flairselector(self, name: str) -> tuple[int, Any]:
        sub = self._sub(name)
        if sub is None:
            return 404, {"message": "Not Found", "error": 404}
        choices = [{"flair_css_class": "", "flair_template_id": f["id"], "flair_text_editable": False,
                    "flair_position": "right", "flair_text": f["text"]} for f in sub.flairs]
        current = {"flair_css_class": None, "flair_template_id": None, "flair_text": None, "flair_position": "right"}
        return 200, {"current": current, "choices": choices}

    # -- submissions
    def _submit(self, form: dict[str, str]) -> tuple[int, Any]:
        error = self._submit_error(form)
        if error is not None and error[0].startswith("SUBMIT_VALIDATION_") and form.get("validate_on_submit") == "True":
            # as recorded: with validate_on_submit (praw always sends it) a validation error is a 400
            return 400, {"fields": [error[2]], "explanation": error[1], "message": "Bad Request", "reason": error[0]}
        if error is not None:
            return 200, {"json": {"errors": [error]}}
        sub = self.subreddits[form["sr"].lower()]
        kind = form.get("kind")
        item = self._store(sub, form["title"], form.get("url") if kind == "link" else None,
                           form.get("text", ""), self.username, form.get("flair_id"))
        with self.lock:
            self.published.append({"subreddit": sub.name, "kind": kind, "title": form["title"],
                                   "url": form.get("url"), "text": form.get("text"), "form": form,
                                   "id": item["id"]})
        return 200, {"json": {"errors": [], "data": {"url": item["full_url"], "drafts_count": 0,
                                                     "id": item["id"], "name": item["name"]}}}

    def _submit_error(self, form: dict[str, str]) -> list[str] | None:
        sub = self._sub(form.get("sr", ""))
        title = form.get("title", "").strip()
        if sub is None:
            return ["SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr"]
        if not title:
            return ["NO_TEXT", "we need something here", "title"]
        if len(title) > 300:
            return ["TOO_LONG", "this is too long (max: 300)", "title"]
        if self.ratelimit_message is not None:
            message, self.ratelimit_message = self.ratelimit_message, None
            return ["RATELIMIT", message, "ratelimit"]
        if form.get("kind") == "self" and not sub.allow_self:
            return ["NO_SELFS", "This community doesn't allow text posts.", "sr"]
        if form.get("kind") == "link" and not sub.allow_links:
            return ["NO_LINKS", "This community only allows text posts.", "sr"]
        if form.get("kind") == "link" and form.get("resubmit") != "True" and any(
            s["subreddit"].lower() == sub.name.lower() and s["url"] == form.get("url") for s in self.submissions
        ):
            return ["ALREADY_SUB", "that link has already been submitted", "url"]
        if sub.flair_required and not form.get("flair_id"):
            return ["SUBMIT_VALIDATION_FLAIR_REQUIRED", "Your post must contain post flair.", "flair"]
        if form.get("flair_id") and form["flair_id"] not in {f["id"] for f in sub.flairs}:
            return ["BAD_FLAIR_TEMPLATE_ID", "That flair template doesn't exist.", "flair_template_id"]
        return None

    def _store(self, sub: Subreddit, title: str, url: str | None, text: str, author: str,
               flair_id: str | None) -> dict[str, Any]:
        sid = _base36(next(self._ids))
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]
        permalink = f"/r/{sub.name}/comments/{sid}/{slug}/"
        item = {
            "id": sid, "name": f"t3_{sid}", "title": title, "subreddit": sub.name,
            "subreddit_name_prefixed": f"r/{sub.name}", "author": author, "is_self": url is None,
            "selftext": text if url is None else (text or ""), "permalink": permalink,
            "url": url or f"https://www.reddit.com{permalink}", "full_url": f"https://www.reddit.com{permalink}",
            "created_utc": time.time(), "link_flair_template_id": flair_id, "num_comments": 0, "score": 1,
        }
        with self.lock:
            self.submissions.insert(0, item)
        return item

    def _submitted(self, user: str, limit: int) -> tuple[int, Any]:
        mine = [s for s in self.submissions if s["author"].lower() == user.lower()][:limit]
        children = [{"kind": "t3", "data": {k: v for k, v in s.items() if k != "full_url"}} for s in mine]
        return 200, {"kind": "Listing", "data": {"after": None, "dist": len(children), "modhash": None,
                                                 "geo_filter": "", "children": children, "before": None}}


    def _comments(self, user: str, limit: int) -> tuple[int, Any]:
        mine = [c for c in self.comments if c["author"].lower() == user.lower()][:limit]
        children = [{"kind": "t1", "data": dict(c)} for c in mine]
        return 200, {"kind": "Listing", "data": {"after": None, "dist": len(children), "modhash": None,
                                                 "geo_filter": "", "children": children, "before": None}}


def _form(req: Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(req.body.decode(), keep_blank_values=True).items()}


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"
