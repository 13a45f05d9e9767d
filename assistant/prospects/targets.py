"""Crawl targets: URL helpers (a URL's site key, same-site checks, cleaning and checking URLs) and
reading the start URLs of a crawl from a URL, a text file of URLs or a CSV of sites.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlsplit, urlunsplit

from assistant.prospects import identity, store

SKIP_EXTENSIONS = frozenset(
    "jpg jpeg png gif webp svg ico bmp tif tiff avif pdf zip gz tgz rar 7z tar mp3 mp4 m4a wav ogg "
    "webm mov avi css js json xml rss atom txt csv xls xlsx doc docx ppt pptx exe dmg apk woff woff2 "
    "ttf eot".split()
)


# --------------------------------------------------------------------------- URLs


def domain_of(url: str) -> str:
    """The site key of a URL (host without "www.", plus the owner's path on a shared host); "" when none."""
    try:
        return store.normalize_domain(url)
    except store.InvalidURL:
        return ""


def same_site(url: str, domain: str) -> bool:
    """Is the URL on the site (its domain or one of its subdomains; on a shared host such as
    github.com, under the owner's path: see assistant.prospects.identity)?"""
    key = domain_of(url)
    return bool(key) and identity.contains(domain, key)


def clean_url(url: str) -> str:
    """Absolute http(s) URL without fragment, with a path ("/" at least)."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_url(url: str) -> str:
    """The URL cleaned, or ValueError when it is not an absolute http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL (add https://)")
    if not domain_of(url):
        raise ValueError(f"{url!r} has no usable host name")
    return clean_url(url)


def _looks_like_page(url: str) -> bool:
    path = urlsplit(url).path.lower()
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext not in SKIP_EXTENSIONS


# --------------------------------------------------------------------------- targets


_DOMAIN_LIKE = re.compile(r"[\w.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?")


def read_targets(target: str) -> list[str]:
    """Start URLs from a URL, a text file of URLs (# comments) or a CSV with a url or domain column.

    One URL per site (the first one given); a URL without a scheme is an error rather than a guess,
    except in a CSV ``domain`` column, whose values become ``https://<domain>/``.
    """
    from pathlib import Path

    from assistant.errors import UsageError

    if "://" in target:
        try:
            return [check_url(target)]
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    path = Path(target)
    if path.is_file():
        return _dedupe_sites(_read_target_file(path))
    if path.exists():
        raise UsageError(f"{target}: not a file")
    if _DOMAIN_LIKE.fullmatch(target) and not re.search(
            r"\.(txt|csv|tsv|json|jsonl|md|list)$", target, re.I):
        raise UsageError(f"{target!r} has no scheme: write https://{target} (or http://)")
    raise UsageError(f"{target}: no such file, and not a URL")


def _read_target_file(path: Any) -> list[str]:
    from assistant.errors import UsageError
    from assistant.prospects.sniff import detect_encoding

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise UsageError(f"{path}: empty file")
    # the same detection as imports: BOMs, UTF-16 without one, binary data refused
    encoding = detect_encoding(data[:65536], str(path))
    if encoding == "cp1252":
        raise UsageError(f"{path}: not UTF-8 text")
    try:
        text = data.decode("utf-16" if encoding.startswith("utf-16") and data[:2] in (b"\xff\xfe", b"\xfe\xff")
                           else encoding).lstrip("\ufeff")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    if path.suffix.lower() in (".csv", ".tsv") or re.search(r"(^|[,;\t])\s*\"?(url|domain)\"?\s*([,;\t]|$)",
                                                          first, re.I):
        urls = _read_target_csv(path, text)
    else:
        urls = _read_target_lines(path, lines)
    if not urls:
        raise UsageError(f"{path}: no URLs to crawl")
    return urls


def _read_target_lines(path: Any, lines: list[str]) -> list[str]:
    from assistant.errors import UsageError

    urls = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            urls.append(check_url(line))
        except ValueError:
            hint = f": write https://{line}" if _DOMAIN_LIKE.fullmatch(line) else ""
            raise UsageError(f"{path}:{number}: {line!r} is not an http(s) URL{hint}") from None
    return urls


URL_COLUMNS = ("url", "website", "homepage", "site url")  # as in site catalogs
DOMAIN_COLUMNS = ("domain", "site", "host")


def _read_target_csv(path: Any, text: str) -> list[str]:
    import csv

    from assistant.errors import UsageError

    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    columns = {(name or "").strip().lower().replace("_", " "): name for name in reader.fieldnames or []}
    url_col = next((columns[n] for n in URL_COLUMNS if n in columns), None)
    column = url_col or next((columns[n] for n in DOMAIN_COLUMNS if n in columns), None)
    if column is None:
        raise UsageError(f"{path}: a CSV of sites needs a url or domain column")
    is_domain = url_col is None
    urls = []
    for number, row in enumerate(reader, 2):
        value = (row.get(column) or "").strip()
        if not value:
            continue
        candidate = f"https://{value.strip('/')}/" if is_domain and "://" not in value else value
        try:
            urls.append(check_url(candidate))
        except ValueError:
            raise UsageError(f"{path}:{number}: {value!r} is not an http(s) URL") from None
    return urls


def _dedupe_sites(urls: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for url in urls:
        key = domain_of(url)
        if key and key not in seen:
            seen.add(key)
            out.append(url)
    return out
