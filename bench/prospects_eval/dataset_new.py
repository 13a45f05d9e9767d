"""The second labelled prospects set: twelve more drafts, 162 more sites, hard negatives.

Written by hand, labels decided site by site while writing, before any ranking was run on it (the
file was committed before run_eval.py first ranked it). Same format as dataset.py, plus sites known
only from a backlink export (``export_site``: a referring page URL and title, a target, an anchor,
Domain rating and flags, imported through the real Ahrefs importer, no catalog text).

Labelling rule (the same for every (draft, site) pair, original sites included):

A site is labelled as linking to a draft when an editor there could plausibly add a link to it in
an editorial context, which takes both of:

1. **Same subject for the same audience.** The site publishes on the draft's subject in the sense
   the draft means (Python the language, not the snake; apple the fruit tree, not the company; a
   trail camera, not a hiking trail) for readers the draft serves. A neighbouring subject is not
   enough: a rose society for apple pruning, a hunting forum for garden camera traps, a TypeScript
   blog for Python type hints, a motorcycle forum for cycling knee pain are negatives.
2. **An editorial outlet.** It is a blog, newsletter, club, society, charity, forum, school or
   public body: editorial sites link out (resource pages, roundups, articles citing sources) even
   when we know none of their links. Shops, product and booking pages, service and lead-generation
   businesses, job boards and data services are negatives even on the subject (they rarely give
   editorial links).

Always negative, whatever the text: spam, link sellers and guest-post marketplaces, link
directories, article farms and scrapers (automated copies of other sites' articles), coupon pages,
and sites whose only known links are sponsored. A backlink row decides an export-only site: an
editorial page on the subject linking to a page on the subject is a positive; a sponsored, coupon,
directory or scraper row is a negative. A link to a competitor's page on a different subject (a
rose society linking to the same gardening site's rose page) does not make a site a positive.

Competitors (the pages true linkers often link to, never listed as sites themselves):
python-type-hints: realpython.example, typingtips.dev; apple-tree-pruning: orchardadvice.example,
fruittreeguide.example; day-hike-packing-list: hikeplanner.example, outdoorgearlab.example;
trail-camera-wildlife: wildlifewatch.example, camtrapguide.example; cycling-knee-pain:
bikefitting.example, cyclingphysio.example; crate-training-puppy: puppyschool.example,
dogtrainingnotes.example; home-espresso: coffeegeek.example, homebarista.example;
freelance-invoicing: freelancerhub.example, smallbizguide.example; learn-spanish-podcasts:
languagelearninghub.example, hablamos.example; family-tree-census: genealogyguide.example,
familysearchtips.example; heat-pump-sizing: heatpumpguide.example, greenhomes.example;
cast-iron-seasoning: seriouskitchen.example, skilletcare.example.
Comments mark each site: ``+`` a true linker, ``-`` a negative and which kind. A site's ``links_to``
may name an original draft (dataset.py) and EXTRA_LABELS adds new drafts to original sites: every
site is judged against every draft, since every site is a candidate for every draft.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_SET = json.loads((_HERE / "data" / "sets.json").read_text(encoding="utf-8"))["new"]
DRAFTS: list[str] = _SET["drafts"]
# One labelled site a line (the data file is the source; see data/README.md): url, name, description,
# authority, pages, links, links_to (the drafts it would link to), or export rows for an export-only site.
SITES: list[dict[str, Any]] = [json.loads(line) for line in
                               (_HERE / "data" / "new.jsonl").read_text(encoding="utf-8").splitlines() if line]
EXTRA_LABELS: dict[str, list[str]] = _SET["extra_labels"]  # original sites judged against new drafts


def domain_of(entry: dict[str, Any]) -> str:
    return str(entry["url"]).split("/")[2]


def labels(all_drafts: list[str] = DRAFTS) -> dict[str, set[str]]:
    """draft stem -> the domains (new and original sites) that truly link to it; new sites may link to
    original drafts too, so pass every draft to get those."""
    out: dict[str, set[str]] = {d: set() for d in all_drafts}
    for s in SITES:
        for draft in s["links_to"]:
            if draft in out:
                out[draft].add(domain_of(s))
    for domain, drafts in EXTRA_LABELS.items():
        for draft in drafts:
            if draft in out:
                out[draft].add(domain)
    return out
