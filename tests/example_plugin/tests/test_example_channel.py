"""The example plugin's own tests: `pip install -e ".[test]"` in its folder, then `pytest` there."""

from __future__ import annotations

from pathlib import Path

import pytest
from assist_example import ExampleChannel
from assist_example.testing import TOKEN, FileFake

from assistant.testing import ChannelContract


@pytest.fixture
def fake(tmp_path: Path) -> FileFake:
    return FileFake(tmp_path / "platform")


class TestExampleContract(ChannelContract):
    lazy_imports = ("requests",)  # the example needs no client library; nothing heavy on import

    @pytest.fixture
    def channel(self, fake: FileFake) -> ExampleChannel:
        return ExampleChannel(fake.settings(), environ={})


def test_share_then_queue_run_publishes_once_and_keeps_the_token_out_of_the_queue(fake: FileFake, share_to) -> None:  # type: ignore[no-untyped-def]
    queued = share_to.share("example", {**fake.settings(), "min_spacing": "0s"})
    shown, stored = share_to.run(queued)
    assert shown["state"] == "sent" and len(fake.published) == 1
    assert fake.published[0]["text"].startswith("Fresh on the windowsill:")  # the plugin's own template
    assert TOKEN.encode() not in stored
