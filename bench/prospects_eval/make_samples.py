"""Write the sample exports in sample_content/exports/ and the sample catalogs (deterministic).

Run from the repository root: python bench/prospects_eval/make_samples.py
The sites are fictional but shaped like real ones: a remote-work / productivity niche, a few
neighbouring niches (travel, personal finance, cooking) and the usual spam.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "sample_content" / "exports"

# domain, name, description, topics, pages (slug, title)
NICHE = [
    ("workfromanywhere.blog", "Work From Anywhere", "Guides for distributed teams: async communication, hiring and remote rituals.",
     "remote work,async,teams", [("resources", "Remote work resources we recommend"), ("blog/async-standups", "Why we replaced standups with async check-ins"), ("blog/remote-onboarding", "Onboarding remote hires in the first 30 days")]),
    ("themanagersdesk.com", "The Manager's Desk", "Practical advice for new engineering and product managers.",
     "management,leadership", [("reading-list", "The manager's reading list"), ("posts/one-on-ones", "Running better one-on-ones"), ("posts/remote-feedback", "Giving feedback on a remote team")]),
    ("focusfriday.net", "Focus Friday", "A weekly newsletter on deep work, attention and calmer calendars.",
     "productivity,deep work,focus", [("archive/issue-112", "Issue 112: meeting-free afternoons"), ("links", "Links worth your attention"), ("archive/issue-98", "Issue 98: the maker's schedule")]),
    ("distributedstack.io", "Distributed Stack", "Tools and processes for companies without an office.",
     "remote tools,saas", [("tools", "The remote team tool directory"), ("blog/handbook", "How to write a company handbook"), ("write-for-us", "Write for Distributed Stack")]),
    ("calmcalendar.co", "Calm Calendar", "Time-blocking templates and scheduling habits for knowledge workers.",
     "time management,calendars", [("blog/time-blocking", "Time blocking for people who hate schedules"), ("resources", "Free planning templates")]),
    ("remotefirstjobs.com", "Remote First Jobs", "A job board and career blog for remote workers.",
     "jobs,careers,remote work", [("career-advice/remote-interview", "How to ace a remote interview"), ("career-advice/home-office", "Setting up a home office on a budget")]),
    ("nomadnotes.travel", "Nomad Notes", "Digital nomad city guides, coworking reviews and visa notes.",
     "digital nomad,travel,coworking", [("guides/lisbon", "Working remotely from Lisbon"), ("guides/remote-work-visas", "Remote work visas compared"), ("resources", "Nomad resources")]),
    ("asyncweekly.dev", "Async Weekly", "Engineering practices for asynchronous teams: RFCs, docs, code review.",
     "engineering,async,documentation", [("issues/54", "Writing RFCs people actually read"), ("issues/61", "Async code review etiquette")]),
    ("leanteams.org", "Lean Teams", "Research notes on small-team productivity and meeting culture.",
     "research,meetings,productivity", [("notes/meeting-cost", "What a meeting really costs"), ("library", "The meeting culture library")]),
    ("hybridhq.com", "Hybrid HQ", "Office, hybrid and remote policy for HR and people teams.",
     "hr,hybrid work,policy", [("guides/remote-policy", "Writing a remote work policy"), ("guides/stipends", "Home office stipends: what companies pay")]),
    ("solofounder.club", "Solo Founder Club", "Notes for one-person businesses: focus, systems, sanity.",
     "solopreneur,productivity", [("blog/weekly-review", "The weekly review that saved my business"), ("contribute", "Contribute a guest post")]),
    ("zoomfatigue.report", "Zoom Fatigue Report", "Studies and surveys about video calls and remote wellbeing.",
     "wellbeing,video calls,research", [("studies", "Studies on video-call fatigue"), ("posts/camera-off", "Camera-off policies and trust")]),
    ("writingatwork.net", "Writing at Work", "Clear business writing: memos, docs, updates and emails.",
     "business writing,documentation", [("blog/status-updates", "Status updates that get read"), ("resources", "Writing resources for teams")]),
    ("teamtooling.com", "Team Tooling", "Reviews of project management and collaboration software.",
     "software reviews,project management", [("reviews/notion-vs-confluence", "Notion vs Confluence for team wikis"), ("best/async-video-tools", "Best async video tools")]),
    ("parentswhowork.blog", "Parents Who Work", "Balancing remote jobs and family life.",
     "parenting,remote work,balance", [("posts/school-holidays", "Remote work during school holidays"), ("posts/boundaries", "Setting boundaries at home")]),
]
OTHER = [
    ("thriftykitchen.com", "Thrifty Kitchen", "Budget recipes and meal prep.", "cooking,budget", [("recipes/lentil-soup", "Five-minute lentil soup"), ("meal-prep", "Sunday meal prep guide")]),
    ("moneymindful.co", "Money Mindful", "Personal finance for freelancers and remote workers.", "personal finance,freelancing", [("blog/freelance-taxes", "Taxes for remote freelancers"), ("resources", "Money tools we use")]),
    ("trailandtable.travel", "Trail and Table", "Hiking trips and the food along the way.", "travel,hiking", [("trips/dolomites", "Hut to hut in the Dolomites")]),
    ("pixelgarden.dev", "Pixel Garden", "Front-end tutorials: CSS, accessibility, performance.", "web development,css", [("posts/container-queries", "Container queries in practice")]),
    ("homeofficegear.com", "Home Office Gear", "Desk, chair and monitor reviews.", "hardware,reviews,home office", [("best/standing-desks", "Best standing desks"), ("best/webcams", "Best webcams for calls")]),
]
SPAM = [
    ("best-casino-bonus-365.xyz", "Casino Bonus 365", "casino bonus slots jackpot free spins", "casino"),
    ("cheap-pills-online-rx.biz", "Cheap Pills Online", "buy cheap pills viagra online pharmacy", "pharmacy"),
    ("payday-loans-now-fast.info", "Payday Loans Now", "instant payday loans no credit check", "loans"),
    ("seo-links-4-sale.top", "SEO Links 4 Sale", "buy backlinks cheap guest posts dofollow", "seo"),
]
COMPETITORS = {
    "remotely.blog": [("async-communication-guide", "The complete guide to async communication"), ("remote-meeting-checklist", "A remote meeting checklist"), ("tools/remote-team-tools", "50 remote team tools")],
    "asyncfirst.io": [("blog/writing-async-updates", "How to write async status updates"), ("blog/meeting-free-wednesdays", "What happened when we banned meetings on Wednesdays")],
    "deepworkweekly.com": [("deep-work-schedule", "Build a deep work schedule"), ("time-blocking-template", "Free time-blocking template")],
}
ANCHORS = ["this guide", "async communication", "{title}", "read more", "remote meetings", "{domain}", "here", "a great checklist"]


def _rows(rng: random.Random, count: int) -> list[dict[str, object]]:
    """Backlink rows: referring page -> competitor page, with the metrics exports carry."""
    rows: list[dict[str, object]] = []
    pool = [(s, 1.0) for s in NICHE] + [(s, 0.25) for s in OTHER]
    for _ in range(count):
        spam = rng.random() < 0.12
        if spam:
            domain, name, desc, topic = rng.choice(SPAM)
            slug = f"{rng.choice(['partners', 'links', 'blogroll', 'sponsors'])}/{rng.randint(1, 400)}"
            title = f"{name} - {desc.split()[0].title()} partners page {rng.randint(1, 40)}"
            dr = rng.randint(2, 14)
        else:
            (domain, name, desc, topic, pages), _w = rng.choices(pool, weights=[w for _, w in pool])[0]
            slug, title = rng.choice(pages)
            dr = 20 + (sum(map(ord, domain)) % 60)
        # A site links to the two or three competitor pages that fit its subject, not to all of them.
        pages_all = [(c, p) for c, ps in COMPETITORS.items() for p in ps]
        seed = sum(map(ord, domain))
        comp, (tslug, ttitle) = pages_all[(seed + rng.randint(0, 2)) % len(pages_all)]
        anchor = rng.choice(ANCHORS).format(title=ttitle, domain=comp)
        scheme = "https" if rng.random() > 0.05 else "http"
        www = "www." if rng.random() < 0.2 else ""
        day = rng.randint(1, 700)
        rows.append({
            "source_url": f"{scheme}://{www}{domain}/{slug}",
            "source_title": title,
            "target_url": f"https://{comp}/{tslug}",
            "anchor": anchor,
            "dr": dr,
            "nofollow": spam or rng.random() < 0.1,
            "sponsored": spam and rng.random() < 0.6,
            "ugc": rng.random() < 0.04,
            "first_seen": f"20{24 + day // 366}-{(day % 365) // 31 + 1:02d}-{day % 28 + 1:02d}",
            "last_seen": "2026-11-0" + str(rng.randint(1, 9)),
        })
    # de-duplicate pairs like real exports
    seen, unique = set(), []
    for r in rows:
        key = (r["source_url"], r["target_url"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    return unique


def _csv(rows: list[list[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def ahrefs(rng: random.Random) -> None:
    header = ["Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
              "Domain rating", "UR", "Domain traffic", "Referring domains", "Linked domains", "External links",
              "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context", "Type",
              "Content", "Nofollow", "UGC", "Sponsored", "Rendered", "Raw", "Lost status", "First seen",
              "Last seen", "Lost"]
    out: list[list[object]] = [header]
    for r in _rows(rng, 240):
        out.append([r["source_title"], r["source_url"], "en", "blogs", 200, r["dr"], rng.randint(0, 30),
                    f"{rng.randint(0, 90000):,}", rng.randint(1, 4000), rng.randint(1, 300), rng.randint(1, 500),
                    rng.randint(0, 3000), rng.randint(0, 900), r["target_url"], "as explained in", r["anchor"],
                    "which covers it well", "text", "Content", str(r["nofollow"]).lower(), str(r["ugc"]).lower(),
                    str(r["sponsored"]).lower(), "false", "true", "", r["first_seen"] + " 08:12:44",
                    r["last_seen"] + " 03:01:10", ""])
    text = _csv(out, "\t")
    (OUT / "ahrefs-backlinks-remotely.blog.csv").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def semrush(rng: random.Random) -> None:
    header = ["Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
              "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide",
              "First seen", "Last seen", "New link", "Lost link"]
    out: list[list[object]] = [header]
    rows = _rows(rng, 180)
    for r in rows:
        out.append([max(1, int(r["dr"]) - rng.randint(0, 15)), r["source_title"], r["source_url"], r["target_url"],
                    r["anchor"], rng.randint(1, 120), rng.randint(5, 300), str(r["nofollow"]).lower(),
                    str(r["sponsored"]).lower(), str(r["ugc"]).lower(), "true", "false", "false", "false",
                    "false", r["first_seen"], r["last_seen"], "false", "false"])
    # Two rows a real export can contain: a relative source URL and a truncated row.
    out.insert(37, [12, "Broken row", "/relative/page", "https://asyncfirst.io/blog/writing-async-updates",
                    "updates", 3, 4, "false", "false", "false", "true", "false", "false", "false", "false",
                    "2025-01-01", "2026-11-01", "false", "false"])
    out.insert(90, [40, "Cut short", "https://leanteams.org/notes/x"])
    (OUT / "semrush-backlinks-asyncfirst.io.csv").write_text(_csv(out), encoding="utf-8")


def majestic(rng: random.Random) -> None:
    header = ["TargetURL", "SourceURL", "AnchorText", "SourceCrawlDate", "SourceFirstFoundDate", "FlagNoFollow",
              "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText", "FlagMention",
              "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow", "TargetTrustFlow",
              "SourceTopicalTrustFlow_Topic_0", "SourceTopicalTrustFlow_Value_0", "FirstIndexedDate",
              "LastSeenDate", "DateLost", "ReasonLost", "LinkType", "LinkSubType", "TargetTopicalTrustFlow_Topic_0",
              "TargetTopicalTrustFlow_Value_0"]
    out: list[list[object]] = [header]
    for r in _rows(rng, 150):
        tf = max(0, int(r["dr"]) // 2 + rng.randint(-5, 5))
        out.append([r["target_url"], r["source_url"], r["anchor"], r["last_seen"], r["first_seen"],
                    "+" if r["nofollow"] else "-", "-", "-", "-", "-", "-", "-", tf + rng.randint(0, 10), tf,
                    rng.randint(20, 40), rng.randint(15, 35), "Business/Management", tf, r["first_seen"],
                    r["last_seen"], "", "", "TextLink", "", "Business/Management", 22])
    (OUT / "majestic-backlinks-deepworkweekly.com.csv").write_text(_csv(out), encoding="utf-8")


def gsc(rng: random.Random) -> None:
    sites = [("workfromanywhere.blog", 1234, 3), ("focusfriday.net", 87, 2), ("hybridhq.com", 12, 1),
             ("best-casino-bonus-365.xyz", 2310, 1), ("nomadnotes.travel", 5, 2), ("asyncweekly.dev", 3, 1)]
    # What a real "Top linking sites" table also holds: platforms, aggregators, scrapers.
    platforms = ["news.ycombinator.com", "reddit.com", "linkedin.com", "medium.com", "t.co", "feedly.com",
                 "getpocket.com", "substack.com", "dev.to", "indiehackers.com", "producthunt.com",
                 "flipboard.com", "quora.com", "pinterest.com", "facebook.com", "youtube.com", "github.com",
                 "notion.site", "wordpress.com", "blogspot.com"]
    sites += [(d, rng.randint(1, 4000), rng.randint(1, 6)) for d in platforms]
    sites += [(d, rng.randint(1, 40), rng.randint(1, 3)) for d, *_ in NICHE[6:] + OTHER]
    sites += [(f"{w}-{rng.randint(10, 99)}.{tld}", rng.randint(1, 900), 1)
              for w, tld in [("seo-stats", "info"), ("site-worth", "xyz"), ("webrank", "top"), ("linkdir", "biz")]]
    top = [["Site", "Linking pages", "Target pages"]] + [[d, f"{n:,}", t] for d, n, t in sites]
    (OUT / "gsc-top-linking-sites.csv").write_text(_csv(top), encoding="utf-8")
    pages = [["Linking page", "Last crawled"]]
    for domain, _n, _t in sites[:24]:
        for i in range(rng.randint(1, 4)):
            pages.append([f"https://{domain}/posts/{i + 1}", f"2026-1{rng.randint(0, 1)}-{rng.randint(10, 28)}"])
    (OUT / "gsc-linking-pages.csv").write_text(_csv(pages), encoding="utf-8")


def plain(rng: random.Random) -> None:
    out: list[list[object]] = [["source_url", "target_url", "anchor"]]
    for r in _rows(rng, 60):
        out.append([r["source_url"], r["target_url"], r["anchor"]])
    (OUT / "plain-links.csv").write_text(_csv(out), encoding="utf-8")


def catalogs() -> None:
    rows = [["url", "name", "description", "topics", "authority", "contact"]]
    entries = []
    for domain, name, desc, topics, pages in NICHE + OTHER:
        authority = 20 + (sum(map(ord, domain)) % 60)
        rows.append([f"https://{domain}/", name, desc, topics, authority, f"editor@{domain}"])
        kinds = {"resources": "resource", "links": "resource", "reading-list": "resource", "tools": "resource",
                 "library": "resource", "studies": "resource", "write-for-us": "guest_post", "contribute": "guest_post"}
        entries.append({
            "url": f"https://{domain}/", "name": name, "description": desc, "topics": topics.split(","),
            "authority": authority, "contact": f"editor@{domain}",
            "pages": [{"url": f"https://{domain}/{slug}", "title": title, "kind": kinds.get(slug, "article"),
                       "text": f"{title}. {desc}"} for slug, title in pages],
        })
    for domain, name, desc, topic in SPAM:
        rows.append([f"https://{domain}/", name, desc, topic, 3, ""])
        entries.append({"url": f"https://{domain}/", "name": name, "description": desc, "topics": [topic],
                        "authority": 3, "pages": [{"url": f"https://{domain}/partners", "title": f"{name} partners",
                                                   "text": desc + " " + desc, "outbound_links": 900}]})
    (ROOT / "sample_content" / "catalog.csv").write_text(_csv(rows), encoding="utf-8")
    (ROOT / "sample_content" / "catalog.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261124)
    ahrefs(rng)
    semrush(rng)
    majestic(rng)
    gsc(rng)
    plain(rng)
    catalogs()
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
