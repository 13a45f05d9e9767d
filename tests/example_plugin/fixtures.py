"""Test helpers around the example plugin: install it through pip, and a file-backed "fake".

Use the fixtures by importing them: ``from example_plugin.fixtures import example_installed_fixture,
example_site_fixture`` (they register as ``example_installed`` and ``example_site``).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from example_plugin.assist_example.testing import TOKEN, FileFake  # noqa: F401 - re-exported for the tests

HERE = Path(__file__).resolve().parent


def install_example(target: Path) -> Path:
    """pip-install tests/example_plugin into ``target`` (no network, no build isolation)."""
    source = target.parent / "example-src"
    shutil.copytree(HERE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "fixtures.py",
                                                                ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True)
    return target


@pytest.fixture(scope="session", name="example_site")
def example_site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where the example plugin is pip-installed (once a session)."""
    return install_example(tmp_path_factory.mktemp("example-plugin") / "site")


@pytest.fixture(name="example_installed")
def example_installed_fixture(example_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The installed example plugin on sys.path (and PYTHONPATH for subprocesses) for one test."""
    from assistant import plugins

    monkeypatch.syspath_prepend(str(example_site))
    monkeypatch.setenv("PYTHONPATH", str(example_site))
    importlib.invalidate_caches()
    plugins.reset()
    yield example_site
    sys.modules.pop("assist_example", None)
    plugins.reset()


@pytest.fixture(name="file_fake")
def file_fake_fixture(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "example-platform")


def write_config(home: Path, text: str) -> None:
    path = home / "config.toml"
    previous = path.read_text() if path.exists() else ""
    path.write_text(previous + "\n" + text)
