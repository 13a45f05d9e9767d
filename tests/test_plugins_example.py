"""The extension path: a third-party channel installed with pip is listed, used by share, published by run."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_plugin.fixtures import (  # noqa: F401 - fixtures
    TOKEN,
    FileFake,
    example_installed_fixture,
    example_site_fixture,
)

from assistant import plugins
from assistant.cli import cli
from assistant.testing import ChannelContract

DRAFT = textwrap.dedent("""\
    ---
    title: Seven ways to keep basil alive on a windowsill
    keywords: [indoor herbs, basil care]
    canonical_url: https://herbs.example/basil-windowsill?ref=feed
    ---
    # Seven ways to keep basil alive on a windowsill

    Basil dies indoors mostly from too little light and too much water, not from neglect.
    A south-facing windowsill gives it the six hours of sun it needs in spring and summer.
    Water only when the top two centimetres of compost are dry, and never leave the pot in a saucer of water.
    Pinch out the growing tips every week so the plant branches instead of flowering.

    ## Light comes first

    A grow light on a timer rescues basil through the winter months in northern flats.

    ## Water less than you think

    Most supermarket basil pots hold several seedlings that compete for the same roots.
    """)


@pytest.fixture
def fake(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "platform")


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "basil.md"
    path.write_text(DRAFT)
    return path


def configure(home: Path, fake: FileFake, token: bool = True) -> None:
    settings = fake.settings()
    lines = ["[channels.example]", f'path = "{settings["path"]}"', 'min_spacing = "0s"']
    if token:
        lines.append(f'token = "{TOKEN}"')
    (home / "config.toml").write_text("\n".join(lines) + "\n")


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_channels_lists_the_installed_plugin_without_secrets(example_installed: Path, fake: FileFake,
                                                             assist_home: Path) -> None:
    configure(assist_home, fake)
    result = run("channels", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    example = rows["example"]
    assert example["distribution"] == "assist-example" and example["version"] == "0.0.1"
    assert example["configured"] is True and example["limits"]["url_length"] == 23
    assert TOKEN not in result.output
    text = run("channels", "show", "example")
    assert text.exit_code == 0 and "ASSIST_EXAMPLE_TOKEN" in text.output and "set" in text.output
    assert TOKEN not in text.output


def test_channels_reports_missing_credentials(example_installed: Path, fake: FileFake, assist_home: Path) -> None:
    configure(assist_home, fake, token=False)
    row = next(r for r in json.loads(run("channels", "--json").stdout) if r["name"] == "example")
    assert row["configured"] is False and row["missing"] == ["ASSIST_EXAMPLE_TOKEN"]
    assert "missing ASSIST_EXAMPLE_TOKEN" in run("channels").output


def test_share_then_queue_run_publishes_through_the_plugin(example_installed: Path, fake: FileFake,
                                                           assist_home: Path, draft: Path) -> None:
    configure(assist_home, fake)
    preview = run("share", str(draft), "--channel", "example", "--summary", "lead", "--at", "now", "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    [post] = json.loads(preview.stdout)
    assert post["valid"] and post["id"] is None and post["length"] <= 500
    assert "utm_source=example&utm_medium=social" in post["url"] and "ref=feed" in post["url"]
    assert "#IndoorHerbs" in post["text"]
    assert run("queue", "list", "--json").stdout.strip() == "[]"  # the dry run queued nothing

    queued = run("share", str(draft), "--channel", "example", "--summary", "lead", "--at", "now", "--json")
    assert queued.exit_code == 0, queued.output
    post_id = json.loads(queued.stdout)[0]["id"]
    result = run("queue", "run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcomes"] == {"sent": 1}
    [published] = fake.published
    assert published["text"] == post["text"]
    shown = json.loads(run("queue", "show", str(post_id), "--json").stdout)
    assert shown["state"] == "sent" and [a["outcome"] for a in shown["history"]] == ["sent"]
    again = run("share", str(draft), "--channel", "example", "--at", "now", "--summary", "lead")
    assert again.exit_code == 2 and "already queued or sent to example" in again.output


def test_an_installed_plugin_ships_its_template_and_rate_limit(example_installed: Path, fake: FileFake,
                                                                 assist_home: Path, draft: Path) -> None:
    # Nothing in assist knows the example channel: its template (package data of the pip-installed
    # copy) and its rate limit come from the plugin; the user's config overrides them key by key.
    from assistant import config
    from assistant.share.worker import RateLimit, rate_limits

    configure(assist_home, fake)
    preview = run("share", str(draft), "--channel", "example", "--summary", "lead", "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    [post] = json.loads(preview.stdout)
    assert post["text"].startswith("Fresh on the windowsill: Seven ways to keep basil alive")
    assert rate_limits(config.load())["example"] == RateLimit(100, 3600.0)
    with (assist_home / "config.toml").open("a") as fh:
        fh.write('rate_limit = { per = "2h" }\n')
    assert rate_limits(config.load())["example"] == RateLimit(100, 7200.0)  # posts from the plugin, per from you


@pytest.mark.slow  # a pytest run in a subprocess
def test_the_plugins_own_tests_pass_from_its_own_folder(example_installed: Path, tmp_path: Path) -> None:
    """`pytest` in the plugin's folder (a copy, as an author's checkout) against the installed plugin."""
    import shutil
    import subprocess

    folder = tmp_path / "assist-example"
    shutil.copytree(Path(__file__).parent / "example_plugin", folder,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "fixtures.py", ".pytest_cache"))
    shutil.rmtree(folder / "assist_example")  # the tests must use the installed copy, not the source
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


def test_contract_kit_against_the_installed_example(example_installed: Path, fake: FileFake) -> None:
    import assist_example

    assert Path(assist_example.__file__).parent.parent == example_installed  # the pip-installed copy


class TestExampleContract(ChannelContract):
    """The example plugin passes the contract kit plugin authors use."""

    @pytest.fixture
    def channel(self, example_installed: Path, fake: FileFake):  # type: ignore[no-untyped-def]
        import assist_example

        return assist_example.ExampleChannel(fake.settings(), environ={})


def test_broken_plugin_is_a_warning_not_a_dead_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "broken-site"
    dist = site / "assist_broken-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: assist-broken\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[assist]\nbroken = assist_broken\n")
    (site / "assist_broken.py").write_text("raise RuntimeError('this plugin is broken on purpose')\n")
    monkeypatch.syspath_prepend(str(site))
    plugins.reset()
    result = run("channels", "--json")
    assert result.exit_code == 0
    assert "plugin 'broken' failed to load: RuntimeError: this plugin is broken on purpose" in result.stderr
    assert isinstance(json.loads(result.stdout), list)
    sys.modules.pop("assist_broken", None)


def test_a_channel_that_cannot_describe_itself_does_not_hide_the_others() -> None:
    from types import SimpleNamespace

    import assistant
    from assistant.channels import Channel

    class Broken(Channel):
        name = "broken"
        description = "limits() raises"

        def limits(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("no limits today")

    @assistant.hookimpl
    def register_channels(register):  # type: ignore[no-untyped-def]
        register(Broken)

    plugins.register_plugin(SimpleNamespace(register_channels=register_channels, __name__="broken_inproc"), "broken_inproc")
    result = run("channels", "--json")
    assert result.exit_code == 0
    names = [r["name"] for r in json.loads(result.stdout)]
    assert "broken" not in names
    assert "channel 'broken'" in result.stderr and "no limits today" in result.stderr


def test_plugins_lists_the_installed_plugin_as_json(example_installed: Path) -> None:
    result = run("plugins", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # nothing but the JSON on stdout
    assert isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
    example = next(r for r in rows if r["name"] == "example")
    assert example["distribution"] == "assist-example" and example["version"] == "0.0.1"
    assert "register_channels" in example["hooks"]
    assert {"x", "mastodon", "bluesky", "reddit"} <= {r["name"] for r in rows}  # the built-in channels too
    assert "assist-example 0.0.1" in run("plugins").stdout


# --------------------------------------------------------------------------- helpers for plugin authors


def test_option_flag_reads_yes_no_options() -> None:
    from assistant.channels import option_flag

    assert [option_flag(v, False) for v in ("true", " Yes ", "1", "on", "y", True)] == [True] * 6
    assert [option_flag(v, True) for v in ("false", "no", "0", "off", "maybe", False)] == [False] * 6
    assert option_flag(None, True) is True and option_flag("", False) is False


def test_run_translated_passes_channel_errors_and_unknown_exceptions_through() -> None:
    from assistant.channels import AuthError, PermanentError, run_translated

    def fail(exc: Exception) -> None:
        raise exc

    def translate(exc: Exception) -> PermanentError | None:
        return PermanentError(f"demo: {exc}") if isinstance(exc, ValueError) else None

    assert run_translated(lambda: 7, translate) == 7
    with pytest.raises(PermanentError, match="demo: bad") as info:
        run_translated(lambda: fail(ValueError("bad")), translate)
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    with pytest.raises(KeyError):
        run_translated(lambda: fail(KeyError("k")), translate)
    with pytest.raises(AuthError, match="refused"):
        run_translated(lambda: fail(AuthError("refused")), lambda exc: PermanentError("never"))


def test_network_error_tells_a_request_never_sent_from_an_ambiguous_one() -> None:
    import socket

    import requests

    from assistant.channels import AmbiguousError, TransientError, network_error, never_connected

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(requests.exceptions.ConnectionError) as refused:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    assert never_connected(refused.value)
    error = network_error("demo", refused.value, sending=True)
    assert type(error) is TransientError and str(error) == "demo: cannot connect (ConnectionError)"
    assert type(network_error("demo", requests.exceptions.ConnectTimeout(), sending=True)) is TransientError
    lost = requests.exceptions.ReadTimeout()
    assert not never_connected(lost)
    error = network_error("demo", lost, sending=True, action="submitting", note="check before resending")
    assert isinstance(error, AmbiguousError)
    assert str(error) == "demo: the connection failed while submitting (ReadTimeout); check before resending"
    assert str(network_error("demo", lost, sending=True)).endswith("the post may or may not exist until checked")
    error = network_error("demo", lost, sending=False)
    assert type(error) is TransientError and str(error) == "demo: network error (ReadTimeout)"
