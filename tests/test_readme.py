"""README.md stays true to the code: its commands exist and its configuration example is read as documented."""

import re
import tomllib
from pathlib import Path

from assistant import config
from assistant.cli import COMMANDS
from assistant.score.signals import resolve_weights
from assistant.share.worker import rate_limits

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _toml_blocks() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", README, flags=re.S)


def test_every_command_is_in_the_readme_table_and_every_row_is_a_command():
    rows = set(re.findall(r"^\| `assist (\w+)", README, flags=re.M))
    assert rows == set(COMMANDS)


def test_quick_start_commands_match_ci():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -r requirements-dev.txt && .venv/bin/python -m pytest"
    assert test_command in README
    assert test_command in ci
    assert ".venv/bin/assist score sample_content/" in README


def test_configuration_example_is_read_as_the_readme_says(tmp_path, monkeypatch):
    (block,) = _toml_blocks()
    path = tmp_path / "config.toml"
    path.write_text(block, encoding="utf-8")
    monkeypatch.setenv("ASSIST_CONFIG", str(path))
    settings = config.load({"ASSIST_SCORE__MIN_SCORE": "60"})

    assert settings.get("score.min_score") == 60  # the env example: ASSIST_SCORE__MIN_SCORE=60
    weights = resolve_weights(settings.get("score.weights"))
    assert weights["evidence"] == 30 and weights["title"] == 0
    limit = rate_limits(settings)["x"]
    assert (limit.posts, limit.per) == (100, 15 * 60)
    assert settings.get("channels.mastodon.api_base_url") == "https://mastodon.social"
    assert settings.get("site.domain") == "remotely.blog"
    assert tomllib.loads(block)["timezone"] == settings.get("timezone")
