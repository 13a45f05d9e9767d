"""robots.txt rules for the crawler: urllib.robotparser, matched the RFC 9309 way.

``urllib.robotparser`` parses the file and picks our group, but it matches rules in file order
and knows neither ``*`` nor ``$``; RFC 9309 (and every major crawler) uses the longest matching
rule, ``Allow`` winning ties, with both wildcards. So the matching is done here, over the
parser's rules. It also keeps only integer ``Crawl-delay`` values, so delays such as ``0.5`` are
read with a small group scan. Fetch failures follow RFC 9309: a 4xx robots.txt means no rules
(everything allowed), a 5xx or an unreachable one means everything is disallowed.
"""

from __future__ import annotations

import functools
import math
import re
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

    def allowed(self, url: str) -> bool:
        """May our user agent fetch this URL?"""
        if self.disallow_all:
            return False
        if self.allow_all or self.parser is None:
            return True
        rules = self._rules()
        target = _request_path(url)
        if target == "/robots.txt":
            return True
        best, allow = -1, True
        for rule in rules:
            pattern = rule.path.replace("%2A", "*").replace("%24", "$")
            if len(pattern) >= best and _pattern(pattern).match(target):
                if len(pattern) > best or rule.allowance:  # the longest rule wins; Allow wins ties
                    best, allow = len(pattern), rule.allowance
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


@functools.lru_cache(maxsize=1024)
def _pattern(rule: str) -> re.Pattern[str]:
    """A rule path as a regex: ``*`` matches any characters, a final ``$`` anchors the end."""
    anchored = rule.endswith("$")
    body = re.escape(rule[:-1] if anchored else rule).replace(r"\*", ".*")
    return re.compile(body + ("$" if anchored else ""))


class _Parser(urllib.robotparser.RobotFileParser):
    """robotparser keeps only the first ``User-agent: *`` group; RFC 9309 merges all of them."""

    def _add_entry(self, entry: Any) -> None:
        if "*" in entry.useragents and self.default_entry is not None:
            self.default_entry.rulelines.extend(entry.rulelines)
        else:
            super()._add_entry(entry)  # type: ignore[misc]


def parse(text: str, user_agent: str) -> Robots:
    """Rules from the text of a robots.txt file."""
    lines = text.lstrip("\ufeff").splitlines()  # a BOM would hide the first User-agent line
    parser = _Parser()
    parser.parse(lines)
    return Robots(user_agent, parser=parser, delay=crawl_delay(lines, user_agent),
                  sitemaps=list(parser.site_maps() or []))


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
