"""The Google disavow file (assistant.links.disavow): render, check, parse and merge, against the
limits of Google's help page ("Disavow links to your site")."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import UsageError
from assistant.links.disavow import (
    MAX_BYTES,
    MAX_LINES,
    MAX_URL_CHARS,
    Entry,
    Problem,
    check,
    check_file,
    merge,
    parse,
    read_text,
    render,
)

TODAY = date(2026, 5, 1)
FAST = settings(max_examples=150, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def url_of(length: int) -> str:
    base = "https://spam.example.com/"
    return base + "a" * (length - len(base))


# render

def test_render_writes_a_header_then_a_dated_reason_above_each_entry() -> None:
    text = render([Entry("url", " https://spam.example.com/paid ", "paid link", "2026-04-02"),
                   Entry("domain", "PBN.Example.ORG", "link network")], today=TODAY)
    assert text == (
        "# Disavow file for Google Search Console, written by assist on 2026-05-01.\n"
        "# Format: https://support.google.com/webmasters/answer/2648487\n"
        "# link network (2026-05-01)\n"
        "domain:pbn.example.org\n"
        "# paid link (2026-04-02)\n"
        "https://spam.example.com/paid\n"
    )
    assert check(text) == []


def test_render_is_the_same_whatever_the_order_and_drops_duplicates_and_covered_urls() -> None:
    entries = [Entry("url", "https://b.example.net/x"), Entry("domain", "spam.org", "r"),
               Entry("url", "HTTPS://B.example.net:443/x"), Entry("url", "http://www.spam.org/page"),
               Entry("domain", "sub.spam.org"), Entry("url", "https://a.example.net/")]
    text = render(entries, today=TODAY)
    assert text == render(list(reversed(entries)), today=TODAY)
    assert [e.value for e in parse(text)] == ["spam.org", "https://a.example.net/",
                                             "HTTPS://B.example.net:443/x"]
    assert check(text) == []


def test_render_writes_international_domains_in_punycode() -> None:
    text = render([Entry("domain", "Bücher.example"), Entry("url", "https://bücher.de/seite")], today=TODAY)
    assert "domain:xn--bcher-kva.example\n" in text
    assert "https://bücher.de/seite\n" in text  # a URL is kept as given
    assert check(text) == []
    assert check("domain:xn--bcher-kva.de\nhttps://bücher.de/x\n")[0].message.startswith("already covered")


@pytest.mark.parametrize(("entry", "words"), [
    (Entry("url", "example.com/blog/*"), "not a URL"),
    (Entry("url", "https://example.com/blog/*"), "wildcards"),
    (Entry("domain", "example.com/blog"), "not a path"),
    (Entry("domain", "https://example.com"), "without a scheme"),
    (Entry("domain", "*.example.com"), "wildcards"),
    (Entry("domain", ""), "empty domain"),
    (Entry("domain", "localhost"), "not a domain name"),
    (Entry("url", "ftp://example.com/file"), "only http"),
    (Entry("url", "domain:example.com"), "not a url entry"),
    (Entry("url", "https://example.com/a\nhttps://google.com/"), "U+000A"),
    (Entry("domain", "spam .com"), "a space"),
    (Entry("url", "https://example.com/", date="1 May"), "YYYY-MM-DD"),
    (Entry("page", "https://example.com/"), "kind"),  # type: ignore[arg-type]
])
def test_render_refuses_entries_google_would_not_take_in_one_line(entry: Entry, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        render([entry], today=TODAY)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_a_newline_in_a_reason_cannot_add_a_line() -> None:
    reason = "spam\ndomain:google.com\r\n# x\rhttps://evil.example/\u2028y\x85z\x00\x0b"
    text = render([Entry("domain", "spam.org", reason)], today=TODAY)
    lines = text.splitlines()
    assert len(lines) == 4 and text.count("\n") == 4 and "\r" not in text
    assert lines[2] == "# spam domain:google.com # x https://evil.example/ y z (2026-05-01)"
    assert [e.value for e in parse(text)] == ["spam.org"]


def test_render_refuses_a_site_s_own_links() -> None:
    with pytest.raises(UsageError, match="your own site"):
        render([Entry("url", "https://blog.example.com/post")], today=TODAY, own_site="https://www.example.com/")
    with pytest.raises(UsageError, match="your own site"):
        render([Entry("domain", "example.com")], today=TODAY, own_site="blog.example.com")


# limits

def test_a_url_of_2048_characters_is_accepted_and_2049_refused() -> None:
    assert check(url_of(MAX_URL_CHARS) + "\n") == []
    assert render([Entry("url", url_of(MAX_URL_CHARS))], today=TODAY)
    assert check("# ok\n" + url_of(MAX_URL_CHARS + 1) + "\n") == [
        Problem(2, "error", "the URL is 2,049 characters; Google's limit is 2,048")]
    with pytest.raises(UsageError, match="2,049 characters"):
        render([Entry("url", url_of(MAX_URL_CHARS + 1))], today=TODAY)


@pytest.mark.slow  # several passes over 100,000 lines
def test_100000_lines_are_accepted_and_100001_refused() -> None:
    text = "".join(f"domain:s{i}.io\n" for i in range(MAX_LINES))
    assert check(text) == []
    assert check(text + "\n") == [Problem(MAX_LINES + 1, "error", "the file has 100,001 lines; Google's limit "
                                                                  "is 100,000 (blank and comment lines count)")]
    # the header is two lines, each entry two more
    entries = [Entry("url", f"http://s{i}.io") for i in range((MAX_LINES - 2) // 2)]
    assert render(entries, today=TODAY).count("\n") == MAX_LINES
    with pytest.raises(UsageError, match="100,002 lines"):
        render([*entries, Entry("url", "http://one-more.io")], today=TODAY)
    short = text[:text.index("domain:s99998.io")]
    assert merge(short, [Entry("domain", "one-more.io")], today=TODAY).count("\n") == MAX_LINES
    with pytest.raises(UsageError, match="100,001 lines"):
        merge(short + "\n", [Entry("domain", "one-more.io")], today=TODAY)


def test_the_2_mb_limit_is_exact() -> None:
    filler = "#" + "x" * (MAX_BYTES - 2) + "\n"
    assert len(filler.encode()) == MAX_BYTES and check(filler) == []
    assert check("#é" + filler[2:]) == [Problem(1, "error", "the file is 2,000,001 bytes; Google's limit is "
                                                           "2 MB (2,000,000 bytes), passed on this line")]
    one = render([Entry("domain", "a.io", "x")], today=TODAY)
    exact = render([Entry("domain", "a.io", "x" * (1 + MAX_BYTES - len(one)))], today=TODAY)
    assert len(exact.encode()) == MAX_BYTES
    with pytest.raises(UsageError, match="2,000,001 bytes"):
        render([Entry("domain", "a.io", "x" * (2 + MAX_BYTES - len(one)))], today=TODAY)
    base = "domain:a.io\n"
    added = len(merge(base, [Entry("domain", "b.io", "x")], today=TODAY)) - len(base)
    fits = merge(base, [Entry("domain", "b.io", "x" * (1 + MAX_BYTES - len(base) - added))], today=TODAY)
    assert len(fits.encode()) == MAX_BYTES and check(fits) == []
    with pytest.raises(UsageError, match="2,000,001 bytes"):
        merge(base, [Entry("domain", "b.io", "x" * (2 + MAX_BYTES - len(base) - added))], today=TODAY)


# check

def test_check_reports_each_problem_on_its_line() -> None:
    text = "\n".join([
        "# comment",                                    # 1
        "example.com/blog/*",                           # 2 path prefix without a scheme
        "domain:example.com/blog",                      # 3
        "domain:https://example.com",                   # 4
        "domain:*.example.com",                         # 5
        "domain:",                                      # 6
        "https://spam.example.net/a page",              # 7
        "domain:spam.example.net",                      # 8
        "https://www.spam.example.net/page",            # 9 covered by line 8
        "domain:SPAM.example.net",                      # 10 duplicate of 8
        "  # indented comment",                         # 11
        "ftp://files.example.net/x",                    # 12
        "Domain:other.example",                         # 13
        "/relative/page.html",                          # 14
        " https://ok.example.org/ ",                    # 15
        "domain:example.com:8080",                      # 16
        "",
    ])
    found = [(p.line, p.severity, p.message.split(" ")[0:3]) for p in check(text)]
    assert [(line, severity) for line, severity, _ in found] == [
        (2, "error"), (3, "error"), (4, "error"), (5, "error"), (6, "error"), (7, "error"),
        (9, "warning"), (10, "warning"), (11, "error"), (12, "error"), (13, "error"), (14, "error"),
        (15, "warning"), (16, "error")]
    messages = {p.line: p.message for p in check(text)}
    assert "path prefixes are not supported" in messages[2]
    assert "not a path" in messages[3]
    assert "without a scheme" in messages[4]
    assert "wildcards" in messages[5]
    assert "empty domain" in messages[6]
    assert "a space inside the entry (column 27)" in messages[7]
    assert messages[9] == "already covered by domain:spam.example.net on line 8"
    assert messages[10] == "duplicate of line 8"
    assert "beginning of the line" in messages[11]
    assert "only http" in messages[12]
    assert "lower case" in messages[13]
    assert messages[15] == "spaces before or after the entry"
    assert "port" in messages[16]


def test_a_domain_line_covers_urls_and_subdomains_before_and_after_it() -> None:
    text = "http://a.spam.org/1\ndomain:spam.org\ndomain:b.spam.org\nhttps://spam.org/2\nhttps://notspam.org/\n"
    assert [(p.line, p.message) for p in check(text)] == [
        (1, "already covered by domain:spam.org on line 2"),
        (3, "already covered by domain:spam.org on line 2"),
        (4, "already covered by domain:spam.org on line 2")]


def test_check_warns_about_a_byte_order_mark_and_refuses_utf16() -> None:
    assert check("\ufeffdomain:spam.org\n") == [Problem(1, "warning", "the file starts with a byte-order mark "
                                                                      "(BOM); save it as UTF-8 without one")]
    assert check("domain:spam.org\n".encode("utf-16")) == [Problem(1, "error", "the file is UTF-16; save it as UTF-8")]


def test_check_warns_about_the_own_site() -> None:
    problems = check("https://www.example.com/a\ndomain:other.org\n", own_site="example.com")
    assert problems == [Problem(1, "warning", "disavows links from your own site (example.com)")]


def test_a_file_that_is_not_utf8_has_a_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "disavow.txt"
    path.write_bytes(b"# ok\r\ndomain:spam.org\r\nhttps://caf\xe9.example/\r\ndomain:more.org\r\n")
    assert check_file(path) == [Problem(3, "error", "not UTF-8 (byte 0xE9 at byte 12 of the line); "
                                                    "save the file as UTF-8")]
    with pytest.raises(UsageError, match=r"not UTF-8 \(line 3\)"):
        read_text(path)


def test_check_file_on_a_50_mb_file_returns_at_once_with_a_size_problem(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"domain:spam.org\n")
        handle.truncate(50_000_000)
    started = time.monotonic()
    assert check_file(path) == [Problem(0, "error", "the file is 50,000,000 bytes; Google's limit is 2 MB "
                                                    "(2,000,000 bytes)")]
    assert time.monotonic() - started < 0.5


def test_check_file_refuses_a_missing_file_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        check_file(tmp_path / "nope.txt")
    assert str(raised.value) == f"{tmp_path / 'nope.txt'}: no such file"
    with pytest.raises(UsageError, match="no such file"):
        read_text(tmp_path / "nope.txt")


# merge

ROUND_TRIPS = [
    "# mine\ndomain:spam.org\n\nhttps://x.example/a\n",
    "# mine\r\ndomain:spam.org\r\n\r\nhttps://x.example/a\r\n",
    "# mine\ndomain:spam.org\nhttps://x.example/a",  # no final newline
    "\ufeff# with a BOM\r\ndomain:spam.org",
    "",
    "\n\n\n",
    "#only a comment",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_merge_with_nothing_new_gives_back_the_file_byte_for_byte(tmp_path: Path, text: str) -> None:
    path = tmp_path / "disavow.txt"
    path.write_bytes(text.encode())
    assert merge(read_text(path), [], today=TODAY).encode() == path.read_bytes()
    if "domain:spam.org" in text:
        already = [Entry("url", "https://spam.org/again"), Entry("domain", "SPAM.org")]
        assert merge(text, already, today=TODAY) == text


def test_merge_appends_only_the_new_entries_in_the_file_s_line_ending(tmp_path: Path) -> None:
    path = tmp_path / "disavow.txt"
    path.write_bytes(b"# mine\r\ndomain:spam.org\r\n\r\nhttps://x.example/a")
    existing = read_text(path)
    merged = merge(existing, [Entry("domain", "new.org", "pbn", "2026-04-30"), Entry("url", "https://x.example/a")],
                   today=TODAY)
    path.write_bytes(merged.encode())
    assert path.read_bytes() == (b"# mine\r\ndomain:spam.org\r\n\r\nhttps://x.example/a\r\n"
                                 b"# pbn (2026-04-30)\r\ndomain:new.org\r\n")
    assert check_file(path) == []


def test_merge_skips_present_domains_and_urls_and_urls_a_domain_covers() -> None:
    existing = "domain:spam.org\nhttps://Page.Example.com:443/a#top\n"
    merged = merge(existing, [
        Entry("domain", "Spam.ORG"),                    # the same domain
        Entry("domain", "deep.spam.org"),               # a subdomain of it
        Entry("url", "http://www.spam.org/x"),          # a page under it
        Entry("url", "https://page.example.com/a"),     # the same URL, normalised
        Entry("url", "https://page.example.com/b", "new page"),
        Entry("url", "https://page.example.com/b", "twice"),
    ], today=TODAY)
    assert merged == existing + "# new page (2026-05-01)\nhttps://page.example.com/b\n"


def test_merge_adds_a_domain_and_leaves_the_urls_it_now_covers() -> None:
    existing = "https://spam.org/1\n"
    merged = merge(existing, [Entry("domain", "spam.org"), Entry("url", "https://spam.org/2")], today=TODAY)
    assert merged == existing + "# (2026-05-01)\ndomain:spam.org\n"
    assert [p.severity for p in check(merged)] == ["warning"]  # the old URL line is now redundant


def test_merge_refuses_a_current_file_with_errors_in_one_line() -> None:
    with pytest.raises(UsageError) as raised:
        merge("domain:spam.org\nexample.com/blog/*\n", [Entry("domain", "x.org")], today=TODAY)
    assert "line 2" in str(raised.value) and "\n" not in str(raised.value)


# parse

def test_parse_reads_entries_and_the_reasons_assist_wrote() -> None:
    text = ("\ufeff# a header line\r\ndomain:Spam.org\r\n# paid (2026-01-02)\r\nhttps://x.example/a\r\n"
            "example.com/bad\r\n# (2026-02-03)\r\ndomain:bücher.de\r\n")
    assert parse(text) == [Entry("domain", "spam.org"),
                           Entry("url", "https://x.example/a", "paid", "2026-01-02"),
                           Entry("domain", "xn--bcher-kva.de", None, "2026-02-03")]


# property

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True) | st.sampled_from(
    ["bücher", "пример", "例え", "straße", "xn--bcher-kva"])
HOST = st.builds(lambda labels, tld, upper: (".".join([*labels, tld])).upper() if upper else ".".join([*labels, tld]),
                 st.lists(LABEL, min_size=1, max_size=3), st.sampled_from(["com", "org", "io", "de"]), st.booleans())
PATH = st.text(alphabet="abcxyz0123456789/-_.~%=&?", max_size=40)
PAD = st.sampled_from(["", " ", "\t", " \n"])
REASON = st.none() | st.text(max_size=40)
WHEN = st.none() | st.dates().map(date.isoformat)
DOMAIN = st.builds(lambda host, pad, reason, when: Entry("domain", pad + host + pad, reason, when),
                   HOST, PAD, REASON, WHEN)
URL = st.builds(lambda scheme, host, path, pad, reason, when: Entry("url", f"{pad}{scheme}://{host}/{path}{pad}",
                                                                     reason, when),
                st.sampled_from(["http", "https", "HTTPS"]), HOST, PATH, PAD, REASON, WHEN)
ENTRIES = st.lists(DOMAIN | URL, max_size=12)


@FAST
@given(ENTRIES, ENTRIES)
def test_any_valid_entries_render_clean_and_merge_after_the_file_untouched(a: list[Entry], b: list[Entry]) -> None:
    first = render(a, today=TODAY)
    assert errors(check(first)) == []
    assert merge(first, [], today=TODAY) == first
    merged = merge(first, b, today=TODAY)
    assert merged.startswith(first)
    assert errors(check(merged)) == []
    added = merged[len(first):].splitlines()
    assert len(added) % 2 == 0 and all(line.startswith("# ") for line in added[::2])
    assert len(parse(merged)) == len(parse(first)) + len(added) // 2
