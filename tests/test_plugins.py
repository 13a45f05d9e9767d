"""The plugin manager: entry points found through real distribution metadata, loaded in guards."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import plugins


def _make_dist(root: Path, dist: str, ep_name: str, module: str, source: str) -> None:
    """Write a module and a .dist-info with an entry point, as an installed distribution would."""
    (root / f"{module}.py").write_text(source)
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[assist]\n{ep_name} = {module}\n")


@pytest.fixture
def site_dir(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "site"
    root.mkdir()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    yield root
    sys.path.remove(str(root))
    importlib.invalidate_caches()
    for name in [m for m in sys.modules if m.startswith("fp_")]:
        del sys.modules[name]
    plugins.reset()


GOOD = '''
import assistant

@assistant.hookimpl
def register_commands(cli):
    import click

    @cli.command(name="hello-fp")
    def hello():
        """Say hello from a plugin."""
        click.echo("hello from plugin")
'''


def test_entry_point_plugin_is_loaded_with_its_version(site_dir: Path) -> None:
    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD)
    infos = {i.name: i for i in plugins.plugin_infos()}
    assert infos["good"].version == "1.2.3"
    assert infos["good"].distribution == "fp-good"
    assert infos["good"].hooks == ["register_commands"]


def test_a_broken_plugin_is_a_warning_not_a_dead_manager(site_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD)
    _make_dist(site_dir, "fp-broken", "broken", "fp_broken", "raise ImportError('missing thing')\n")
    names = {i.name for i in plugins.plugin_infos()}
    assert "good" in names and "broken" not in names
    err = capsys.readouterr().err
    assert "plugin 'broken' failed to load" in err and "missing thing" in err


def test_misspelled_hook_is_reported(site_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "import assistant\n\n@assistant.hookimpl\ndef register_chanels(register):\n    pass\n"
    _make_dist(site_dir, "fp-typo", "typo", "fp_typo", source)
    plugins.get_manager()
    assert "register_chanels" in capsys.readouterr().err


def test_assist_load_plugins_limits_what_loads(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD)
    monkeypatch.setenv("ASSIST_LOAD_PLUGINS", "")
    assert "good" not in {i.name for i in plugins.plugin_infos()}
    plugins.reset()
    monkeypatch.setenv("ASSIST_LOAD_PLUGINS", "good")
    assert "good" in {i.name for i in plugins.plugin_infos()}


def test_plugin_command_appears_in_the_cli(site_dir: Path) -> None:
    from click.testing import CliRunner

    from assistant.cli import AssistGroup, cli

    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD)
    AssistGroup._plugins_loaded = False
    try:
        result = CliRunner().invoke(cli, ["hello-fp"])
        assert result.exit_code == 0, result.output
        assert "hello from plugin" in result.output
    finally:
        cli.commands.pop("hello-fp", None)
        AssistGroup._plugins_loaded = False


RAISES_IN_HOOKS = '''
import assistant

@assistant.hookimpl
def register_commands(cli):
    raise RuntimeError("commands broke\\nsecond line")

@assistant.hookimpl
def register_channels(register):
    raise RuntimeError("channels broke")
'''


def test_a_plugin_whose_hooks_raise_is_a_warning_not_a_dead_cli(site_dir: Path) -> None:
    """`assist --help` and the other plugins' commands and channels survive a plugin whose hook raises."""
    from click.testing import CliRunner

    from assistant.channels import Channel, available_channels
    from assistant.cli import AssistGroup, cli

    class Fine(Channel):
        name = "fine"

    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD + (
        "\n@assistant.hookimpl\ndef register_channels(register):\n    register(FINE)\n"))
    _make_dist(site_dir, "fp-raises", "raises", "fp_raises", RAISES_IN_HOOKS)
    importlib.import_module("fp_good").FINE = Fine  # type: ignore[attr-defined]
    AssistGroup._plugins_loaded = False
    try:
        result = CliRunner().invoke(cli, ["--help"])
        assert result.exit_code == 0, result.exception
        assert "hello-fp" in result.stdout
        assert result.stderr.strip().splitlines() == [
            "warning: plugin 'raises' failed in register_commands: RuntimeError: commands broke"]
        assert "fine" in available_channels() and "mastodon" in available_channels()
        assert plugins.load_warnings()[-1] == "plugin 'raises' failed in register_channels: RuntimeError: channels broke"
    finally:
        cli.commands.pop("hello-fp", None)
        AssistGroup._plugins_loaded = False


EXITS_AT_IMPORT = "raise SystemExit(3)\n"
EXITS_IN_A_HOOK = '''
import assistant

@assistant.hookimpl
def register_commands(cli):
    raise SystemExit(4)
'''


@pytest.mark.parametrize(("source", "says"), [
    (EXITS_AT_IMPORT, "plugin 'exits' failed to load: SystemExit: 3"),
    (EXITS_IN_A_HOOK, "plugin 'exits' failed in register_commands: SystemExit: 4"),
], ids=["at-import", "in-a-hook"])
def test_a_plugin_raising_system_exit_is_a_warning_not_a_silent_exit(site_dir: Path, source: str, says: str) -> None:
    """`raise SystemExit(3)` in a plugin made `assist --help` exit 3 with no output (issue 10, item 18):
    a broken plugin is a warning whatever it raises."""
    from click.testing import CliRunner

    from assistant.cli import AssistGroup, cli

    _make_dist(site_dir, "fp-good", "good", "fp_good", GOOD)
    _make_dist(site_dir, "fp-exits", "exits", "fp_exits", source)
    AssistGroup._plugins_loaded = False
    try:
        result = CliRunner().invoke(cli, ["--help"])
        assert result.exit_code == 0, (result.exit_code, result.output)
        assert "hello-fp" in result.stdout and "share" in result.stdout
        assert result.stderr.strip().splitlines() == [f"warning: {says}"]
    finally:
        cli.commands.pop("hello-fp", None)
        AssistGroup._plugins_loaded = False


def test_ctrl_c_while_a_plugin_loads_still_interrupts(site_dir: Path) -> None:
    _make_dist(site_dir, "fp-interrupts", "interrupts", "fp_interrupts", "raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        plugins.get_manager()
