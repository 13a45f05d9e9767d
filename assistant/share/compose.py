"""Compose one post per channel from a Document, with Jinja2 templates, fitted to each channel's rule.

The material comes from the draft itself: its title, a summary of the sentences closest to the
document's centroid in embedding space (its most "central" sentences), its section headings as
key points, hashtags from its keywords (front matter) or its most frequent word pairs, and the
canonical URL tagged ``utm_source=<channel>&utm_medium=social&utm_campaign=<slug>``.

Templates (``<channel>.j2``, else ``default.j2``) are looked up by assistant.templates: the user's
``<config dir>/prompts/share/``, then the channel plugin's own, then assist's ``prompts/share/``.
A channel sets its default number of hashtags (``Channel.hashtags``); ``[channels.<name>] hashtags``
overrides it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from assistant.channels import Channel, Post

DEFAULT_HASHTAGS = 2  # for a channel that does not say (Channel.hashtags)
GENERIC_HEADINGS = {"introduction", "conclusion", "summary", "references", "faq", "sources", "further reading",
                    "table of contents", "contents", "about the author", "notes", "final thoughts"}
STOPWORDS = frozenset("""a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each even every few for from further get
gets got had has have having he her here hers him his how i if in into is it its itself just let like may me
might more most much must my no nor not now of off on once one only or other our ours out over own per quite
rather same say says she should so some such than that the their theirs them then there these they this those
through to too under until up upon us use used uses using very via was we well were what when where which while
who whom why will with within without would yet you your yours first second new way ways make makes made many
need needs take takes good best better know keep lot lots thing things time times day days year years""".split())
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]")
ELLIPSIS = "\u2026"


@dataclass
class Material:
    """What every channel's post is made of (channel-independent)."""

    title: str
    sentences: list[str]  # candidate summary sentences, most central first
    order: dict[str, int]  # sentence -> position in the document
    key_points: list[str]
    keyphrases: list[str]
    url: str | None
    campaign: str
    description: str = ""


@dataclass
class Composed:
    """One channel's post, its length by the channel's rule, and what is wrong with it."""

    post: Post
    length: int
    limit: int
    problems: list[str] = field(default_factory=list)
    title_length: int | None = None
    title_limit: int | None = None
    template: str = ""
    needs_title: bool = False
    rendered: str = ""  # what the channel sends as text (empty for a Reddit link post)

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**self.post.to_dict(), "length": self.length, "limit": self.limit, "valid": self.valid,
                "problems": self.problems, "title_length": self.title_length, "title_limit": self.title_limit,
                "template": self.template}


# --------------------------------------------------------------------------- material


def material(doc: Any, embedder: Any = None, *, url: str | None = None, title: str | None = None,
             max_sentences: int = 3) -> Material:
    """Title, central sentences, key points, keyphrases and URL of a Document."""
    candidates = summary_candidates(doc)
    ranked = rank_by_centrality(candidates, embedder)[:max_sentences] if candidates else []
    title = (title or doc.title or "").strip()
    slug = str(doc.front_matter.get("slug") or "") or slugify(title or Path(doc.path).stem)
    return Material(
        title=title,
        sentences=ranked,
        order={s: i for i, s in enumerate(candidates)},
        key_points=key_points(doc),
        keyphrases=keyphrases(doc),
        url=url or doc.canonical_url,
        campaign=slug,
        description=doc.description or "",
    )


def summary_candidates(doc: Any) -> list[str]:
    """Sentences long enough to stand alone in a post (a Document's sentences are prose already, with
    their whitespace collapsed: no headings, code or tables)."""
    texts = [s.text for s in doc.sentences]
    out = [t for t in texts if 6 <= len(t.split()) <= 60 and not t.endswith(("?", ":"))]
    return list(dict.fromkeys(out or texts))  # very short drafts: whatever sentences there are


def rank_by_centrality(sentences: Sequence[str], embedder: Any = None) -> list[str]:
    """Sentences ordered by cosine similarity to their centroid (the lead order without an embedder)."""
    if embedder is None or len(sentences) < 3:
        return list(sentences)
    import numpy as np

    vectors = embedder.encode(list(sentences))
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    scores = vectors @ (centroid / norm)
    # a small lead bias: openings usually state the point, and ties should favour them
    scores = scores + 0.02 * (1.0 - np.arange(len(sentences)) / len(sentences))
    order = np.argsort(-scores, kind="stable")
    return [sentences[int(i)] for i in order]


def key_points(doc: Any, limit: int = 4) -> list[str]:
    """The draft's section headings (level 2), without generic ones such as "Conclusion"."""
    points = []
    for section in doc.sections(level=2):
        heading = " ".join((section.heading or "").split()).rstrip(":")
        if heading.startswith("(") or heading.lower() in GENERIC_HEADINGS:
            continue  # "(introduction)": the part before the first heading
        if heading and heading != doc.title:
            points.append(heading)
    return points[:limit]


def keyphrases(doc: Any, limit: int = 5) -> list[str]:
    """Front-matter keywords (or tags), else the draft's most frequent content word pairs and words."""
    if doc.keywords:
        return [str(k).strip() for k in doc.keywords if str(k).strip()][:limit]
    title_words = {w.lower() for w in WORD_RE.findall(doc.title or "")}
    pairs: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    for sentence in doc.sentences:
        for chunk in re.split(r"[,;:()\u2014.!?\"]", sentence.text):
            words = [w.lower() for w in WORD_RE.findall(chunk)]
            for a, b in zip(words, words[1:], strict=False):
                if a not in STOPWORDS and b not in STOPWORDS and len(a) > 2 and len(b) > 2:
                    pairs[f"{a} {b}"] += 1
            for w in words:
                if w not in STOPWORDS and len(w) > 3:
                    singles[w] += 2 if w in title_words else 1
    scored = [(n * 2.5, p) for p, n in pairs.items() if n >= 2]
    in_pairs = {w for _, p in scored for w in p.split()}
    scored += [(n, w) for w, n in singles.items() if n >= 3 and w not in in_pairs]
    scored.sort(key=lambda x: (-x[0], x[1]))
    out: list[str] = []
    for _, phrase in scored:
        if not any(phrase in kept or kept in phrase for kept in out):
            out.append(phrase)
        if len(out) == limit:
            break
    return out


def hashtag(phrase: str) -> str:
    """``link building`` -> ``#LinkBuilding``; ``SEO`` stays ``#SEO``."""
    parts = re.findall(r"[^\W_]+", phrase)
    joined = "".join(p if any(c.isupper() for c in p) else p.capitalize() for p in parts)
    return f"#{joined}" if joined and not joined[0].isdigit() else ""


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase words joined by hyphens, cut at a word boundary."""
    slug = ""
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if slug and len(slug) + 1 + len(word) > limit:
            break
        slug = f"{slug}-{word}" if slug else word[:limit]
    return slug or "post"


def add_utm(url: str, channel: str, campaign: str) -> str:
    """Tag the URL for the channel, keeping its other query parameters (and a campaign it already has)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in ("utm_source", "utm_medium")]
    query += [("utm_source", channel), ("utm_medium", "social")]
    if not any(k == "utm_campaign" for k, _ in query):
        query.append(("utm_campaign", campaign))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


# --------------------------------------------------------------------------- templates


def environment(channel: type[Channel] | Channel | None = None) -> Any:
    """The Jinja2 environment for a channel's post copy (its template search path: see assistant.templates)."""
    import jinja2

    from assistant import templates

    return templates.environment("share", channel, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=False, undefined=jinja2.StrictUndefined)


def template_for(env: Any, channel: str) -> Any:
    """The channel's template (else default.j2); its errors as one line naming the file."""
    import jinja2

    from assistant import templates

    for name in (f"{channel}.j2", "default.j2"):
        try:
            return env.get_template(name)
        except jinja2.TemplateNotFound:
            continue
        except (jinja2.TemplateError, UnicodeDecodeError) as exc:
            raise templates.render_error(exc, _template_file(env, name)) from None
    raise jinja2.TemplateNotFound("default.j2")


def _template_file(env: Any, name: str) -> str:
    for folder in getattr(env.loader, "searchpath", []):
        if (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    return name


def tidy(text: str) -> str:
    """Trim trailing spaces and runs of blank lines left by optional template parts."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --------------------------------------------------------------------------- fitting


@dataclass
class _Cut:
    points: int
    sentences: int
    tags: int
    words: int | None = None  # truncate the summary to this many words
    title_words: int | None = None


def _cuts(m: Material, tags: int) -> Iterator[_Cut]:
    """Ever shorter versions: key points go first, then sentences, then hashtags (cutting words is
    searched, see compose_post); the URL stays."""
    points, sentences = len(m.key_points), len(m.sentences)
    for p in range(points, -1, -1):
        yield _Cut(p, sentences, tags)
    for s in range(sentences - 1, 0, -1):
        yield _Cut(0, s, tags)
    for t in range(tags - 1, -1, -1):
        yield _Cut(0, min(sentences, 1), t)


def _longest(fits: Any, lo: int, hi: int) -> int | None:
    """The largest n in [lo, hi] with fits(n) (a post is longer with more words), by bisection:
    trying every word count was quadratic (114 s for a 4,000-word sentence)."""
    if hi < lo or not fits(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _summary(m: Material, cut: _Cut) -> str:
    if cut.sentences <= 0:
        return ""
    chosen = sorted(m.sentences[: cut.sentences], key=lambda s: m.order.get(s, 0))
    if cut.words is not None:
        tokens, joiner = _tokens(m.sentences[0])
        return joiner.join(tokens[: cut.words]).rstrip(",;:-\u2014\u3001\u3002") + ELLIPSIS
    return " ".join(chosen)


def _tokens(sentence: str) -> tuple[list[str], str]:
    """Words, or characters for scripts written without spaces (Chinese, Japanese)."""
    words = sentence.split()
    if len(words) * 12 < len(sentence):
        return list(sentence), ""
    return words, " "


def _shorten(text: str, words: int | None) -> str:
    if words is None:
        return text
    kept = text.split()[:words]
    return " ".join(kept) + (ELLIPSIS if len(kept) < len(text.split()) else "")


def hashtag_count(channel: Channel, settings: Any) -> int:
    """``[channels.<name>] hashtags``, else the channel's own default, else DEFAULT_HASHTAGS."""
    from assistant.settings import count_setting

    configured = settings.get(f"channels.{channel.name}.hashtags") if settings is not None else None
    if configured is not None:
        return count_setting(configured, f"[channels.{channel.name}] hashtags")
    declared = getattr(channel, "hashtags", None)
    return DEFAULT_HASHTAGS if declared is None else int(declared)


def compose_post(m: Material, channel: Channel, *, target: str | None = None,
                 options: dict[str, Any] | None = None, settings: Any = None, env: Any = None) -> Composed:
    """The longest version of the post that fits the channel (or the shortest, with its problems)."""
    env = env or environment(channel)
    template = template_for(env, channel.name)
    limits = channel.limits()
    url = add_utm(m.url, channel.name, m.campaign) if m.url else None
    tags = [t for t in (hashtag(p) for p in m.keyphrases) if t][: hashtag_count(channel, settings)]
    title = m.title
    if limits.max_title_length and len(title) > limits.max_title_length:
        title = title[: limits.max_title_length - 1].rstrip() + ELLIPSIS
    composed: Composed | None = None

    def attempt(cut: _Cut) -> Composed:
        shown_title = _shorten(m.title, cut.title_words) if cut.title_words is not None else m.title
        try:
            text = tidy(template.render(
                channel=channel.name, target=target, title=shown_title, summary=_summary(m, cut),
                key_points=m.key_points[: cut.points], hashtags=tags[: cut.tags], url=url,
                description=m.description, limits=limits,
            ))
        except Exception as exc:  # noqa: BLE001 - a user's or plugin's template: one line naming it
            from assistant import templates

            raise templates.render_error(exc, template.filename or template.name) from None
        # the title goes along even where the channel has no title field (link cards use it)
        post = Post(channel=channel.name, text=text, url=url, title=title or None, target=target,
                    options=dict(options or {}))
        return measure(channel, post, template=template.name)

    def fits(cut: _Cut) -> bool:
        nonlocal composed
        composed = attempt(cut)
        return composed.length <= limits.max_length

    for cut in _cuts(m, len(tags)):
        if fits(cut):
            return composed  # type: ignore[return-value]
    if m.sentences:  # the first sentence cut at a word (at least 3), the most words that fit
        words = len(_tokens(m.sentences[0])[0])
        best = _longest(lambda w: fits(_Cut(0, 1, 0, words=w)), 3, words - 1)
        if best is not None:
            return attempt(_Cut(0, 1, 0, words=best))
    title_words = len(m.title.split())  # then no summary, and the title cut at a word
    best = _longest(lambda w: fits(_Cut(0, 0, 0, title_words=w)), 1, title_words)
    if best is not None:
        return attempt(_Cut(0, 0, 0, title_words=best))
    composed = attempt(_Cut(0, 0, 0, title_words=1))
    return composed


def measure(channel: Channel, post: Post, template: str = "") -> Composed:
    """Length by the channel's own rule, and its validation problems."""
    limits = channel.limits()
    rendered = channel.render(post)
    return Composed(post=post, length=channel.length(rendered), limit=limits.max_length, rendered=rendered,
                    problems=channel.validate(post),
                    title_length=len(post.title) if post.title is not None and limits.needs_title else None,
                    title_limit=limits.max_title_length, template=template, needs_title=limits.needs_title)


def default_embedder(db: Any) -> Any:
    """The configured embedding model over the assist database's cache (loaded on first use)."""
    from assistant import config
    from assistant.embeddings import Embedder

    settings = config.load()
    return Embedder(settings.get("model.name"), db=db, backend=settings.get("model.backend", "auto"))
