"""Composing posts from a Document: central sentences, key points, hashtags, UTM, templates, fitting."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from example_plugin.assist_example import ExampleChannel

from assistant import documents
from assistant.channels import Limits
from assistant.share import compose

DRAFT = """---
title: Cold brew coffee at home
keywords: [cold brew, coffee ratio]
canonical_url: https://coffee.example/cold-brew?lang=en#top
---
# Cold brew coffee at home

My grandmother once owned a small bakery in a seaside town famous for its lighthouse.
Cold brew coffee is made by steeping coarse ground coffee in cold water for twelve to eighteen hours.
The long, cold extraction pulls out fewer bitter compounds than hot brewing, so cold brew tastes smoother.
A ratio of one part coffee to eight parts water gives a concentrate you dilute before drinking.
Strain the coffee through a paper filter after steeping to remove the fine sediment.

## Choosing the beans

Medium and dark roasts give cold brew coffee its chocolate notes.

## Storing cold brew

Cold brew concentrate keeps for about a week in a sealed jar in the fridge.

## Conclusion

Cold brew is simple once you know the ratio and the steeping time.
"""


@pytest.fixture
def doc(tmp_path: Path) -> documents.Document:
    path = tmp_path / "cold-brew.md"
    path.write_text(DRAFT)
    return documents.load(path)


class Tiny(ExampleChannel):
    """The example channel with a small limit, to exercise fitting."""

    name = "tiny"
    limit = 120
    templates = None  # assist's defaults, not the example plugin's template and hashtag count
    hashtags = None

    def limits(self) -> Limits:
        return Limits(max_length=self.limit, url_length=23)


def test_summary_prefers_central_sentences_over_the_lead(doc: documents.Document, shared_embedder) -> None:  # type: ignore[no-untyped-def]
    lead = compose.material(doc, None)
    assert lead.sentences[0].startswith("My grandmother")  # the lead order without embeddings
    central = compose.material(doc, shared_embedder)
    assert len(central.sentences) == 3
    assert not any("grandmother" in s for s in central.sentences)  # off-topic: far from the centroid
    assert any("Cold brew coffee is made" in s for s in central.sentences)


def test_key_points_are_headings_without_generic_ones(doc: documents.Document) -> None:
    assert compose.key_points(doc) == ["Choosing the beans", "Storing cold brew"]


def test_hashtags_from_keywords_or_frequent_phrases(doc: documents.Document, tmp_path: Path) -> None:
    assert [compose.hashtag(k) for k in compose.keyphrases(doc)] == ["#ColdBrew", "#CoffeeRatio"]
    bare = tmp_path / "bare.md"
    bare.write_text(DRAFT.replace("keywords: [cold brew, coffee ratio]\n", ""))
    phrases = compose.keyphrases(documents.load(bare))
    assert phrases[0] == "cold brew"  # the most frequent content word pair
    assert compose.hashtag("SEO tips") == "#SEOTips" and compose.hashtag("2024 trends") == ""


def test_utm_tags_keep_existing_parameters_and_campaign() -> None:
    url = compose.add_utm("https://a.example/p?lang=en&utm_source=old#top", "x", "my-post")
    parts = urlsplit(url)
    assert parse_qs(parts.query) == {"lang": ["en"], "utm_source": ["x"], "utm_medium": ["social"],
                                     "utm_campaign": ["my-post"]}
    assert parts.fragment == "top"
    kept = compose.add_utm("https://a.example/p?utm_campaign=spring", "mastodon", "my-post")
    assert parse_qs(urlsplit(kept).query)["utm_campaign"] == ["spring"]


class PlainExample(ExampleChannel):
    """The example channel without its own template or hashtag count: assist's defaults apply."""

    templates = None
    hashtags = None


def test_compose_uses_the_channel_template_and_fits(doc: documents.Document) -> None:
    m = compose.material(doc, None)
    roomy = compose.compose_post(m, PlainExample({}))
    assert roomy.valid and roomy.length <= 500 and roomy.template == "default.j2"
    assert roomy.post.text.startswith("Cold brew coffee at home")
    assert "- Choosing the beans" in roomy.post.text and "#ColdBrew #CoffeeRatio" in roomy.post.text
    assert "utm_source=example" in roomy.post.url and roomy.post.url in roomy.post.text
    assert m.campaign == "cold-brew-coffee-at-home"


def tags(composed: compose.Composed) -> list[str]:
    return re.findall(r"(?<!\S)#\w+", composed.post.text.replace(composed.post.url or "", ""))


def test_fitting_is_fast_on_a_huge_sentence_and_cjk_sentences_end_at_full_stops() -> None:
    """Fitting tried every word count: 114 s for a 4,000-word sentence; `。` was not a sentence end
    (issue 10, item 19)."""
    import time as time_mod

    words = " ".join(f"word{i}" for i in range(4000))
    doc = documents.load("-", text=f"---\ntitle: Long\ncanonical_url: https://a.example/x\n---\n{words}.\n")
    started = time_mod.monotonic()
    composed = compose.compose_post(compose.material(doc, None), PlainExample({}))
    assert composed.valid and time_mod.monotonic() - started < 5
    assert compose.ELLIPSIS in composed.post.text and composed.length <= 500
    cjk = documents.load("-", text="\u8fd9\u662f\u4e00\u53e5\u3002\u8fd9\u662f\u7b2c\u4e8c\u53e5\uff01\u7b2c\u4e09\u53e5\uff1f\n")
    assert [s.text for s in cjk.sentences] == ["\u8fd9\u662f\u4e00\u53e5\u3002", "\u8fd9\u662f\u7b2c\u4e8c\u53e5\uff01",
                                               "\u7b2c\u4e09\u53e5\uff1f"]


def test_a_plugin_ships_its_template_and_hashtag_count(doc: documents.Document, assist_home: Path) -> None:
    composed = compose.compose_post(compose.material(doc, None), ExampleChannel({}))
    assert composed.template == "example.j2" and composed.valid
    assert composed.post.text.startswith("Fresh on the windowsill: Cold brew coffee at home")
    assert tags(composed) == ["#ColdBrew"]  # ExampleChannel.hashtags = 1
    (assist_home / "config.toml").write_text("[channels.example]\nhashtags = 2\n")
    from assistant import config

    two = compose.compose_post(compose.material(doc, None), ExampleChannel({}), settings=config.load())
    assert tags(two) == ["#ColdBrew", "#CoffeeRatio"]  # the user's setting wins
    custom = assist_home / "prompts" / "share"
    custom.mkdir(parents=True)
    (custom / "example.j2").write_text("Mine: {{ title }} {{ url }}")
    assert compose.compose_post(compose.material(doc, None), ExampleChannel({})).post.text.startswith("Mine: ")


@pytest.mark.parametrize("limit", [200, 100, 60])
def test_fitting_drops_points_sentences_hashtags_then_words_but_keeps_the_url(doc: documents.Document,
                                                                               limit: int) -> None:
    channel = Tiny({})
    channel.limit = limit
    composed = compose.compose_post(compose.material(doc, None), channel)
    assert composed.valid, composed.problems
    assert composed.length == channel.length(composed.post.text) <= limit
    assert composed.post.url and composed.post.url in composed.post.text
    assert "- Choosing" not in composed.post.text
    if limit <= 100:
        assert "#" not in composed.post.text.replace(composed.post.url, "")  # hashtags go before words
    if limit == 100:
        assert compose.ELLIPSIS in composed.post.text  # the summary cut at a word
    if limit == 60:
        assert composed.post.text.splitlines()[0] == "Cold brew coffee at home"  # title and URL only


def test_x_post_fits_by_weighted_length() -> None:
    pytest.importorskip("assist_x")
    from assist_x import XChannel

    # one long sentence (a CJK full stop now ends a sentence: the stop only at the end)
    text = "\u7f8e\u5473\u3057\u3044\u30b3\u30fc\u30d2\u30fc\u306e\u6dc0\u308c\u65b9\u3001" * 12 + "\u3002"
    path_doc = documents.load("-", text=f"---\ntitle: Coffee\ncanonical_url: https://c.example/x\n---\n{text}\n")
    composed = compose.compose_post(compose.material(path_doc, None), XChannel({}))
    assert composed.valid and composed.length <= 280
    assert "\u7f8e\u5473" in composed.post.text and compose.ELLIPSIS in composed.post.text
    assert 250 < composed.length  # CJK weighs 2: cut by characters, not dropped whole


def test_user_templates_override_the_shipped_ones(doc: documents.Document, assist_home: Path) -> None:
    custom = assist_home / "prompts" / "share"
    custom.mkdir(parents=True)
    (custom / "example.j2").write_text("New: {{ title }} {{ url }}")
    composed = compose.compose_post(compose.material(doc, None), ExampleChannel({}))
    assert composed.post.text.startswith("New: Cold brew coffee at home https://coffee.example/cold-brew?")
    assert composed.template == "example.j2"


def test_shipped_templates_exist_in_their_packages() -> None:
    from assistant import templates
    from assistant.channels import available_channels

    assert (templates.core_dir("share") / "default.j2").is_file()  # assist's own, as package data
    channels = available_channels()
    for name in ("x", "bluesky", "reddit"):  # each plugin ships its own
        found = templates.find("share", name, channels[name])
        assert found.parent == templates.plugin_dir(channels[name]) and found.name == f"{name}.j2"
    assert templates.find("share", "mastodon", channels["mastodon"], fallback="default").name == "default.j2"
