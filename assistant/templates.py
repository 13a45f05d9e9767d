"""Where a template comes from: one lookup for post copy (``share``) and emails (``outreach``).

A template NAME of a KIND is the first ``NAME.j2`` found in, in order:

1. the user's overrides: ``<config dir>/prompts/KIND/``;
2. the channel plugin's own templates (``share`` only): the folder its channel class names in
   ``Channel.templates``, inside the plugin's package (``assist_x/templates/``);
3. assist's own: the package ``assistant.prompts`` (the repository's ``prompts/``), ``KIND/``.

``share`` falls back to ``default.j2`` (looked up the same way) for a channel without a template.
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import UsageError

if TYPE_CHECKING:
    from assistant.channels import Channel

KINDS = ("share", "outreach")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # a template's name: no path, no ".."


def core_dir(kind: str) -> Path:
    """assist's own templates of a kind (installed as package data, no symlink)."""
    return Path(str(importlib.resources.files("assistant.prompts"))) / kind


def user_dir(kind: str) -> Path:
    from assistant import config

    return config.config_dir() / "prompts" / kind


def plugin_dir(channel: type[Channel] | Channel | None) -> Path | None:
    """The folder of templates a channel's plugin ships (None when it ships none)."""
    if channel is None:
        return None
    cls = channel if isinstance(channel, type) else type(channel)
    folder = getattr(cls, "templates", None)
    if not folder:
        return None
    try:  # the channel's package (a plain module's folder on Python 3.12+)
        base = importlib.resources.files(cls.__module__)
    except (ModuleNotFoundError, TypeError):  # a plain module on 3.11: beside its file
        import sys

        base = Path(sys.modules[cls.__module__].__file__ or ".").parent  # type: ignore[assignment]
    return Path(str(base)) / folder


def search_path(kind: str, channel: type[Channel] | Channel | None = None) -> list[Path]:
    """The folders a template of this kind is looked up in, first match wins."""
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}")
    folders = [user_dir(kind), plugin_dir(channel) if kind == "share" else None, core_dir(kind)]
    unique: dict[Path, Path] = {}
    for folder in folders:
        if folder is not None:
            unique.setdefault(folder.resolve(), folder)
    return list(unique.values())


def available(kind: str, channel: type[Channel] | Channel | None = None) -> list[str]:
    return sorted({p.stem for d in search_path(kind, channel) if d.is_dir() for p in d.glob("*.j2")})


def find(kind: str, name: str, channel: type[Channel] | Channel | None = None, *,
         fallback: str | None = None) -> Path:
    """The template file NAME (else FALLBACK) of a kind; UsageError naming the available ones.

    A name is a name, not a path: ``../../x`` is refused, and a match must lie inside its folder."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise UsageError(f"{kind} template {name[:100]!r}: a template name is letters, digits, '-', '_' and '.',"
                         f" not a path; available: {', '.join(available(kind, channel)) or 'none'}")
    folders = search_path(kind, channel)
    for wanted in (name, fallback):
        if wanted is None:
            continue
        for folder in folders:
            path = folder / f"{wanted}.j2"
            if path.is_file() and path.resolve().parent == folder.resolve():
                return path
    shown = ", ".join(available(kind, channel)) or "none"
    raise UsageError(f"unknown {kind} template {name!r}; available: {shown}")


def environment(kind: str, channel: type[Channel] | Channel | None = None, **options: Any) -> Any:
    """A sandboxed Jinja2 environment loading from the search path. Templates come from users and
    plugins: the sandbox refuses attribute tricks such as ``cycler.__init__.__globals__``."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(loader=jinja2.FileSystemLoader([str(d) for d in search_path(kind, channel)]),
                                **options)


def sandbox(**options: Any) -> Any:
    """A sandboxed environment without a loader (a template read by the caller)."""
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(**options)


def render_error(exc: BaseException, where: str) -> UsageError:
    """A template's error as one line naming the file (and line): syntax, undefined variable, bad bytes,
    a refused attribute."""
    import jinja2
    from jinja2.sandbox import SecurityError

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return UsageError(f"{exc.filename or where}: line {exc.lineno}: {exc.message}")
    if isinstance(exc, UnicodeDecodeError):
        return UsageError(f"{where}: not UTF-8 text; save the template as UTF-8")
    if isinstance(exc, SecurityError):
        return UsageError(f"{where}: not allowed in a template: {str(exc)[:200]}")
    return UsageError(f"{where}: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}")


# --------------------------------------------------------------------------- emails


class _Empties:
    """Counts the ``{{ }}`` values that came out empty in one rendering (Jinja's ``finalize``)."""

    count = 0

    def __call__(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.count += 1
            return ""
        return value


_COMPILED: dict[tuple[str, float], tuple[Any, _Empties]] = {}


def _email_template(path: Path) -> tuple[Any, _Empties]:
    """An email template compiled once per file and modification time (1,000 pitches compile it once)."""
    import jinja2

    from assistant.prospects.rank import short_url

    key = (str(path), path.stat().st_mtime)
    if key not in _COMPILED:
        empties = _Empties()
        env = sandbox(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
                      finalize=empties)
        env.filters["shorturl"] = lambda url: short_url(url) if url else ""
        _COMPILED[key] = (env.from_string(path.read_text(encoding="utf-8")), empties)
    return _COMPILED[key]


def render_email(path: Path, values: dict[str, Any]) -> tuple[str, str, int]:
    """An outreach template filled in: its subject (the first line ``Subject: ...``), its body (blank
    runs squeezed, ending in one newline) and how many ``{{ }}`` values came out empty. A template
    error is one line naming the file."""
    try:
        template, empties = _email_template(path)
        empties.count = 0
        text = template.render(**values)
    except Exception as exc:  # noqa: BLE001 - bad bytes, syntax, undefined, the sandbox: one line naming the file
        raise render_error(exc, str(path)) from None
    lines = text.lstrip("\n").splitlines()
    subject = ""
    if lines and lines[0].lower().startswith("subject:"):
        subject = lines[0].split(":", 1)[1].strip()
        lines = lines[1:]
    body = "\n".join(lines).strip("\n") + "\n"
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    return subject, body, empties.count
