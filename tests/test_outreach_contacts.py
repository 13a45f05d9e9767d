"""Contacts found on a site's own pages: extract() on one page, candidate_pages(), and
find_contacts() against a web of local hosts (tests/links_web.py)."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator

import pytest
from links_web import Web, article

from assistant.errors import AssistError, UsageError
from assistant.outreach.contacts import (
    MAX_PER_PAGE,
    Contact,
    ContactError,
    candidate_pages,
    extract,
    find_contacts,
    is_noreply,
    is_role,
    normalize,
)

PAGE = "https://blog.acme-garden.org/contact"
SITE = "http://blog.example/"


def emails(html: str, url: str = PAGE) -> list[str]:
    return [c.email for c in extract(html, url)]


def one(html: str, url: str = PAGE) -> Contact:
    found = extract(html, url)
    assert len(found) == 1, found
    return found[0]


def jsonld(data: object) -> str:
    return f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body></body></html>'


# --------------------------------------------------------------------------- mailto links


def test_a_mailto_link_is_percent_decoded_and_loses_its_subject() -> None:
    c = one('<p><a href="mailto:jane.doe%40Blog.Acme-Garden.ORG?subject=Hello%20there&body=x">Write</a></p>')
    assert (c.email, c.kind, c.source_url, c.role, c.on_site) == ("jane.doe@blog.acme-garden.org", "mailto", PAGE,
                                                                 False, True)


def test_one_mailto_link_may_hold_several_addresses_and_a_cc() -> None:
    html = '<a href="mailto:ann@blog.acme-garden.org,%20bob@blog.acme-garden.org;cy@blog.acme-garden.org?cc=dee@blog.acme-garden.org">x</a>'
    assert emails(html) == ["ann@blog.acme-garden.org", "bob@blog.acme-garden.org", "cy@blog.acme-garden.org",
                            "dee@blog.acme-garden.org"]


def test_a_rel_author_mailto_is_an_authors_address() -> None:
    assert one('<a rel="author" href="mailto:sam@blog.acme-garden.org">Sam</a>').kind == "author"


def test_a_mailto_with_a_display_name_or_entities_gives_the_bare_address() -> None:
    assert emails('<a href="mailto:Jane%20Doe%20%3Cjane@blog.acme-garden.org%3E">J</a>') == ["jane@blog.acme-garden.org"]
    assert emails('<a href="mailto:kim&#64;blog.acme-garden.org">K</a>') == ["kim@blog.acme-garden.org"]


# --------------------------------------------------------------------------- schema.org


def test_json_ld_email_and_contact_point_with_a_mailto_prefix() -> None:
    found = extract(jsonld({"@context": "https://schema.org", "@type": "Organization", "email": "mailto:office@blog.acme-garden.org",
                            "contactPoint": [{"@type": "ContactPoint", "email": "pat@blog.acme-garden.org"}]}), PAGE)
    assert [(c.email, c.kind, c.role) for c in found] == [("office@blog.acme-garden.org", "schema", True),
                                                          ("pat@blog.acme-garden.org", "schema", False)]


def test_json_ld_graph_author_person_carries_its_name() -> None:
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Blog"},
        {"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Roe", "email": ["jane@gmail.com"]}},
        {"@type": ["Person"], "name": "Max Muster", "email": "max@blog.acme-garden.org"},
    ]}
    found = extract(jsonld(data), PAGE)
    assert [(c.email, c.kind, c.name, c.on_site) for c in found] == [
        ("jane@gmail.com", "author", "Jane Roe", False), ("max@blog.acme-garden.org", "author", "Max Muster", True)]


def test_broken_or_hostile_json_ld_is_skipped() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    html = (f'<script type="application/ld+json">{deep}</script><script type="application/ld+json">{{"email": </script>'
            '<script type="application/ld+json">{"email": "ok@blog.acme-garden.org"}</script>')
    assert emails(html) == ["ok@blog.acme-garden.org"]


def test_microdata_email_in_meta_link_and_text() -> None:
    html = ('<div itemscope itemtype="https://schema.org/Organization"><meta itemprop="email" content="desk@blog.acme-garden.org">'
            '<a itemprop="email" href="mailto:sales@blog.acme-garden.org">s</a></div>'
            '<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">Lee Chan</span>'
            '<span itemprop="email">lee@blog.acme-garden.org</span></div>')
    found = extract(html, PAGE)
    assert [(c.email, c.kind, c.name) for c in found] == [("desk@blog.acme-garden.org", "schema", None),
                                                          ("sales@blog.acme-garden.org", "schema", None),
                                                          ("lee@blog.acme-garden.org", "author", "Lee Chan")]


# --------------------------------------------------------------------------- text and obfuscation


def test_plain_addresses_in_visible_text_not_in_scripts_styles_or_comments() -> None:
    html = ("<html><body><p>Questions? Email (jo.smith+blog@blog.acme-garden.org), or <b>ed@blog.acme-garden.org</b>.</p>"
            "<script>var a = 'js@blog.acme-garden.org';</script><style>/* css@blog.acme-garden.org */</style>"
            "<!-- hidden@blog.acme-garden.org --><template>tpl@blog.acme-garden.org</template></body></html>")
    assert emails(html) == ["jo.smith+blog@blog.acme-garden.org", "ed@blog.acme-garden.org"]
    assert {c.kind for c in extract(html, PAGE)} == {"text"}


@pytest.mark.parametrize("text", [
    "sam [at] blog [dot] acme-garden [dot] org",
    "sam[at]blog.acme-garden.org",
    "sam(at)blog.acme-garden.org",
    "sam (at) blog (dot) acme-garden (dot) org",
    "sam {at} blog.acme-garden.org",
    "sam &lt;at&gt; blog.acme-garden.org",
    "sam [@] blog.acme-garden.org",
    "sam&#64;blog.acme-garden.org",
    "sam&#x40;blog&#46;acme-garden&#46;org",
])
def test_simple_obfuscations_are_read(text: str) -> None:
    assert emails(f"<p>Write to {text} today.</p>") == ["sam@blog.acme-garden.org"]


def test_cloudflare_email_protection_is_decoded() -> None:
    address = b"ann@blog.acme-garden.org"
    encoded = "2a" + bytes(b ^ 0x2A for b in address).hex()
    html = (f'<a href="/cdn-cgi/l/email-protection#{encoded}">[email&#160;protected]</a>'
            f'<span class="__cf_email__" data-cfemail="{encoded}">[email protected]</span>')
    assert [(c.email, c.kind) for c in extract(html, PAGE)] == [("ann@blog.acme-garden.org", "mailto")]


def test_words_that_only_look_obfuscated_are_not_addresses() -> None:
    assert emails("<p>Meet us (at) noon, or at the office [at] 5.</p>") == []


# --------------------------------------------------------------------------- validation and flags


@pytest.mark.parametrize("address", [
    "info@blog.acme-garden.org", "INFO@blog.acme-garden.org", "webmaster@x.org", "postmaster@x.org", "abuse@x.org",
    "support@x.org", "hello@x.org", "contact-us@x.org", "press@x.org", "editor@x.org", "editors@x.org",
    "team@x.org", "office@x.org", "admin@x.org", "info+blog@x.org", "sales2@x.org", "kontakt@x.org",
])
def test_role_addresses_are_flagged(address: str) -> None:
    assert is_role(address)


@pytest.mark.parametrize("address", ["jane@x.org", "jane.doe@x.org", "infographics@x.org", "teamlead.kim@x.org"])
def test_personal_addresses_are_not_roles(address: str) -> None:
    assert not is_role(address)


def test_extract_flags_role_addresses() -> None:
    found = {c.email: c.role for c in extract("<p>info@blog.acme-garden.org and jane@blog.acme-garden.org</p>", PAGE)}
    assert found == {"info@blog.acme-garden.org": True, "jane@blog.acme-garden.org": False}


@pytest.mark.parametrize("address", ["noreply@x.org", "no-reply@x.org", "no_reply@x.org", "donotreply@x.org",
                                     "do-not-reply@x.org", "NoReply-Billing@x.org", "mailer-daemon@x.org"])
def test_noreply_addresses_are_dropped(address: str) -> None:
    assert is_noreply(address) and is_role(address)
    assert emails(f'<a href="mailto:{address}">m</a><p>{address}</p>') == []


@pytest.mark.parametrize("text", [
    "logo@2x.png", "icon@3x.webp", "hero-image@1.5x.jpg", "bundle@4.2.1.js", "style@v2.css",
    "a@localhost", "user@host", "jane@@x.org", "jane..doe@x.org", "jane@-x.org",
    "jane@x.o", "you@example.com", "name@domain.com", "yourname@x.org",
    "d41d8cd98f00b204e9800998ecf8427e@o123.ingest.sentry.io", "a" * 65 + "@x.org",
])
def test_image_names_placeholders_and_malformed_addresses_are_rejected(text: str) -> None:
    assert emails(f'<p>{text}</p><a href="mailto:{text}">m</a><img src="/img/{text}">') == []


def test_a_placeholder_domain_is_kept_on_its_own_site() -> None:
    assert emails("<p>info@example.com</p>", "https://www.example.com/contact") == ["info@example.com"]


def test_the_domain_is_lower_cased_and_the_first_source_kept() -> None:
    html = ('<a href="mailto:Jane@Blog.Acme-Garden.ORG">Jane</a><p>jane@blog.acme-garden.org</p>'
            '<script type="application/ld+json">{"@type": "Person", "name": "Jane", "email": "JANE@blog.acme-garden.org"}</script>')
    c = one(html)
    assert (c.email, c.kind, c.name) == ("JANE@blog.acme-garden.org", "author", "Jane")
    assert normalize("Jo@Sub.Acme-Garden.Net") == "Jo@sub.acme-garden.net"
    assert normalize("jo@bücher.de") == "jo@xn--bcher-kva.de"


def test_subdomain_addresses_are_on_site_and_others_are_flagged() -> None:
    found = {c.email: c.on_site for c in extract(
        "<p>a@blog.acme-garden.org b@mail.blog.acme-garden.org c@gmail.com d@acme-garden.org</p>", "https://www.blog.acme-garden.org/")}
    assert found == {"a@blog.acme-garden.org": True, "b@mail.blog.acme-garden.org": True, "c@gmail.com": False,
                     "d@acme-garden.org": False}


def test_no_address_is_on_site_on_a_shared_host() -> None:
    assert one("<p>jane@github.com</p>", "https://github.com/jane/blog").on_site is False


# --------------------------------------------------------------------------- hostile pages


def test_a_50_mb_page_is_read_only_up_to_the_cap() -> None:
    html = "<p>first@blog.acme-garden.org</p>" + "<p>" + "lorem ipsum " * 4_400_000 + "</p><p>late@blog.acme-garden.org</p>"
    assert len(html) > 50_000_000
    started = time.monotonic()
    assert emails(html) == ["first@blog.acme-garden.org"]
    assert time.monotonic() - started < 10


def test_deeply_nested_tags_do_not_break_extract() -> None:
    html = "<p>top@blog.acme-garden.org</p>" + "<div><span>" * 100_000 + "deep@blog.acme-garden.org" + "</span></div>" * 100_000
    started = time.monotonic()
    found = emails(html)
    assert "top@blog.acme-garden.org" in found
    assert time.monotonic() - started < 10


def test_binary_garbage_gives_nothing_and_no_error() -> None:
    garbage = os.urandom(2_000_000).decode("latin-1")
    found = extract(garbage, PAGE)
    assert len(found) <= MAX_PER_PAGE and all(isinstance(c, Contact) for c in found)
    assert extract("\x00\ud800<p>\x01a@blog.acme-garden.org\x7f</p>", PAGE)[0].email == "a@blog.acme-garden.org"
    assert extract("", PAGE) == [] and extract(b"<p>a@b.org</p>", PAGE) == []  # type: ignore[arg-type]
    assert extract("<p>a@blog.acme-garden.org</p>", "not a url")[0].on_site is False


def test_100k_fake_addresses_give_a_bounded_list() -> None:
    html = "<p>" + " ".join(f"person{i}@blog.acme-garden.org" for i in range(100_000)) + "</p>"
    links = "".join(f'<a href="mailto:m{i}@blog.acme-garden.org">x</a>' for i in range(100_000))
    started = time.monotonic()
    assert len(extract(html, PAGE)) == MAX_PER_PAGE
    assert len(extract(links, PAGE)) == MAX_PER_PAGE
    assert time.monotonic() - started < 10


def test_long_runs_and_many_at_signs_cost_little() -> None:
    started = time.monotonic()
    assert extract("<p>" + "a" * 2_000_000 + "@" + "b" * 500_000 + "</p>", PAGE) == []
    assert extract("<p>" + "x@" * 1_000_000 + "</p>", PAGE) == []
    assert extract("<p>" + "[at](dot)" * 200_000 + "</p>", PAGE) == []
    assert time.monotonic() - started < 10


# --------------------------------------------------------------------------- candidate pages


def test_candidate_pages_picks_contact_write_for_us_impressum_and_about_best_first() -> None:
    html = article('<a href="/2024/05/a-post/">A post</a>', '<a href="/about-us/">About us</a>',
                   '<a href="/impressum">Impressum</a>', '<a href="/write-for-us/">Write for us</a>',
                   '<a href="/author/jane/">Jane</a>', '<a href="/contact.html">Say hi</a>',
                   '<a href="https://other.example/contact">Their contact</a>', '<a href="/contact.pdf">PDF</a>',
                   '<a href="mailto:x@blog.example">mail</a>', '<a href="/author/jane/feed/">feed</a>')
    assert candidate_pages(html, SITE) == [
        "http://blog.example/contact.html", "http://blog.example/write-for-us/", "http://blog.example/impressum",
        "http://blog.example/about-us/", "http://blog.example/author/jane/"]


@pytest.mark.parametrize(("href", "anchor"), [
    ("/?page_id=7", "Contact"), ("/kontakt/", "x"), ("/?p=2", "Kontakt"), ("/contacto", "x"),
    ("/ueber-uns/", "x"), ("/%C3%BCber-uns/", "x"), ("/?p=3", "Über uns"), ("/a-propos/", "x"),
    ("/?p=4", "À propos"), ("/imprint", "x"), ("/?p=5", "Get in touch"), ("/guest-post-guidelines/", "x"),
    ("/contribute", "x"), ("/team/", "x"), ("/?p=6", "Write for us"),
])
def test_candidate_pages_by_path_and_anchor_in_several_languages(href: str, anchor: str) -> None:
    assert candidate_pages(f'<a href="{href}">{anchor}</a>', SITE) != []


def test_candidate_pages_ignores_articles_and_caps_the_list() -> None:
    assert candidate_pages('<a href="/how-to-contact-support/">How to contact support in Python, a tutorial</a>',
                           SITE) == []
    many = "".join(f'<a href="/author/w{i}/">W{i}</a>' for i in range(30)) + '<a href="/contact/">C</a>'
    pages = candidate_pages(many, SITE)
    assert len(pages) == 8 and pages[0] == "http://blog.example/contact/"
    assert candidate_pages("\x00" * 100 + os.urandom(1000).decode("latin-1"), SITE) == []


def test_rel_author_links_are_author_pages() -> None:
    html = '<head><link rel="author" href="/humans/jane"></head><a rel="author" href="/by/sam">Sam</a>'
    assert candidate_pages(html, SITE) == ["http://blog.example/humans/jane", "http://blog.example/by/sam"]


# --------------------------------------------------------------------------- a site, over HTTP


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    w = Web().start()
    monkeypatch.setenv("HTTP_PROXY", w.proxy)
    monkeypatch.setenv("NO_PROXY", "")
    yield w
    w.stop()


def find(url: str = SITE, **options: object) -> list[Contact]:
    return find_contacts(url, timeout=3.0, delay=0.0, **options)  # type: ignore[arg-type]


HOME = article('<a href="/contact/">Contact</a>', '<a href="/2024/a-post/">A post</a>', title="Blog",
               head='<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Organization",'
                    ' "email": "info@blog.example"}</script>')


def test_find_contacts_reads_the_home_json_ld_and_the_contact_page_mailto(web: Web) -> None:
    web.page(SITE, HOME)
    web.page("http://blog.example/contact/", article('<a href="mailto:jane@blog.example?subject=Hi">Jane</a>',
                                                     title="Contact"))
    found = find()
    assert [(c.email, c.source_url, c.kind, c.role) for c in found] == [
        ("jane@blog.example", "http://blog.example/contact/", "mailto", False),
        ("info@blog.example", SITE, "schema", True)]
    assert "/2024/a-post/" not in web.paths("blog.example")


def test_robots_txt_disallowing_contact_keeps_the_contact_page_unfetched(web: Web) -> None:
    web.robots("blog.example", "User-agent: *\nDisallow: /contact\n")
    web.page(SITE, HOME)
    web.page("http://blog.example/contact/", article('<a href="mailto:jane@blog.example">Jane</a>'))
    assert [c.email for c in find()] == ["info@blog.example"]
    assert web.paths("blog.example") == ["/robots.txt", "/"]


def test_a_site_without_contacts_gives_an_empty_list(web: Web) -> None:
    web.page(SITE, article('<a href="/about/">About</a>', title="Quiet blog"))
    web.page("http://blog.example/about/", article(title="About", footer="We are two people who like trains."))
    assert find() == []
    assert web.paths("blog.example") == ["/robots.txt", "/", "/about/"]


def test_a_home_page_answering_500_is_a_one_line_contact_error(web: Web) -> None:
    web.page(SITE, "<h1>oops</h1>", status=500)
    with pytest.raises(ContactError) as err:
        find()
    assert isinstance(err.value, AssistError)
    assert str(err.value) == "http://blog.example/: the home page answered HTTP 500"


def test_an_unreachable_site_is_a_one_line_contact_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    with pytest.raises(ContactError) as err:
        find()
    message = str(err.value)
    assert message.startswith("http://blog.example/: unreachable (cannot connect") and "\n" not in message


def test_a_host_the_proxy_cannot_resolve_is_a_contact_error(web: Web) -> None:
    with pytest.raises(ContactError, match=r"^http://nowhere\.example/: robots\.txt answered 502"):
        find("http://nowhere.example/")


def test_a_failing_page_is_skipped_and_the_others_read(web: Web) -> None:
    web.page(SITE, article('<a href="/contact/">Contact</a>', '<a href="/about/">About</a>'))
    web.page("http://blog.example/contact/", "<h1>broken</h1>", status=503)
    web.page("http://blog.example/about/", article(footer="Write to ann (at) blog.example"))
    found = find()
    assert [(c.email, c.source_url, c.kind) for c in found] == [("ann@blog.example", "http://blog.example/about/",
                                                                "text")]


def test_contacts_are_ordered_personal_then_authors_then_roles_then_off_site(web: Web) -> None:
    web.page(SITE, article('<a href="/write-for-us/">Write for us</a>', '<a href="/author/sam/">Sam</a>',
                           footer="hello@blog.example, owner@gmail.com"))
    web.page("http://blog.example/write-for-us/", article(
        '<a href="mailto:editor@blog.example">Editor</a>', '<a href="/about/">About</a>',
        footer="Pitch kim@blog.example"))
    web.page("http://blog.example/about/", article('<a href="/contact/">Contact</a>', footer="ann@blog.example"))
    web.page("http://blog.example/contact/", article(footer="lee@blog.example"))
    web.page("http://blog.example/author/sam/", article(footer="sam@blog.example, hello@blog.example"))
    found = find()
    assert [(c.email, c.source_url) for c in found] == [
        ("lee@blog.example", "http://blog.example/contact/"),
        ("kim@blog.example", "http://blog.example/write-for-us/"),
        ("ann@blog.example", "http://blog.example/about/"),
        ("sam@blog.example", "http://blog.example/author/sam/"),
        ("editor@blog.example", "http://blog.example/write-for-us/"),
        ("hello@blog.example", SITE),
        ("owner@gmail.com", SITE)]
    assert [c.kind for c in found][3] == "author"
    assert not found[-1].on_site and found[4].role
    assert all(c.source_url.startswith(SITE) for c in found)


def test_max_pages_bounds_the_pages_read(web: Web) -> None:
    links = [f'<a href="/author/w{i}/">W{i}</a>' for i in range(12)]
    web.page(SITE, article(*links))
    for i in range(12):
        web.page(f"http://blog.example/author/w{i}/", article(footer=f"w{i}@blog.example"))
    assert len(find(max_pages=3)) == 3
    assert len(web.paths("blog.example")) == 2 + 3
    web.hits.clear()
    assert find(max_pages=0) == []
    assert web.paths("blog.example") == ["/robots.txt", "/"]


def test_a_redirect_off_the_site_is_not_followed(web: Web) -> None:
    web.page(SITE, article('<a href="/contact/">Contact</a>', footer="me@blog.example"))
    web.redirect("http://blog.example/contact/", "http://elsewhere.example/contact/")
    web.page("http://elsewhere.example/contact/", article(footer="them@elsewhere.example"))
    assert [c.email for c in find()] == ["me@blog.example"]
    assert web.paths("elsewhere.example") == []


def test_a_url_that_is_not_http_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        find_contacts("blog.example")


def test_outreach_contacts_finds_keeps_and_lists_a_sites_addresses(web: Web, tmp_path) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from assistant.cli import cli

    web.page("http://shop.example/", '<html><body><a href="/contact">Contact</a></body></html>')
    web.page("http://shop.example/contact", '<html><body><a href="mailto:ana@shop.example">Ana</a>'
             "<p>Press: press@shop.example</p></body></html>")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("url,name\nhttp://shop.example/,Shop\nhttp://empty.example/,Empty\n")
    assert CliRunner().invoke(cli, ["sites", "import", str(catalog)]).exit_code == 0
    result = CliRunner().invoke(cli, ["outreach", "contacts", "shop.example", "--json"])
    assert result.exit_code == 0, result.output
    got = {r["email"]: r for r in json.loads(result.stdout)}
    assert got["ana@shop.example"]["source_url"] == "http://shop.example/contact"
    assert got["press@shop.example"]["role"] == 1
    web.hits.clear()
    again = CliRunner().invoke(cli, ["outreach", "contacts", "shop.example"])
    assert "ana@shop.example  mailto on http://shop.example/contact" in again.stdout and not web.hits  # kept
    web.page("http://empty.example/", "<html><body><p>Nothing here.</p></body></html>")
    none = CliRunner().invoke(cli, ["outreach", "contacts", "http://empty.example/"])
    assert none.exit_code == 0 and "no contact found on empty.example's pages" in none.stdout
    bad = CliRunner().invoke(cli, ["outreach", "contacts", "http://[::1"])
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
