"""Templates come from users and plugins (issue 10, items 18 and 25): they run sandboxed, a template
name is never a path, and a broken template is a one-line error naming its file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import templates
from assistant.cli import cli
from assistant.errors import UsageError

DRAFT = Path(__file__).resolve().parents[1] / "sample_content" / "balcony-vegetable-garden.md"
ESCAPE = "{{ cycler.__init__.__globals__.os.popen('echo pwned > %s').read() }}"


def share_with(assist_home: Path, template: str):  # type: ignore[no-untyped-def]
    folder = assist_home / "prompts" / "share"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mastodon.j2").write_bytes(template.encode("utf-8") if isinstance(template, str) else template)
    (assist_home / "config.toml").write_text('[channels.mastodon]\napi_base_url = "https://m.example"\naccess_token = "t"\nmax_characters = 500\n')
    return CliRunner().invoke(cli, ["share", str(DRAFT), "--channel", "mastodon", "--summary", "lead", "--dry-run"])


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_a_share_template_cannot_reach_the_system(assist_home: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    line = one_line_error(share_with(assist_home, ESCAPE % marker))
    assert "mastodon.j2" in line and "not allowed in a template" in line
    assert not marker.exists()


@pytest.mark.parametrize(("template", "says"), [
    ("{{ title ", "line 1"),  # a syntax error
    ("{{ nope.deeper }}", "'nope' is undefined"),
    (b"\xff\xfe{{ title }}", "not UTF-8"),
])
def test_a_broken_share_template_is_one_line_naming_the_file(assist_home: Path, template: str, says: str) -> None:
    line = one_line_error(share_with(assist_home, template))
    assert "mastodon.j2" in line and says in line


def test_an_outreach_template_name_is_never_a_path(tmp_path: Path) -> None:
    outside = tmp_path / "secret.j2"
    outside.write_text("{{ 7 * 6 }}")
    for name in ("../../secret", str(outside.with_suffix("")), "a/b", "..", ""):
        with pytest.raises(UsageError, match="not a path"):
            templates.find("outreach", name)
    assert templates.find("outreach", "resource-page").name == "resource-page.j2"


def test_an_outreach_template_is_sandboxed_too(assist_home: Path, tmp_path: Path) -> None:
    from assistant.prospects import outreach

    folder = assist_home / "prompts" / "outreach"
    folder.mkdir(parents=True)
    marker = tmp_path / "pwned"
    (folder / "evil.j2").write_text("Subject: hi\n" + ESCAPE % marker)
    path = outreach.find_template("evil")
    assert path.parent == folder
    env = templates.sandbox()
    with pytest.raises(Exception) as info:
        env.from_string(path.read_text()).render(cycler=__import__("jinja2").utils.Cycler)
    assert "unsafe" in str(info.value).lower() or "not allowed" in str(info.value).lower() or info.type.__name__ == "SecurityError"
    assert not marker.exists()
