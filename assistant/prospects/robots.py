"""robots.txt rules for the crawler: urllib.robotparser, matched the RFC 9309 way.

``urllib.robotparser`` parses the file and picks our group, but it matches rules in file order
and knows neither ``*`` nor ``$``; RFC 9309 (and every major crawler) uses the longest matching
rule, ``Allow`` winning ties, with both wildcards. So the matching is done here, over the
parser's rules. It also keeps only integer ``Crawl-delay`` values, so delays such as ``0.5`` are
read with a small group scan. Fetch failures follow RFC 9309: a 4xx robots.txt means no rules
(everything allowed), a 5xx or an unreachable one means everything is disallowed.
"""

from __future__ import annotations

import math
import urllib.parse
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("assist" for "assist/0.1 (...)")."""
    return user_agent.split("/", 1)[0].strip().lower()


@dataclass
class Robots:
    """The parsed rules of one host for one user agent."""

    user_agent: str
    parser: urllib.robotparser.RobotFileParser | None = None
    allow_all: bool = False
    disallow_all: bool = False
    delay: float | None = None
    sitemaps: list[str] = field(default_factory=list)
    note: str | None = None
    unreachable: str | None = None  # why robots.txt could not be fetched at all
    _compiled: dict[str | None, list[tuple[int, bool, tuple[str, ...], bool]]] | None = field(default=None,
                                                                                               repr=False)

    def allowed(self, url: str) -> bool:
        """May our user agent fetch this URL?"""
        if self.disallow_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        if self._compiled is None:  # once per host, not once per link
            self._compiled = {}
            for rule in self._rules()[:MAX_RULES]:
                compiled = _compile(rule.path.replace("%2A", "*").replace("%24", "$"), rule.allowance)
                self._compiled.setdefault(_segment(compiled[2][0]), []).append(compiled)
        target = _request_path(url)[:MAX_PATH]
        if target == "/robots.txt":
            return True
        best, allow = -1, True
        # only rules whose literal start holds the target's first path segment, and the general ones
        candidates = [*self._compiled.get(_segment(target), ()), *self._compiled.get(None, ())] \
            if _segment(target) is not None else self._compiled.get(None, [])
        for length, allowance, parts, anchored in candidates:
            if length >= best and _matches(parts, anchored, target):
                if length > best or allowance:  # the longest rule wins; Allow wins ties
                    best, allow = length, allowance
        return allow

    def _rules(self) -> list[Any]:
        """The rules of every group naming our agent (RFC 9309 merges them), else of the ``*`` groups."""
        assert self.parser is not None
        ours = [rule for entry in self.parser.entries if entry.applies_to(self.user_agent)
                for rule in entry.rulelines]
        if ours or any(entry.applies_to(self.user_agent) for entry in self.parser.entries):
            return ours
        default = self.parser.default_entry
        return list(default.rulelines) if default is not None else []

    def min_interval(self) -> float | None:
        """Seconds to leave between two requests: Crawl-delay, else Request-rate."""
        if self.delay is not None:
            return self.delay
        if self.parser is not None:
            rate = self.parser.request_rate(self.user_agent)
            if rate is not None and rate.requests > 0:
                return rate.seconds / rate.requests
        return None


def _request_path(url: str) -> str:
    """Path and query of a URL, percent-encoded the way robotparser encodes rule paths."""
    parts = urllib.parse.urlparse(urllib.parse.unquote(url))
    path = urllib.parse.urlunparse(("", "", parts.path, parts.params, parts.query, ""))
    return urllib.parse.quote(path) or "/"


MAX_RULES = 100_000  # far more than the 500 KiB RFC 9309 asks parsers to read can hold
MAX_RULE_LENGTH = 2_000
MAX_PATH = 8_000


def _compile(rule: str, allowance: bool) -> tuple[int, bool, tuple[str, ...], bool]:
    """A rule path as (its length, allow?, the literal parts between ``*``, anchored by a final ``$``)."""
    rule = rule[:MAX_RULE_LENGTH]
    anchored = rule.endswith("$")
    body = rule[:-1] if anchored else rule
    return len(rule), allowance, tuple(body.split("*")), anchored


def _segment(literal: str) -> str | None:
    """The first whole path segment a literal starts with ("/blog/" of "/blog/2024"), else None."""
    end = literal.find("/", 1)
    return literal[: end + 1] if literal.startswith("/") and end > 0 else None


def _matches(parts: tuple[str, ...], anchored: bool, target: str) -> bool:
    """Does a rule match the path (from its start)? ``*`` is any characters, a final ``$`` the end.

    Linear: each literal part is found left to right (the earliest place is always the best one for
    ``*`` wildcards), so ``/*a*a*a*a*a*a*a*a*a*a*a*a*b`` cannot backtrack as a regex did (100% CPU).
    """
    first, *rest = parts
    if not target.startswith(first):
        return False
    if not rest:
        return not anchored or len(target) == len(first)
    pos = len(first)
    for part in rest[:-1]:
        found = target.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    last = rest[-1]
    if anchored:
        return len(target) - len(last) >= pos and target.endswith(last)
    return target.find(last, pos) >= 0


class _Parser(urllib.robotparser.RobotFileParser):
    """robotparser keeps only the first ``User-agent: *`` group; RFC 9309 merges all of them."""

    def _add_entry(self, entry: Any) -> None:
        if "*" in entry.useragents and self.default_entry is not None:
            self.default_entry.rulelines.extend(entry.rulelines)
        else:
            super()._add_entry(entry)  # type: ignore[misc]


MAX_SITEMAPS = 5  # Sitemap: lines followed (2,000 of them once took 33 minutes at the default delay)


def parse(text: str, user_agent: str) -> Robots:
    """Rules from the text of a robots.txt file (lines cut at MAX_RULE_LENGTH characters)."""
    lines = [line[:MAX_RULE_LENGTH] for line in text.lstrip("\ufeff").splitlines()]  # a BOM would hide the first User-agent line
    parser = _Parser()
    parser.parse(lines)
    return Robots(user_agent, parser=parser, delay=crawl_delay(lines, user_agent),
                  sitemaps=list(parser.site_maps() or [])[:MAX_SITEMAPS])


def from_status(status: int, user_agent: str) -> Robots:
    """Rules when robots.txt answered with an error status (RFC 9309, section 2.3.1)."""
    if 400 <= status < 500:
        return Robots(user_agent, allow_all=True)
    return Robots(user_agent, disallow_all=True,
                  note=f"robots.txt answered {status}: the site is treated as disallowed")


def unreachable(user_agent: str, reason: str) -> Robots:
    """Rules when robots.txt could not be fetched at all."""
    return Robots(user_agent, disallow_all=True, unreachable=reason,
                  note=f"robots.txt unreachable ({reason})")


def crawl_delay(lines: list[str], user_agent: str) -> float | None:
    """The Crawl-delay of the group naming our agent, else of the ``*`` group; fractions allowed."""
    token = agent_token(user_agent)
    groups: list[tuple[list[str], list[float]]] = []
    in_rules = False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules or not groups:  # a user-agent line after rules starts a new group
                groups.append(([], []))
                in_rules = False
            groups[-1][0].append(value.lower())
        elif groups:
            in_rules = True
            if key == "crawl-delay":
                try:
                    delay = float(value)
                except ValueError:
                    continue
                if math.isfinite(delay):  # "nan" and "inf" parse as floats; neither is a delay
                    groups[-1][1].append(max(delay, 0.0))
    ours = [d for agents, d in groups if any(a != "*" and a in token for a in agents)]
    anyone = [d for agents, d in groups if "*" in agents]
    for delays in (*ours[:1], *anyone[:1]):
        return delays[0] if delays else None
    return None
