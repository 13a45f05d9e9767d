"""The core's declared dependencies are what the core imports: nothing more, nothing missing.

Plugin-only libraries (praw, tweepy, grapheme) belong to the plugins' own distributions, and pytest to
the ``assist[testing]`` extra that the channel contract kit needs.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KIT = {"testing.py", "fakeserver.py"}  # the contract kit: assist[testing]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower())


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def _distributions(modules: set[str]) -> set[str]:
    found = packages_distributions()
    out: set[str] = set()
    for module in modules:
        if module in sys.stdlib_module_names or module == "assistant":
            continue
        dists = found.get(module)
        assert dists, f"{module} is imported by the core but installed by no distribution"
        out |= {_name(d) for d in dists}
    return out


def test_core_dependencies_are_what_the_core_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    testing = {_name(r) for r in project["optional-dependencies"]["testing"]}
    files = [p for p in (ROOT / "assistant").rglob("*.py")]
    core = _distributions(set().union(*(_imports(p) for p in files if p.name not in KIT)))
    kit = _distributions(set().union(*(_imports(p) for p in files if p.name in KIT)))
    assert core - declared == set(), "imported by the core, not declared"
    assert kit - declared - testing == set(), "imported by the contract kit, in neither the core nor assist[testing]"
    for plugin_only in ("praw", "tweepy", "grapheme", "pytest", "atproto", "mastodon-py"):
        assert plugin_only not in declared, f"{plugin_only} is a core dependency"
    assert "pytest" in testing


def test_each_plugin_declares_its_client_library() -> None:
    wanted = {"reddit": "praw", "x": "tweepy", "mastodon": "mastodon-py", "bluesky": "atproto"}
    for plugin, library in wanted.items():
        project = tomllib.loads((ROOT / "plugins" / plugin / "pyproject.toml").read_text())["project"]
        assert library in {_name(r) for r in project["dependencies"]}, plugin


def test_every_package_under_assistant_is_installed() -> None:
    # pyproject lists packages (the templates of prompts/ are mapped in as assistant.prompts)
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "assistant").rglob("__init__.py")}
    assert found | {"assistant.prompts"} == set(setup["packages"])
    assert setup["package-dir"]["assistant.prompts"] == "prompts"
    assert not (ROOT / "assistant" / "prompts").exists()  # no symlink (it broke Windows checkouts)
