"""assist config path|show: where state lives, and the settings in force with secrets hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli


def test_config_path_json(assist_home: Path) -> None:
    result = CliRunner().invoke(cli, ["config", "path", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "config": str(assist_home / "config.toml"),
        "data": str(assist_home),
        "database": str(assist_home / "assist.db"),
    }


def test_config_show_hides_secrets_of_any_type(assist_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (assist_home / "config.toml").write_text('[channels.x]\napi_key = "sk-file-secret"\nslots = ["09:00"]\n')
    monkeypatch.setenv("ASSIST_REDDIT_PASSWORD", "12345678")  # parses as a TOML integer
    monkeypatch.setenv("ASSIST_CHANNELS__MASTODON__ACCESS_TOKEN", "tok-env-secret")
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    assert "sk-file-secret" not in result.output
    assert "12345678" not in result.output
    assert "tok-env-secret" not in result.output
    shown = json.loads(result.output)
    assert shown["channels"]["x"]["slots"] == ["09:00"]
    assert shown["channels"]["x"]["api_key"] == "********"


def test_config_show_hides_secrets_inside_arrays(assist_home: Path) -> None:
    (assist_home / "config.toml").write_text(
        '[[channels.mastodon.accounts]]\nname = "work"\naccess_token = "tok-in-array"\n'
        '[channels.bluesky]\napp_passwords = ["pw-one", "pw-two"]\n')
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code == 0
    for secret in ("tok-in-array", "pw-one", "pw-two"):
        assert secret not in result.output
    shown = json.loads(result.output)
    assert shown["channels"]["mastodon"]["accounts"] == [{"name": "work", "access_token": "********"}]


def test_config_show_takes_json_like_every_listing(assist_home: Path) -> None:
    """Scripts pass --json everywhere; config show prints JSON anyway and must not refuse the flag."""
    plain, flagged = (CliRunner().invoke(cli, ["config", "show", *extra]) for extra in ([], ["--json"]))
    assert flagged.exit_code == 0, flagged.output
    assert json.loads(flagged.stdout) == json.loads(plain.stdout)
