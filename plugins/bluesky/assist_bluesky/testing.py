"""A loopback Bluesky PDS: the XRPC endpoints atproto's Client calls to log in and post.

``/xrpc/com.atproto.server.createSession`` (without ``pds``, no ``didDoc`` in the answer, so the
client stays on this server; with ``FakeBluesky(pds=other)`` this one is the entryway, as bsky.social
is: it logs the account in and answers with a DID document naming the account's PDS, ``other``,
where every later call must go), ``refreshSession`` (refresh tokens rotate), ``app.bsky.actor.getProfile`` (login fetches
it), ``com.atproto.repo.createRecord`` (checks the post: 300 graphemes, 3,000 UTF-8 bytes, facets
whose byte offsets cover the link or tag they claim, else 400 InvalidRequest) and
``com.atproto.repo.listRecords``. Tokens are unsigned JWTs with real ``exp`` claims; an expired
access token is a 400 ExpiredToken, an unknown one a 400 InvalidToken "Token could not be verified",
as the PDS answers (recorded).
Every answer carries ``ratelimit-limit/remaining/reset/policy`` headers.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

import regex

from assistant.fakeserver import FakeServer, Request

XRPC = "/xrpc/"
RATE_LIMITED_BODY = {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"


def make_jwt(payload: dict[str, Any], typ: str = "at+jwt") -> str:
    """An unsigned-looking JWT (random signature): enough for a client that only reads the claims."""
    def part(data: Any) -> str:
        raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return ".".join([part({"typ": typ, "alg": "ES256K"}), part(payload), part(secrets.token_bytes(64))])


class FakeBluesky(FakeServer):
    """``with FakeBluesky() as fake: BlueskyChannel(fake.settings())``."""

    def __init__(self, pds: FakeBluesky | None = None) -> None:
        super().__init__()
        self.pds = pds  # set: this server is the entryway and the account lives on ``pds``
        self.user_handle = "assist-tester.bsky.social"
        self.did = "did:plc:" + secrets.token_hex(12)
        self.app_password = "abcd-efgh-" + secrets.token_hex(2) + "-ijkl"
        self.access_ttl = 7200  # seconds; the real PDS gives about 2 hours
        self.access: dict[str, int] = {}  # access token -> exp
        self.refresh: set[str] = set()
        self.create_session_calls = 0
        self.refresh_session_calls = 0
        self.records: list[dict[str, Any]] = []  # newest first
        self.delays: dict[str, float] = {}  # nsid -> seconds to wait before answering (timeouts)
        self._clock = int(time.time() * 1_000_000)

    # -- scripting
    def settings(self, **extra: Any) -> dict[str, Any]:
        return {"handle": self.user_handle, "app_password": self.app_password, "base_url": self.url, "timeout": 3,
                **extra}

    def issue_session(self, access_exp: int | None = None) -> dict[str, str]:
        """A session as createSession would give (for tests that plant a saved one)."""
        now = int(time.time())
        exp = access_exp if access_exp is not None else now + self.access_ttl
        access = make_jwt({"scope": "com.atproto.appPass", "sub": self.did, "iat": now, "exp": exp,
                           "aud": "did:web:fake.pds"})
        refresh = make_jwt({"scope": "com.atproto.refresh", "sub": self.did, "iat": now, "exp": now + 90 * 86400,
                            "aud": "did:web:fake.pds", "jti": secrets.token_hex(16)}, typ="refresh+jwt")
        with self.lock:
            self.access[access] = exp
            self.refresh.add(refresh)
        return {"did": self.did, "handle": self.user_handle, "accessJwt": access, "refreshJwt": refresh,
                "active": True}

    def revoke_access(self) -> None:
        """Forget every access token (the server-side view of a revoked or rotated session)."""
        with self.lock:
            self.access.clear()

    def revoke_all(self) -> None:
        with self.lock:
            self.access.clear()
            self.refresh.clear()

    def rate_limit_next(self, nsid: str, reset_in: int = 120, times: int = 1) -> int:
        """Answer the next ``times`` calls to ``nsid`` with 429; returns the reset epoch."""
        reset = int(time.time()) + reset_in
        self.fail_next(429, body=RATE_LIMITED_BODY, path=XRPC + nsid, times=times,
                       headers={"ratelimit-limit": "30", "ratelimit-remaining": "0",
                                "ratelimit-reset": str(reset), "ratelimit-policy": "30;w=300"})
        return reset

    def add_record(self, text: str, **fields: Any) -> dict[str, Any]:
        """A post that exists already (published before a crash, say)."""
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": _now_iso(), **fields}
        return self._store(record)

    # -- dispatch
    def handle(self, req: Request) -> tuple[int, Any, dict[str, str]]:
        nsid = req.path[len(XRPC):] if req.path.startswith(XRPC) else ""
        routes = {
            "com.atproto.server.createSession": self._create_session,
            "com.atproto.server.refreshSession": self._refresh_session,
            "app.bsky.actor.getProfile": self._get_profile,
            "com.atproto.repo.createRecord": self._create_record,
            "com.atproto.repo.listRecords": self._list_records,
        }
        route = routes.get(nsid)
        if self.pds is not None and nsid not in ("com.atproto.server.createSession",
                                                 "com.atproto.server.refreshSession"):
            return 400, {"error": "InvalidToken", "message": "Token could not be verified"}, {}  # not its account
        if nsid in self.delays:
            time.sleep(self.delays[nsid])
        if route is None:
            return 501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, {}
        status, body = route(req)
        return status, body, self._ratelimit_headers()

    def _ratelimit_headers(self) -> dict[str, str]:
        return {"ratelimit-limit": "5000", "ratelimit-remaining": "4990",
                "ratelimit-reset": str(int(time.time()) + 3600), "ratelimit-policy": "5000;w=3600"}

    # -- sessions
    def _create_session(self, req: Request) -> tuple[int, Any]:
        with self.lock:
            self.create_session_calls += 1
        body = req.json() or {}
        if body.get("identifier") not in (self.user_handle, self.did) or body.get("password") != self.app_password:
            return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        return 200, self._session()

    def _session(self) -> dict[str, Any]:
        if self.pds is None:
            return self.issue_session()
        return {**self.pds.issue_session(), "didDoc": {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.pds.did, "alsoKnownAs": [f"at://{self.pds.user_handle}"],
            "verificationMethod": [{"id": f"{self.pds.did}#atproto", "type": "Multikey", "controller": self.pds.did,
                                    "publicKeyMultibase": "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF"}],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.pds.url}],
        }}

    def _refresh_session(self, req: Request) -> tuple[int, Any]:
        with self.lock:
            self.refresh_session_calls += 1
            token = _bearer(req)
            if token not in self.refresh:
                return 400, {"error": "ExpiredToken", "message": "Token has been revoked"}
            self.refresh.discard(token)  # refresh tokens are single use
        return 200, self._session()

    def _auth_error(self, req: Request) -> tuple[int, Any] | None:
        token = _bearer(req)
        exp = self.access.get(token or "")
        if exp is None:
            return 400, {"error": "InvalidToken", "message": "Token could not be verified"}
        if exp <= time.time():
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}
        return None

    def _get_profile(self, req: Request) -> tuple[int, Any]:
        if error := self._auth_error(req):
            return error
        return 200, {"did": self.did, "handle": self.user_handle, "displayName": "Assist Tester", "postsCount":
                     len(self.records), "followersCount": 0, "followsCount": 0}

    # -- records
    def _create_record(self, req: Request) -> tuple[int, Any]:
        if error := self._auth_error(req):
            return error
        body = req.json() or {}
        if body.get("repo") not in (self.did, self.user_handle):
            return 400, {"error": "InvalidRequest", "message": "Input/repo must be the authenticated account"}
        if body.get("collection") != "app.bsky.feed.post":
            return 400, {"error": "InvalidRequest", "message": "unexpected collection"}
        record = body.get("record") or {}
        problem = check_post(record)
        if problem:
            return 400, {"error": "InvalidRequest", "message": f"Invalid app.bsky.feed.post record: {problem}"}
        stored = self._store(record)
        with self.lock:
            self.published.append(stored)
        return 200, {"uri": stored["uri"], "cid": stored["cid"], "validationStatus": "valid",
                     "commit": {"cid": "bafyreicommit" + secrets.token_hex(8), "rev": stored["rkey"]}}

    def _store(self, record: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self._clock += 1
            rkey = _tid(self._clock)
            stored = {"uri": f"at://{self.did}/app.bsky.feed.post/{rkey}", "rkey": rkey,
                      "cid": "bafyrei" + secrets.token_hex(20), "value": record}
            self.records.insert(0, stored)
        return stored

    def _list_records(self, req: Request) -> tuple[int, Any]:
        repo = req.query.get("repo", [""])[0]
        if repo not in (self.did, self.user_handle):
            return 400, {"error": "InvalidRequest", "message": f"Could not find repo: {repo}"}
        limit = int(req.query.get("limit", ["50"])[0])
        page = self.records[:limit]
        out = {"records": [{"uri": r["uri"], "cid": r["cid"], "value": r["value"]} for r in page]}
        if len(self.records) > limit:
            out["cursor"] = page[-1]["rkey"]
        return 200, out


def check_post(record: dict[str, Any]) -> str | None:
    """What the PDS's lexicon validation would refuse in a post record (None when it is valid)."""
    text = record.get("text")
    if record.get("$type") != "app.bsky.feed.post" or not isinstance(text, str):
        return "Record/$type and Record/text are required"
    if not record.get("createdAt"):
        return "Record must have the property \"createdAt\""
    data = text.encode("utf-8")
    if len(data) > 3000:
        return "Record/text must not be longer than 3000 characters"
    if len(regex.findall(r"\X", text)) > 300:
        return "Record/text must not be longer than 300 graphemes"
    for n, facet in enumerate(record.get("facets") or []):
        if problem := _check_facet(facet, data):
            return f"Record/facets/{n}: {problem}"
    embed = record.get("embed")
    if embed is not None:
        external = embed.get("external") if embed.get("$type") == "app.bsky.embed.external" else None
        if not isinstance(external, dict) or not all(isinstance(external.get(k), str) for k in
                                                     ("uri", "title", "description")):
            return "Record/embed/external must have uri, title and description"
    return None


def _check_facet(facet: dict[str, Any], data: bytes) -> str | None:
    index = facet.get("index") or {}
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data)):
        return f"byte range {start}..{end} is outside the text ({len(data)} bytes)"
    try:
        covered = data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return f"byte range {start}..{end} cuts a character in two"
    for feature in facet.get("features") or []:
        kind = feature.get("$type")
        if kind == "app.bsky.richtext.facet#link" and not _shows(covered, feature.get("uri", "")):
            return f"link facet covers {covered!r}, not {feature.get('uri')!r}"
        if kind == "app.bsky.richtext.facet#tag" and covered != "#" + feature.get("tag", ""):
            return f"tag facet covers {covered!r}, not #{feature.get('tag')}"
    return None


def _shows(covered: str, uri: str) -> bool:
    """The covered text is the URI, or its shortened display form (no scheme, cut, ending in ...)."""
    if covered == uri:
        return True
    bare = uri.split("://", 1)[-1]
    if covered.endswith("..."):
        return bare.startswith(covered[:-3])
    return covered == bare


def _bearer(req: Request) -> str | None:
    scheme, _, token = req.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else None


def _tid(micros: int) -> str:
    """A record key in the TID format: 13 base32-sortable characters of time and clock id."""
    n = (micros << 10) | 7
    out = ""
    for _ in range(13):
        out = TID_CHARS[n & 31] + out
        n >>= 5
    return out


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
