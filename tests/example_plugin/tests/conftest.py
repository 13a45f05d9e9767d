"""The kit's fixtures: every test gets its own ASSIST_HOME (autouse); `share_to` runs share + queue run."""

from assistant.testing import assist_home, share_to  # noqa: F401 - fixtures
