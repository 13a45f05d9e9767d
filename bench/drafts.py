"""Deterministic synthetic drafts for the speed benches: Markdown with front matter, varied niches.

Sentences are assembled from templates with random fills, so drafts are realistic in shape
(headings, paragraphs, lists, numbers, links) and their sentences are nearly all distinct:
the embedding cache cannot make a batch look cheaper than it is.
"""

from __future__ import annotations

import random
from pathlib import Path

NICHES = {
    "remote work": (
        ["remote teams", "hybrid offices", "async communication", "video meetings", "home offices",
         "focus time", "onboarding", "time zones", "burnout", "team rituals"],
        ["managers", "engineers", "designers", "support staff", "new hires", "team leads"],
    ),
    "sourdough baking": (
        ["starter feeding", "hydration", "bulk fermentation", "shaping", "scoring", "rye flour",
         "crumb structure", "oven spring", "proofing baskets", "steam"],
        ["home bakers", "beginners", "bakeries", "pastry chefs", "students", "grandparents"],
    ),
    "personal finance": (
        ["index funds", "emergency savings", "credit scores", "budgeting apps", "retirement accounts",
         "student loans", "mortgage rates", "inflation", "side income", "tax refunds"],
        ["households", "young adults", "freelancers", "retirees", "first-time buyers", "parents"],
    ),
    "home gardening": (
        ["raised beds", "composting", "tomato blight", "drip irrigation", "seed starting",
         "companion planting", "mulch", "pollinators", "soil pH", "container herbs"],
        ["gardeners", "allotment holders", "schools", "landlords", "city dwellers", "beginners"],
    ),
    "web security": (
        ["password managers", "phishing", "two-factor authentication", "patching", "backups",
         "ransomware", "API keys", "session cookies", "dependency audits", "logging"],
        ["small businesses", "developers", "IT teams", "startups", "hospitals", "schools"],
    ),
}

TEMPLATES = [
    "In {year}, {pct}% of the {group} we surveyed said {topic} mattered more than {other}.",
    "Our data from {n} {group} shows that {topic} cut costs by {pct}% within {months} months.",
    "Most {group} underestimate {topic}, and the gap widens after {months} months.",
    "A simple checklist for {topic} saved the average team {n} hours a year.",
    "We compared {topic} with {other} across {n} cases and found a {pct}% difference.",
    "The most common mistake with {topic} is ignoring {other} until it is too late.",
    "According to a {year} study, {group} who planned {topic} were {pct}% more likely to succeed.",
    "Start with {topic}, then review {other} every {months} weeks.",
    "Why do {group} keep getting {topic} wrong when {other} is so well documented?",
    "One {adj} approach to {topic} is to pair it with {other} from day one.",
    "The {adj} truth is that {topic} depends on habits more than on tools.",
    "If you only change one thing this month, make it {topic}.",
    "Across {n} responses, {topic} ranked {rank} among the concerns of {group}.",
    "Experts we interviewed described {topic} as {adj} but worth the effort.",
]
ADJ = ["practical", "surprising", "uncomfortable", "overlooked", "cheap", "reliable", "slow", "clever"]
RANKS = ["first", "second", "third", "fourth", "fifth"]


def _sentence(rng: random.Random, subjects: list[str], groups: list[str]) -> str:
    topic, other = rng.sample(subjects, 2)
    return rng.choice(TEMPLATES).format(
        year=rng.randint(2015, 2026), pct=rng.randint(3, 97), group=rng.choice(groups),
        topic=topic, other=other, n=rng.randint(40, 9000), months=rng.randint(2, 36),
        adj=rng.choice(ADJ), rank=rng.choice(RANKS),
    )


def make_draft(index: int, words: int = 600, seed: int = 7) -> str:
    """One Markdown draft of about ``words`` words."""
    rng = random.Random(seed * 100_003 + index)
    niche = list(NICHES)[index % len(NICHES)]
    subjects, groups = NICHES[niche]
    title = f"{rng.choice(['How', 'Why', 'What'])} {rng.choice(groups)} get {rng.choice(subjects)} right ({index})"
    lines = ["---", f'title: "{title}"', f"topic: {niche}",
             f"keywords: [{', '.join(rng.sample(subjects, 3))}]", "---", "", f"# {title}", ""]
    count = 0
    while count < words:
        heading = rng.choice(subjects).capitalize()
        lines += [f"## {heading}", ""]
        for _ in range(rng.randint(2, 3)):
            para = " ".join(_sentence(rng, subjects, groups) for _ in range(rng.randint(3, 5)))
            if rng.random() < 0.2:
                para += f" See [the {rng.choice(subjects)} report](https://example.org/{index}/{count})."
            lines += [para, ""]
            count += len(para.split())
        if rng.random() < 0.4:
            lines += [f"- {_sentence(rng, subjects, groups)}" for _ in range(3)] + [""]
            count += 45
    return "\n".join(lines)


def write_drafts(directory: Path, n: int, words: int = 600) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = directory / f"draft-{i:03d}.md"
        path.write_text(make_draft(i, words), encoding="utf-8")
        paths.append(path)
    return paths
