"""The held-out prospects set: seven drafts in niches neither other set touches, 89 sites (14 known only from a backlink export).

Written and labelled by hand before any change to the ranking made to improve these figures, and
committed alone before the first run on it: it is for checking changes chosen on the two other sets
(dataset.py, dataset_new.py), never for choosing them. Same format as dataset_new.py (its ``site``
and ``export_site``), and labelled by the rule in dataset_new.py's docstring, unchanged:
a site is a true linker when it publishes on the draft's subject, in the draft's sense, for the
draft's readers, and is an editorial outlet (blog, newsletter, club, society, charity, forum,
school, public body); shops, product, booking, service and lead-generation pages, job boards and
data services are negatives even on the subject; spam, link sellers, guest-post marketplaces,
directories, article farms, scrapers, coupon pages and sponsored-only linkers always are; a link to
a competitor's page on a different subject does not make a site a positive.

The same kinds of hard negatives as the new set, in other words than its: magazines of paid posts
that cover every niche and link to the competitors' guides, a scraper whose page titles copy the
competitor pages it links to, homonyms (Apache Hive, the Kayak flight search, statistical and
software regressions, knitr, a horoscope, a chocolate bar, job openings), adjacent audiences that
link to a competitor (a wildflower blog, a dinghy sailing club, a family travel magazine, a poultry
industry magazine, a Go club, a drone forum, a sewing blog), high-authority neighbours, shops,
bookings and services, and sites known only from a backlink export on both sides.

Competitors (never sites here): first-year-beekeeping: beekeepingbasics.example, hivecraft.example;
sea-kayaking-beginners: paddleguide.example, kayakskills.example; toddler-sleep-regression:
sleepybaby.example, parentingscience.example; backyard-chickens: henkeeper.example,
poultrypal.example; chess-openings-beginners: chessstudy.example, openingtheory.example;
milky-way-astrophotography: nightskyphoto.example, astrocamera.example; knitting-first-sweater:
knitpattern.example, yarncraft.example.

Every site of all three sets is a candidate for these drafts, so the sites of the other two sets
were judged against them too (HELDOUT_EXTRA_LABELS: one qualifies). The held-out sites are not
candidates for the other sets' drafts (their figures stay comparable with the ones reported before).
Comments mark each site: ``+`` a true linker, ``-`` a negative and which kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_SET = json.loads((_HERE / "data" / "sets.json").read_text(encoding="utf-8"))["heldout"]
DRAFTS: list[str] = _SET["drafts"]
# One labelled site a line (the data file is the source; see data/README.md): url, name, description,
# authority, pages, links, links_to (the drafts it would link to), or export rows for an export-only site.
SITES: list[dict[str, Any]] = [json.loads(line) for line in
                               (_HERE / "data" / "heldout.jsonl").read_text(encoding="utf-8").splitlines() if line]
HELDOUT_EXTRA_LABELS: dict[str, list[str]] = _SET["extra_labels"]  # other sets' sites judged against held-out drafts


def domain_of(entry: dict[str, Any]) -> str:
    return str(entry["url"]).split("/")[2]


def labels() -> dict[str, set[str]]:
    """held-out draft stem -> the domains (held-out sites and the other sets' sites) that truly link to it."""
    out: dict[str, set[str]] = {d: set() for d in DRAFTS}
    for s in SITES:
        for draft in s["links_to"]:
            out[draft].add(domain_of(s))
    for domain, drafts in HELDOUT_EXTRA_LABELS.items():
        for draft in drafts:
            out[draft].add(domain)
    return out
