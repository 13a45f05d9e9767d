"""assistant.links.page: what a fetched page says about its links to the user's sites."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from assistant.links.page import MAX_LINKS, PLACEMENTS, PageFacts, analyse

PAGES = Path(__file__).parent / "links_pages"
BLOG = "https://blog.example.org/posts/ten-tools/"
OWN = {"mysite.example"}


def _page(body: str, *, head: str = "", attrs: str = "") -> str:
    return f"<!DOCTYPE html>\n<html{attrs}>\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n"


def _facts(html: str, url: str = BLOG, **kwargs: object) -> PageFacts:
    kwargs.setdefault("targets", OWN)
    return analyse(html, url, **kwargs)  # type: ignore[arg-type]


def _by_path(facts: PageFacts) -> dict[str, object]:
    return {link.url.removeprefix("https://mysite.example").removeprefix("https://www.mysite.example"): link
            for link in facts.links}


def _line_of(html: str, needle: str) -> int:
    return html[: html.index(needle)].count("\n") + 1


@pytest.fixture(scope="module")
def blog() -> tuple[str, PageFacts]:
    html = (PAGES / "blog_post.html").read_text(encoding="utf-8")
    return html, analyse(html, BLOG, targets=OWN)


# --------------------------------------------------------------------------- placement


@pytest.mark.parametrize(("path", "placement"), [
    ("/header-link", "header"),
    ("/nav-link", "navigation"),
    ("/entry-header-link", "content"),  # the article's own header is part of the article
    ("/content-link", "content"),
    ("/aside-in-article", "content"),  # a pull quote inside the article
    ("/bio-link", "content"),  # the article's footer (author bio)
    ("/comment-author", "comment"),
    ("/comment-body", "comment"),  # article > comments > article.comment-body: a comment
    ("/sidebar-link", "sidebar"),
    ("/teaser-in-sidebar", "sidebar"),  # an <article> card inside a widget stays sidebar
    ("/footer-link", "footer"),  # class="site-footer"
    ("/role-footer", "footer"),
    ("/role-nav", "navigation"),
    ("/camel-sidebar", "sidebar"),  # class="sidebarMenu"
])
def test_each_link_is_placed_by_the_structure_around_it(blog: tuple[str, PageFacts], path: str,
                                                        placement: str) -> None:
    link = _by_path(blog[1])[path]
    assert link.placement == placement  # type: ignore[attr-defined]
    assert link.placement in PLACEMENTS  # type: ignore[attr-defined]


def test_only_links_to_own_sites_are_listed_in_source_order(blog: tuple[str, PageFacts]) -> None:
    html, facts = blog
    assert [link.url for link in facts.links][:3] == [
        "https://mysite.example/header-link", "https://mysite.example/nav-link",
        "https://mysite.example/entry-header-link"]
    assert len(facts.links) == 14
    assert [link.line for link in facts.links] == sorted(link.line or 0 for link in facts.links)


def test_line_numbers_are_those_of_the_html_source(blog: tuple[str, PageFacts]) -> None:
    html, facts = blog
    for link in facts.links:
        assert link.line == _line_of(html, f'href="{link.url}"'), link.url


def test_anchor_text_and_context_are_squashed_text(blog: tuple[str, PageFacts]) -> None:
    link = _by_path(blog[1])["/content-link"]
    assert link.anchor == "the docs linter"  # type: ignore[attr-defined]
    assert link.context == ("Writing docs is hard. One tool that helps is the docs linter which checks"  # type: ignore[attr-defined]
                            " every page before it ships.")
    assert _by_path(blog[1])["/sidebar-link"].context == "A friend"  # type: ignore[attr-defined]


def test_a_long_paragraph_gives_a_capped_context_around_the_link() -> None:
    words = " ".join(f"word{i}" for i in range(400))
    facts = _facts(_page(f'<p>{words} <a href="https://mysite.example/">here it is</a> {words}</p>'))
    context = facts.links[0].context
    assert len(context) <= 300 and "here it is" in context


def test_a_nav_inside_the_footer_is_navigation_and_a_footer_widget_is_sidebar() -> None:
    facts = _facts(_page(
        '<footer><nav><a href="https://mysite.example/a">a</a></nav>'
        '<div class="widget"><a href="https://mysite.example/b">b</a></div>'
        '<p><a href="https://mysite.example/c">c</a></p></footer>'
        '<div class="footer-content"><a href="https://mysite.example/d">d</a></div>'))
    assert [link.placement for link in facts.links] == ["navigation", "sidebar", "footer", "content"]


def test_comment_sections_win_over_the_article_around_them() -> None:
    facts = _facts(_page(
        '<main><article><p><a href="https://mysite.example/a">a</a></p>'
        '<div id="disqus_thread"><a href="https://mysite.example/b">b</a></div>'
        '<section class="user-comments"><article><a href="https://mysite.example/c">c</a></article></section>'
        '<div role="comment"><a href="https://mysite.example/d">d</a></div>'
        '<div class="has-comments comments-link"><a href="https://mysite.example/e">e</a></div>'
        '</article></main>'))
    assert [link.placement for link in facts.links] == ["content", "comment", "comment", "comment", "content"]


# --------------------------------------------------------------------------- rel, images, URLs, own sites


def test_rel_flags_are_read_as_case_insensitive_tokens() -> None:
    facts = _facts(_page(
        '<p><a href="https://mysite.example/1" rel="NoFollow  Noopener">1</a>'
        '<a href="https://mysite.example/2" rel="SPONSORED">2</a>'
        '<a href="https://mysite.example/3" rel="ugc\texternal">3</a>'
        '<a href="https://mysite.example/4" rel="nofollowing">4</a>'
        '<a href="https://mysite.example/5">5</a></p>'))
    flags = [(link.nofollow, link.sponsored, link.ugc, link.followed) for link in facts.links]
    assert flags == [(True, False, False, False), (False, True, False, False), (False, False, True, False),
                     (False, False, False, True), (False, False, False, True)]


def test_a_page_wide_nofollow_makes_every_link_unfollowed() -> None:
    facts = _facts(_page('<p><a href="https://mysite.example/">x</a></p>',
                         head='<meta name="robots" content="nofollow">'))
    assert facts.meta_nofollow and not facts.meta_noindex
    assert facts.links[0].nofollow is False and facts.links[0].followed is False


def test_an_image_link_takes_the_alt_text() -> None:
    facts = _facts(_page(
        '<p><a href="https://mysite.example/i"><img src="b.png" alt="  My   badge "></a>'
        '<a href="https://mysite.example/t"><img src="b.png" alt="ignored">Text wins</a>'
        '<a href="https://mysite.example/n"><img src="b.png"></a></p>'
        '<map name="m"><area href="https://mysite.example/area" alt="Map area" rel="nofollow"></map>'))
    got = [(link.anchor, link.image, link.nofollow) for link in facts.links]
    assert got == [("My badge", True, False), ("Text wins", False, False), ("", True, False),
                   ("Map area", True, True)]


def test_links_resolve_against_the_base_href_and_the_page_url() -> None:
    body = ('<p><a href="../x?a=1#top">rel</a><a href="//mysite.example/proto">proto</a>'
            '<a href="HTTPS://MYSITE.EXAMPLE">upper</a><a href="mailto:me@mysite.example">mail</a>'
            '<a href="javascript:void(0)">js</a><a href=" https://mysite.example/space ">sp</a></p>')
    facts = _facts(_page(body), url="https://mysite.example/blog/post/")
    assert [link.url for link in facts.links] == [
        "https://mysite.example/blog/x?a=1", "https://mysite.example/proto", "https://mysite.example/",
        "https://mysite.example/space"]
    based = _facts(_page(body, head='<base href="https://mysite.example/docs/v2/">'), url="https://other.example/p")
    assert based.links[0].url == "https://mysite.example/docs/x?a=1"
    relative_base = _facts(_page('<a href="page">p</a>', head='<base href="/sub/">'),
                           url="https://mysite.example/a/b")
    assert relative_base.links[0].url == "https://mysite.example/sub/page"
    js_base = _facts(_page('<a href="page">p</a>', head='<base href="javascript:alert(1)">'),
                     url="https://mysite.example/a/b")
    assert js_base.links[0].url == "https://mysite.example/a/page"


def test_own_sites_match_www_and_subdomains_but_not_look_alikes() -> None:
    hrefs = ["https://mysite.example/", "https://www.mysite.example/a", "https://blog.mysite.example/b",
             "https://WWW.MySite.Example:443/c", "https://notmysite.example/", "https://mysite.example.evil.com/",
             "https://evil.com/mysite.example", "http://mysite.example/d"]
    html = _page("".join(f'<p><a href="{h}">x</a></p>' for h in hrefs))
    expect = [0, 1, 2, 3, 7]
    for targets in ({"mysite.example"}, {"www.mysite.example"}, ["https://mysite.example/"]):
        assert [link.url for link in _facts(html, targets=targets).links] == [
            analyse_url for i, analyse_url in enumerate(
                ["https://mysite.example/", "https://www.mysite.example/a", "https://blog.mysite.example/b",
                 "https://www.mysite.example:443/c", "", "", "", "http://mysite.example/d"]) if i in expect]
    only_blog = _facts(html, targets=lambda url: url.startswith("https://blog."))
    assert [link.url for link in only_blog.links] == ["https://blog.mysite.example/b"]


def test_a_failing_predicate_is_noted_not_raised() -> None:
    def boom(url: str) -> bool:
        raise RuntimeError(url)

    facts = _facts(_page('<p><a href="https://mysite.example/">x</a></p>'), targets=boom)
    assert facts.links == [] and facts.notes == ["analysis stopped early: RuntimeError"]


def test_shared_hosts_match_the_owners_path_only() -> None:
    html = _page('<p><a href="https://github.com/me/tool">mine</a><a href="https://github.com/you/x">yours</a></p>')
    facts = _facts(html, targets={"github.com/me"})
    assert [link.url for link in facts.links] == ["https://github.com/me/tool"]
    assert facts.outbound_domains == 2


# --------------------------------------------------------------------------- outbound counts


def test_outbound_links_and_domains_count_other_sites_only(blog: tuple[str, PageFacts]) -> None:
    facts = _facts(_page(
        '<a href="/about">internal</a><a href="https://www.blog.example.org/x">www</a>'
        '<a href="https://cdn.blog.example.org/x">subdomain</a>'
        '<a href="https://a.example/1">a1</a><a href="https://a.example/2">a2</a>'
        '<a href="https://www.a.example/3">a3</a><a href="https://b.example/">b</a>'
        '<a href="mailto:x@c.example">mail</a><a>no href</a><a href="ftp://d.example/">ftp</a>'))
    assert (facts.outbound_links, facts.outbound_domains) == (4, 2)
    _, blog_facts = blog
    # 14 to mysite.example, github.com/someone, other.example.net (twice)
    assert (blog_facts.outbound_links, blog_facts.outbound_domains) == (17, 3)


def test_links_past_the_cap_are_still_counted() -> None:
    n = MAX_LINKS + 500
    html = _page("<div>" + "".join(f'<a href="https://s{i % 7}.example/{i}">x</a>' for i in range(n))
                 + '<a href="https://mysite.example/late">late</a></div>')
    facts = _facts(html)
    assert (facts.outbound_links, facts.outbound_domains) == (n + 1, 8)
    assert facts.links == []  # the own link comes after the cap
    assert any("only the first" in note for note in facts.notes)


# --------------------------------------------------------------------------- robots, canonical, lang, title


@pytest.mark.parametrize(("meta", "noindex", "nofollow"), [
    ('<meta name="robots" content="noindex">', True, False),
    ('<meta name="ROBOTS" content="NoIndex, NoFollow">', True, True),
    ('<meta name="robots" content="none">', True, True),
    ('<meta name="googlebot" content="noindex">', True, False),
    ('<meta name="bingbot" content="noindex">', False, False),
    ('<meta name="robots" content="index, follow, max-snippet:-1">', False, False),
    ('<meta name="description" content="noindex">', False, False),
])
def test_meta_robots(meta: str, noindex: bool, nofollow: bool) -> None:
    facts = _facts(_page("<p>x</p>", head=meta))
    assert (facts.meta_noindex, facts.meta_nofollow) == (noindex, nofollow)


@pytest.mark.parametrize(("value", "noindex", "nofollow"), [
    ("noindex", True, False),
    ("NOINDEX, NOFOLLOW", True, True),
    ("none", True, True),
    ("googlebot: noindex", True, False),
    ("googlebot: nofollow, noindex", True, True),
    ("otherbot: noindex, nofollow", False, False),
    ("otherbot: noindex, googlebot: nofollow", False, True),
    ("noarchive, unavailable_after: 25 Jun 2010 15:00:00 PST", False, False),
    ("max-snippet: 20, nofollow", False, True),
    ("", False, False),
])
def test_x_robots_tag_header(value: str, noindex: bool, nofollow: bool) -> None:
    facts = _facts(_page("<p>x</p>"), headers={"X-Robots-Tag": value})
    assert (facts.meta_noindex, facts.meta_nofollow) == (noindex, nofollow)


def test_x_robots_tag_repeated_headers_each_count() -> None:
    headers = httpx.Headers([("x-robots-tag", "otherbot: nofollow"), ("X-Robots-Tag", "noindex")])
    facts = _facts(_page("<p>x</p>"), headers=headers)
    assert (facts.meta_noindex, facts.meta_nofollow) == (True, False)
    assert _facts("", headers={"x-robots-tag": "noindex"}).meta_noindex  # no page at all


@pytest.mark.parametrize(("canonical", "elsewhere"), [
    ("https://blog.example.org/posts/ten-tools/", False),
    ("https://blog.example.org/posts/ten-tools", False),
    ("HTTPS://Blog.Example.ORG:443/posts/ten-tools/#comments", False),
    ("/posts/ten-tools/", False),
    ("https://blog.example.org/posts/ten-tools/?page=2", True),
    ("https://blog.example.org/posts/other/", True),
    ("https://syndicated.example/ten-tools/", True),
    ("http://blog.example.org/posts/ten-tools/", True),
    ("https://blog.example.org/Posts/Ten-Tools/", True),  # paths are case-sensitive
])
def test_canonical_elsewhere_compares_normalised_urls(canonical: str, elsewhere: bool) -> None:
    head = f'<link rel="canonical" href="{canonical}"><link rel="canonical" href="https://second.example/">'
    facts = _facts(_page("<p>x</p>", head=head))
    assert facts.canonical is not None and facts.canonical.startswith(("https://", "http://"))
    assert facts.canonical_elsewhere is elsewhere


def test_canonical_from_the_link_header_and_none_without_one() -> None:
    header = '<https://blog.example.org/a.css>; rel="preload", <https://elsewhere.example/p>; rel="canonical"'
    facts = _facts(_page("<p>x</p>"), headers={"Link": header})
    assert (facts.canonical, facts.canonical_elsewhere) == ("https://elsewhere.example/p", True)
    facts = _facts(_page("<p>x</p>"))
    assert (facts.canonical, facts.canonical_elsewhere) == (None, False)


@pytest.mark.parametrize(("attrs", "headers", "lang"), [
    (' lang="en-GB"', {}, "en"),
    (' lang="DE"', {"Content-Language": "fr"}, "de"),
    (' xml:lang="pt_BR"', {}, "pt"),
    ("", {"content-language": "es-ES, en"}, "es"),
    (' lang=""', {}, None),
    (' lang="12"', {}, None),
    ("", {}, None),
])
def test_lang_is_the_primary_subtag(attrs: str, headers: dict[str, str], lang: str | None) -> None:
    assert _facts(_page("<p>x</p>", attrs=attrs), headers=headers).lang == lang


def test_title_and_text_sample(blog: tuple[str, PageFacts]) -> None:
    _, facts = blog
    assert facts.title == "Ten tools for writing better docs | Example Blog"
    assert facts.lang == "en" and facts.canonical_elsewhere is False
    assert "Writing docs is hard." in facts.text_sample
    assert "window.dataLayer" not in facts.text_sample


# --------------------------------------------------------------------------- risk evidence


def test_paid_disclosure_gives_the_phrase_and_its_line() -> None:
    html = _page("<article>\n<p><em>This post is\n<b>sponsored</b> by Acme.</em></p>\n"
                 "<p>It contains affiliate links.</p>\n"
                 "<p>Dieser Artikel: gesponserter Beitrag.</p>\n"
                 "<p>This is not a sponsored post.</p>\n"
                 '<div class="label">Sponsored</div>\n</article>\n'
                 "<script>var t = 'sponsored post';</script>\n"
                 '<aside><div>Sponsored</div></aside>')
    found = [(e.phrase, e.line) for e in _facts(html).paid_disclosure]
    assert found == [
        ("this post is sponsored", _line_of(html, "This post is")),
        ("affiliate links", _line_of(html, "affiliate links")),
        ("gesponserter beitrag", _line_of(html, "gesponserter")),
        ("sponsored", _line_of(html, '<div class="label">')),
    ]
    assert "by Acme" in _facts(html).paid_disclosure[0].text


def test_an_ordinary_article_has_no_paid_or_directory_evidence(blog: tuple[str, PageFacts]) -> None:
    _, facts = blog
    assert facts.paid_disclosure == [] and facts.directory_like == []


def test_directory_like_evidence_from_phrases_and_link_lists() -> None:
    items = "\n".join(f'<li><a href="https://site{i}.example/">Site {i}</a></li>' for i in range(60))
    html = _page(f"<h1>Web Directory</h1>\n<p><a href='/submit'>Submit your site</a> or ask for a\n"
                 f"reciprocal link.</p>\n<ul>\n{items}\n</ul>")
    evidence = {e.phrase: e for e in _facts(html).directory_like}
    assert evidence["web directory"].line == _line_of(html, "Web Directory")
    assert evidence["submit your site"].line == _line_of(html, "Submit your")
    assert evidence["reciprocal link"].line == _line_of(html, "reciprocal")
    lists = evidence["outbound links in lists"]
    assert lists.line == _line_of(html, "https://site0.example")
    assert lists.text == "60 outbound links to 60 sites in list items"
    short = _page("<ul>" + items.split("\n")[0] * 10 + "</ul>")
    assert _facts(short).directory_like == []
    menu = _page(f"<nav><ul>{items}</ul></nav><footer><ul>{items}</ul></footer>")
    assert _facts(menu).directory_like == []


# --------------------------------------------------------------------------- lines, hostile input


def test_line_numbers_survive_comments_scripts_crlf_and_long_files() -> None:
    html = ("<html>\r\n<head><!-- one\r\ntwo\r\n--><script>\r\nvar a;\r\n</script></head>\r\n<body>\r\n"
            + "<p>filler</p>\n" * 70_000
            + '<p>\n<a\nhref="https://mysite.example/far">far</a></p>\n</body></html>')
    facts = _facts(html)
    assert facts.links[0].line == _line_of(html.replace("\r\n", "\n"), '<a\nhref="https://mysite.example/far"')


def test_script_in_anchor_text_stays_text() -> None:
    facts = _facts(_page('<p><a href="https://mysite.example/">&lt;script&gt;alert(1)&lt;/script&gt; hi'
                         '<script>document.write("x")</script></a></p>'))
    assert facts.links[0].anchor == "<script>alert(1)</script> hi"


@pytest.mark.parametrize("html", [
    "", "   \n ", "\x00\x01\x02", "<", "<<<>>>", "<?xml version='1.0'?>", "<html></html>",
    "\udcff\ud800 <a href='https://mysite.example/'>x</a>",
    "<a href='http://[::1'>broken</a><a href='https://mysite.example:99999/'>port</a>",
    '<a href="https://mysite.example/" rel="' + "x " * 100_000 + '" class="' + "y" * 100_000 + '">big</a>',
    "<table>" * 5000 + "<a href='https://mysite.example/'>x</a>",
    "<a href='https://mysite.example/'>" * 30_000,
])
def test_hostile_markup_never_raises(html: str) -> None:
    facts = analyse(html, BLOG, targets=OWN)
    assert isinstance(facts, PageFacts)


def test_binary_garbage_never_raises() -> None:
    import random

    rng = random.Random(7)
    garbage = bytes(rng.getrandbits(8) for _ in range(300_000))
    assert isinstance(analyse(garbage.decode("latin-1"), BLOG, targets=OWN), PageFacts)
    assert isinstance(analyse(garbage.decode("utf-8", "surrogateescape"), BLOG, targets=OWN), PageFacts)
    assert isinstance(analyse(garbage, BLOG, targets=OWN), PageFacts)  # type: ignore[arg-type]
    assert isinstance(analyse("<p>x</p>", "not a url", targets=OWN), PageFacts)


def test_deeply_nested_markup_does_not_crash() -> None:
    html = "<html><body>" + "<div>" * 100_000 + '<a href="https://mysite.example/">deep</a>' + "</div>" * 100_000
    facts = analyse(html, BLOG, targets=OWN)
    assert any("nested" in note for note in facts.notes)
    shallow = "<div>" * 1_000 + '<a href="https://mysite.example/">deep</a>' + "</div>" * 1_000
    assert [link.anchor for link in analyse(shallow, BLOG, targets=OWN).links] == ["deep"]


def test_a_five_megabyte_page_is_analysed_quickly() -> None:
    row = ('<li><p>Some words about a resource, with <a href="https://site{0}.example/p{0}">a link</a>'
           ' and <a href="https://mysite.example/{0}" rel="nofollow">mine</a>.</p></li>\n')
    html = _page("<ul>" + "".join(row.format(i) for i in range(30_000)) + "</ul>")
    assert len(html) > 5_000_000
    start = time.perf_counter()
    facts = analyse(html, BLOG, targets=OWN)
    assert time.perf_counter() - start < 15  # bounded: unbounded work would take minutes; CI machines are slow
    assert len(facts.links) == MAX_LINKS // 2
    assert any("characters read" in note for note in facts.notes)


def test_a_fifty_megabyte_string_is_cut() -> None:
    start = time.perf_counter()
    facts = analyse("<p>" + "word " * 10_000_000, BLOG, targets=OWN)
    assert time.perf_counter() - start < 15  # bounded: unbounded work would take minutes; CI machines are slow
    assert any("characters read" in note for note in facts.notes)
