"""Evidence against a prospect, from its texts and links: spam, shops and services, paid content.

No single word decides anything. Words count in families, and a site is left out of a ranking only
on :data:`LEAVE_OUT_AT` or more independent *markers* (each named in the reasons and in
``assist sites show``): spam vocabulary in its own texts, spam words in the anchors of its links,
spam words in its address, disclosed paid content, link-farm links, mostly sponsored links, a scraper's
copies. A call to action ("book now", "free trial") counts only where one stands: at the start of a
line or of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Words of spam sites. Strong ones rarely have an honest use; weak ones often do ("time slots",
# "planning poker", "signing bonus", "student loans", "a database replica").
SPAM_TERMS = (
    "casino", "jackpot", "viagra", "cialis", "payday", "no credit check", "escort service",
    "buy backlinks", "dofollow", "forex signals", "crypto giveaway", "online gambling",
)
WEAK_SPAM_TERMS = ("slots", "poker", "betting", "bonus", "pills", "pharmacy", "loan", "loans", "replica",
                   "escort", "escorts")
_SPAM_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in SPAM_TERMS + WEAK_SPAM_TERMS) + r")\b", re.I)
# Where a sentence or a line starts: the only place a call to action stands.
_START = r"(?:^|(?<=[.!?])\s+)\W{0,3}"
# Shops, product pages and businesses selling a service, a booking or a trial rarely give editorial links.
_SHOP_RE = re.compile(
    _START + r"(add to cart|add to basket|buy now|free shipping|order online|shop now|instant download"
    r"|bulk pricing|proceed to checkout|secure checkout|(?:start (?:a |your )?|get a )?(?:free delivery"
    r"|book online|book now|book a consultation|call now|call today|free quote|get a quote|free trial"
    r"|download the app|apply now|apply online))\b", re.I | re.M
)
# Disclosures of paid content: the links on such pages are bought, not given.
_PAID_RE = re.compile(
    r"\b(sponsored (?:posts?|content|articles?)|paid posts?|advertorials?|partner content|from our partners"
    r"|(?:pricing|price) per post)\b", re.I
)
# "This is not a sponsored post", "we never accept paid posts": an editorial site saying so.
_NEGATED_RE = re.compile(r"(?:\b(?:not|no|never|nor|without)|n't)(?:\W+\w+){0,4}\W*$", re.I)
LEAVE_OUT_AT = 2  # independent markers before a site is left out of a ranking


def spam_terms(text: str) -> list[str]:
    """Every spam word in a text, strong or weak, sorted."""
    return sorted({m.lower() for m in _SPAM_RE.findall((text or "").replace("-", " "))})


def spam_vocabulary(text: str) -> list[str]:
    """The spam words of a text when they make a case: two different words with a strong one among
    them, or three different weak ones. One word alone ("replica", "casino" in a history of Monaco)
    is no case."""
    hits = spam_terms(text)
    strong = [h for h in hits if h in SPAM_TERMS]
    weak = {"loan" if h == "loans" else "escort" if h == "escorts" else h for h in hits if h in WEAK_SPAM_TERMS}
    if (strong and len(strong) + len(weak) >= 2) or len(weak) >= 3:
        return hits
    return []


def shop_calls(texts: Iterable[str | None]) -> list[str]:
    """Calls to action of a shop or a service standing at the start of a line or sentence."""
    return sorted({" ".join(m.lower().split()) for t in texts if t for m in _SHOP_RE.findall(t)})


def paid_disclosures(text: str) -> list[str]:
    """Phrases disclosing paid content, except after a negation ("we never accept paid posts")."""
    out = set()
    for m in _PAID_RE.finditer(text or ""):
        before = re.split(r"[.!?;:]", text[max(0, m.start() - 60) : m.start()])[-1]
        if not _NEGATED_RE.search(before):
            out.add(m.group(1).lower())
    return sorted(out)


_SQUASHED = tuple((t, t.replace(" ", "")) for t in SPAM_TERMS)


def address_spam(key: str) -> list[str]:
    """Strong spam words in a site's address (casino-bonus.example, buybacklinks.example)."""
    flat = re.sub(r"[^a-z0-9]+", "", key.lower())
    return [t for t, squashed in _SQUASHED if squashed in flat]


def text_evidence(texts: Iterable[str | None]) -> dict[str, list[str]]:
    """What a site's own texts say against it, worked out once when its texts are chunked and stored
    (index.load_vectors): spam vocabulary, paid-content disclosures, calls to action."""
    texts = [t for t in texts if t]
    joined = "\n".join(texts)
    return {"vocabulary": spam_vocabulary(joined), "paid": paid_disclosures(joined), "shop": shop_calls(texts)}
