"""Site identity: which site a URL belongs to.

A site is its host without ``www.`` (``blog.example.com`` and ``example.com`` are two sites), except
on a *shared host*, where many people publish under one host name: there a site is the host plus the
owner's part of the path, ``github.com/OWNER/REPO``, ``medium.com/@NAME``, ``dev.to/NAME``,
``reddit.com/r/NAME``, ``youtube.com/@NAME``. The key is what the ``domain`` columns of the
database hold; every writer and every argument (``--own-domain``, ``--competitor``, ``--site``,
``sites show``) goes through :func:`site_key`, so one site never has two keys.

The built-in table is :data:`SHARED_HOSTS`. Users extend or override it in config::

    [sites.shared_hosts]
    "forum.example" = ["u/*"]          # forum.example/u/NAME is a site
    "dev.to" = []                      # dev.to is one site after all

A pattern is a list of path segments: ``*`` is any segment, ``@*`` one that starts with ``@``, any
other word must match (case-insensitively). The first pattern that matches the start of a URL's path
gives the key; a path that matches none (``github.com/topics/x``, the bare host) is the host alone.
"""

from __future__ import annotations

import os
from urllib.parse import unquote

from assistant.errors import ConfigError

# host -> path patterns, most specific first.
SHARED_HOSTS: dict[str, tuple[str, ...]] = {
    "github.com": ("*/*", "*"),
    "gitlab.com": ("*/*", "*"),
    "bitbucket.org": ("*/*", "*"),
    "codeberg.org": ("*/*", "*"),
    "sr.ht": ("~*",),
    "gist.github.com": ("*",),
    "huggingface.co": ("spaces/*/*", "datasets/*/*", "*/*", "*"),
    "medium.com": ("@*", "*"),
    "substack.com": ("@*",),
    "dev.to": ("*",),
    "hashnode.com": ("@*",),
    "reddit.com": ("r/*", "user/*", "u/*"),
    "youtube.com": ("@*", "channel/*", "c/*", "user/*"),
    "x.com": ("*",),
    "facebook.com": ("*",),
    "instagram.com": ("*",),
    "tiktok.com": ("@*",),
    "linkedin.com": ("in/*", "company/*"),
    "sites.google.com": ("view/*", "site/*"),
    "mastodon.social": ("@*",),
    "bsky.app": ("profile/*",),
    "twitch.tv": ("*",),
    "npmjs.com": ("package/*",),
    "pypi.org": ("project/*",),
    "producthunt.com": ("@*", "products/*"),
    "behance.net": ("*",),
    "dribbble.com": ("*",),
    "soundcloud.com": ("*",),
}
# Other names of the same shared host.
HOST_ALIASES = {
    "twitter.com": "x.com", "mobile.twitter.com": "x.com", "m.youtube.com": "youtube.com",
    "old.reddit.com": "reddit.com", "new.reddit.com": "reddit.com", "np.reddit.com": "reddit.com",
    "m.facebook.com": "facebook.com", "mobile.x.com": "x.com",
}
# Words that are a host's own pages, never an owner's name ("github.com/topics/python").
RESERVED: dict[str, frozenset[str]] = {
    host: frozenset(words.split()) for host, words in {
        "github.com": "about apps codespaces collections enterprise events explore features issues login"
                      " marketplace new notifications orgs organizations pricing pulls readme search security"
                      " settings site sponsors topics trending",
        "gitlab.com": "explore help users dashboard search",
        "medium.com": "p m me tag tags topic search plans membership about",
        "dev.to": "t top latest search about settings new enter",
        "x.com": "i home search intent share hashtag explore settings notifications messages",
        "facebook.com": "groups watch events pages sharer share login",
        "instagram.com": "p reel reels explore accounts stories",
        "twitch.tv": "directory videos search",
        "huggingface.co": "docs models datasets spaces blog login pricing",
    }.items()
}

_cache: tuple[tuple[object, ...], dict[str, tuple[str, ...]]] | None = None


def _configured() -> dict[str, tuple[str, ...]]:
    """The built-in table updated with the user's ``[sites.shared_hosts]``, re-read when the config changes."""
    global _cache
    from assistant import config

    path = config.config_path()
    try:
        stamp: object = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    key = (str(path), stamp, os.environ.get("ASSIST_SITES__SHARED_HOSTS"))
    if _cache is not None and _cache[0] == key:
        return _cache[1]
    table = dict(SHARED_HOSTS)
    extra = config.load().get("sites.shared_hosts", {})
    if not isinstance(extra, dict):
        raise ConfigError("sites.shared_hosts: expected a table of host = [patterns]")
    for host, patterns in extra.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip("/") for p in patterns):
            raise ConfigError(f"sites.shared_hosts.{host}: expected a list of path patterns like [\"*\", \"r/*\"]")
        table[str(host).lower().removeprefix("www.")] = tuple(p.strip("/").lower() for p in patterns)
    _cache = (key, table)
    return table


def shared_hosts() -> dict[str, tuple[str, ...]]:
    """Host -> path patterns in force (built-in table plus config)."""
    return _configured()


def _match(segments: list[str], pattern: str, reserved: frozenset[str] = frozenset()) -> list[str] | None:
    parts = pattern.split("/")
    if len(segments) < len(parts):
        return None
    for seg, part in zip(segments, parts, strict=False):
        if part == "*":
            if seg in reserved or seg.startswith("@"):
                return None
        elif part.endswith("*"):
            if not seg.startswith(part[:-1]) or len(seg) == len(part) - 1:
                return None
        elif seg != part:
            return None
    return segments[: len(parts)]


def owner_path(host: str, path: str, table: dict[str, tuple[str, ...]] | None = None) -> str:
    """The owner's part of a path on a shared host ("" elsewhere, or when no pattern matches)."""
    patterns = (table if table is not None else shared_hosts()).get(host)
    if not patterns:
        return ""
    segments = [s for s in unquote(path).lower().split("/") if s]
    if segments and segments[-1].endswith(".git") and host in ("github.com", "gitlab.com", "codeberg.org"):
        segments[-1] = segments[-1][:-4]
    for pattern in patterns:
        found = _match(segments, pattern, RESERVED.get(host, frozenset()))
        if found:
            return "/".join(found)
    return ""


def split_key(key: str) -> tuple[str, str]:
    """("github.com", "owner/repo") for "github.com/owner/repo"; (host, "") for a plain host."""
    host, _, path = key.partition("/")
    return host, path


def canonical_host(host: str) -> str:
    return HOST_ALIASES.get(host, host)


def key_for(host: str, path: str, table: dict[str, tuple[str, ...]] | None = None) -> str:
    """The site key for a cleaned host (no www., lower-case) and a URL path."""
    host = canonical_host(host)
    owner = owner_path(host, path, table)
    return f"{host}/{owner}" if owner else host


def is_shared(host: str) -> bool:
    return canonical_host(host) in shared_hosts()


def contains(site: str, url_key: str) -> bool:
    """Whether a URL's site key belongs to a site: the same key, a subdomain of a plain host, or a
    page under an owner's path (github.com/owner holds github.com/owner/repo)."""
    if url_key == site:
        return True
    host, owner = split_key(site)
    url_host, url_owner = split_key(url_key)
    if not owner:
        return not url_owner and url_host.endswith("." + host) and not is_shared(url_host)
    return url_host == host and url_owner.startswith(owner + "/")


def home_url(key: str) -> str:
    """A URL for a site key: https://github.com/owner/repo/ or https://example.com/."""
    return f"https://{key}/"


__all__ = ["SHARED_HOSTS", "HOST_ALIASES", "shared_hosts", "key_for", "split_key", "contains", "home_url",
           "owner_path", "is_shared"]
