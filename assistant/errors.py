"""Domain errors. Only the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

import os

# Exit codes of the assist command, everywhere (README.md, "Commands").
EXIT_OK = 0
EXIT_FAILURE = 1  # the work failed: a site could not be crawled, a post could not be sent, an internal error
EXIT_USAGE = 2  # the input was refused: a bad argument, setting, file or date; nothing was done
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


class AssistError(Exception):
    """Base class for every error assist reports to the user."""

    exit_code = EXIT_FAILURE


class UsageError(AssistError):
    """The user asked for something that cannot be done as asked."""

    exit_code = EXIT_USAGE


class ConfigError(AssistError):
    """The configuration file or an ASSIST_* variable is invalid."""

    exit_code = EXIT_USAGE


def raise_errors() -> bool:
    """ASSIST_RAISE_ERRORS=1: let the original exception through (with its traceback), for debugging."""
    return os.environ.get("ASSIST_RAISE_ERRORS", "").strip().lower() not in ("", "0", "no", "false", "off")


def first_line(exc: BaseException) -> str:
    """The first line of an unexpected exception's message, for a one-line error."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def shown_path(path: str) -> str:
    """A draft's path as messages show it: "-" is "(standard input)"."""
    return "(standard input)" if path == "-" else path


class DocumentError(AssistError):
    """A draft could not be read: missing, empty, binary, too large, undecodable."""

    exit_code = EXIT_USAGE

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{shown_path(path)}: {message}")
        self.path = path
        self.reason = message


class ModelError(AssistError):
    """The embedding model could not be found or loaded."""

    exit_code = EXIT_USAGE


class ImportDataError(AssistError):
    """A data file (catalog, backlink export) could not be imported."""

    exit_code = EXIT_USAGE
