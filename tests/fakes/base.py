"""The fakes' base: assist ships it for plugin authors as ``assistant.fakeserver``."""

from assistant.fakeserver import Failure, FakeServer, Request, fake_fixture

__all__ = ["Failure", "FakeServer", "Request", "fake_fixture"]
