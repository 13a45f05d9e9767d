"""Settings: defaults, the TOML file, ASSIST_* overrides and ASSIST_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import config
from assistant.errors import ConfigError


def test_assist_home_relocates_every_path(assist_home: Path) -> None:
    assert config.config_path() == assist_home / "config.toml"
    assert config.db_path() == assist_home / "assist.db"
    assert config.data_dir() == assist_home


def test_defaults_without_a_file() -> None:
    settings = config.load(environ={})
    assert settings.get("model.name") == "all-MiniLM-L6-v2"
    assert settings.get("no.such.key", 7) == 7


def test_file_overrides_defaults_and_env_overrides_file(assist_home: Path) -> None:
    (assist_home / "config.toml").write_text('[model]\nname = "from-file"\nbatch_size = 8\n')
    settings = config.load(environ={"ASSIST_MODEL__NAME": "from-env"})
    assert settings.get("model.name") == "from-env"
    assert settings.get("model.batch_size") == 8
    assert settings.get("model.backend") == "auto"  # untouched default survives the merge


def test_env_values_are_typed_like_toml() -> None:
    settings = config.load(environ={
        "ASSIST_SCORE__WEIGHTS__DEPTH": "2.5",
        "ASSIST_SCHEDULE__SLOTS": '["09:00", "17:00"]',
        "ASSIST_FLAG": "true",
        "ASSIST_NAME": "plain words",
    })
    assert settings.get("score.weights.depth") == 2.5
    assert settings.get("schedule.slots") == ["09:00", "17:00"]
    assert settings.get("flag") is True
    assert settings.get("name") == "plain words"


def test_env_credentials_stay_text_as_typed() -> None:
    settings = config.load(environ={
        "ASSIST_CHANNELS__REDDIT__PASSWORD": "1_000",
        "ASSIST_CHANNELS__X__API_KEY": "true",
        "ASSIST_CHANNELS__MASTODON__ACCESS_TOKEN": "0x1F",
        "ASSIST_CHANNELS__X__RATE_LIMIT__POSTS": "50",
    })
    assert settings.get("channels.reddit.password") == "1_000"
    assert settings.get("channels.x.api_key") == "true"
    assert settings.get("channels.mastodon.access_token") == "0x1F"
    assert settings.get("channels.x.rate_limit.posts") == 50  # other settings are still typed


def test_location_variables_are_not_settings(assist_home: Path) -> None:
    settings = config.load(environ={"ASSIST_HOME": str(assist_home), "ASSIST_RAISE_ERRORS": "1"})
    assert "home" not in settings.data and "raise_errors" not in settings.data


def test_invalid_toml_is_a_one_line_config_error(assist_home: Path) -> None:
    (assist_home / "config.toml").write_text("[model\nname = ")
    with pytest.raises(ConfigError) as info:
        config.load(environ={})
    assert "invalid TOML" in str(info.value) and "\n" not in str(info.value)


def test_section_returns_a_mapping_or_empty(assist_home: Path) -> None:
    (assist_home / "config.toml").write_text('[channels.x]\napi_key = "k"\n')
    settings = config.load(environ={})
    assert settings.section("channels.x") == {"api_key": "k"}
    assert settings.section("channels.nothing") == {}


def test_the_repr_of_settings_holds_no_secret(assist_home: Path) -> None:
    """A Settings object printed by a log line, a debugger or a failing assertion shows no credential."""
    (assist_home / "config.toml").write_text('[channels.mastodon]\naccess_token = "tok-file-s3cr3t"\n')
    settings = config.load(environ={"ASSIST_CHANNELS__BLUESKY__APP_PASSWORD": "pw-env-s3cr3t"})
    assert settings.get("channels.bluesky.app_password") == "pw-env-s3cr3t"
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in str(settings)
    assert str(config.config_path()) in repr(settings)


def test_number_settings_are_checked_with_the_key_named() -> None:
    settings = config.load(environ={"ASSIST_MODEL__BATCH_SIZE": "abc", "ASSIST_SCORE__MIN_SCORE": "60",
                                    "ASSIST_SCORE__MAX_FILE_MB": "0.5", "ASSIST_QUEUE__MAX_TRIES": "2.5"})
    assert settings.number("score.min_score", 0) == 60.0
    assert settings.number("score.max_file_mb", 5, positive=True) == 0.5
    assert settings.number("no.such.key", 7, integer=True) == 7
    with pytest.raises(ConfigError, match=r"^\[model\] batch_size: 'abc' is not a whole number$"):
        settings.number("model.batch_size", 64, integer=True, positive=True)
    with pytest.raises(ConfigError, match=r"^\[queue\] max_tries: 2.5 is not a whole number$"):
        settings.number("queue.max_tries", 5, integer=True)
    with pytest.raises(ConfigError, match="^a: True is not a number$"):
        config.Settings({"a": True}).number("a", 1, positive=True)


def test_one_rule_for_numbers_whatever_reads_them() -> None:
    """A quoted number is a number everywhere; a boolean never is (ASSIST_CRAWL__DELAY=true was 1.0)."""
    from assistant import settings as readers

    quoted = config.Settings({"queue": {"max_tries": "5"}, "crawl": {"delay": True}})
    assert quoted.number("queue.max_tries", 1, integer=True) == 5
    assert readers.count_setting("5", "queue.max_tries") == 5
    for read in (lambda v: quoted.number("crawl.delay", 1.0), lambda v: readers.number(v, "crawl.delay"),
                 lambda v: readers.count_setting(v, "crawl.delay")):
        with pytest.raises(ConfigError, match=r"^\[crawl\] delay: True is not a (whole )?number$"):
            read(True)
    env = config.load(environ={"ASSIST_CRAWL__DELAY": "true"})
    with pytest.raises(ConfigError, match=r"^\[crawl\] delay: True is not a number$"):
        env.number("crawl.delay", 1.0)
    for bad in ("nan", "inf", float("inf")):
        with pytest.raises(ConfigError, match="is not a number"):
            readers.number(bad, "crawl.delay")
    with pytest.raises(ConfigError, match=r"^\[score\] weights: unknown signal 'speed'"):
        readers.weights({"speed": 1}, {"depth": 1.0}, "score.weights", what="signal")
    with pytest.raises(ConfigError, match=r"^\[score\.weights\] depth: must be at least 0, not -1$"):
        readers.weights({"depth": -1}, {"depth": 1.0}, "score.weights")


def test_a_missing_assist_config_file_is_an_error_not_ignored(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^ASSIST_CONFIG names .*nope\.toml, which is not a file$"):
        config.load(environ={"ASSIST_CONFIG": str(tmp_path / "nope.toml")})
    given = tmp_path / "given.toml"
    given.write_text('[queue]\nmax_tries = 3\n')
    assert config.load(environ={"ASSIST_CONFIG": str(given)}).get("queue.max_tries") == 3


def test_a_scalar_where_a_table_is_expected_is_an_error(assist_home: Path) -> None:
    """`rate_limits = 3` once silently switched every rate limit off."""
    (assist_home / "config.toml").write_text("rate_limits = 3\n[channels]\nx = 5\n")
    settings = config.load()
    with pytest.raises(ConfigError, match=r"^rate_limits: expected a table, not 3$"):
        settings.section("rate_limits")
    with pytest.raises(ConfigError, match=r"^\[channels\] x: expected a table, not 5$"):
        settings.section("channels.x")
    from click.testing import CliRunner

    from assistant.cli import cli

    result = CliRunner().invoke(cli, ["queue", "run"])
    assert result.exit_code == 2 and "rate_limits: expected a table, not 3" in result.output


@pytest.mark.parametrize(("value", "raises"), [("", False), ("0", False), ("no", False), ("false", False),
                                               ("OFF", False), ("1", True), ("yes", True)])
def test_assist_raise_errors_reads_no_as_no(monkeypatch: pytest.MonkeyPatch, value: str, raises: bool) -> None:
    from assistant.errors import raise_errors

    monkeypatch.setenv("ASSIST_RAISE_ERRORS", value)
    assert raise_errors() is raises
