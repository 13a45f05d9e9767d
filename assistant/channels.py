"""The contract a channel plugin implements.

A channel is a class registered through the ``register_channels`` hook. The core never imports a
client library: the plugin does, inside its own methods. A channel

- names itself (``name``) and its credentials (``credentials``: each read from an environment
  variable or the ``[channels.<name>]`` table of the config file, never stored in the queue);
- states its limits and measures text by the platform's own rule (``length``);
- checks a post before it is queued (``validate`` returns plain-language problems);
- publishes (``publish`` returns a PublishResult or raises one of the typed errors below);
- says how a post left in ``sending`` by a crash is checked (``reconcile``).
"""

from __future__ import annotations

import enum
import inspect
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from assistant.errors import EXIT_USAGE, AssistError

# --------------------------------------------------------------------------- errors


class ChannelError(AssistError):
    """A publish attempt failed. Subclasses say whether and when to try again."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(ChannelError):
    """Worth retrying with backoff: 5xx, timeouts, connection resets."""

    retryable = True


class RateLimited(TransientError):
    """The platform asked us to wait. ``retry_after`` is seconds from now, when the platform said."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class LeaseLost(ChannelError):
    """The worker no longer owns the post (it was suspended past its lease and another worker took the
    post over): raised by ``Channel.fence()`` just before the create request, so nothing is sent twice."""


class PermanentError(ChannelError):
    """Retrying will not help (validation refused by the platform, banned, deleted target)."""


class AuthError(PermanentError):
    """Credentials are missing, wrong or expired."""

    exit_code = EXIT_USAGE


class AmbiguousError(TransientError):
    """The request may or may not have been published (a timeout after sending, a 5xx on create).

    The worker then asks ``reconcile`` before any retry.
    """


class AlreadyPublished(ChannelError):
    """The platform says this exact post already exists (e.g. X's 403 duplicate content)."""

    def __init__(self, message: str, *, remote_id: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.remote_id = remote_id
        self.url = url


class MissingCredentials(AuthError):
    """A required credential is configured neither in the environment nor the config file."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Limits:
    """What a channel accepts. ``max_length`` is measured by the channel's own ``length``."""

    max_length: int
    max_title_length: int | None = None
    url_length: int | None = None  # what one URL counts for, when the platform shortens links
    needs_title: bool = False
    needs_target: bool = False  # e.g. a subreddit
    notes: str = ""
    target_example: str = "TARGET"  # what goes after NAME: in --channel NAME:TARGET (reddit: r/SUBREDDIT)


@dataclass
class Post:
    """One post for one channel. ``target`` is the channel-specific destination (``r/test``)."""

    channel: str
    text: str
    url: str | None = None
    title: str | None = None
    target: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # e.g. {"flair_id": ...}

    def to_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "text": self.text, "url": self.url, "title": self.title,
                "target": self.target, "options": dict(self.options)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Post:
        return cls(channel=data["channel"], text=data.get("text") or "", url=data.get("url"),
                   title=data.get("title"), target=data.get("target"), options=dict(data.get("options") or {}))


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str | None = None


class Recovery(enum.Enum):
    PUBLISHED = "published"  # found it: mark sent with the result
    NOT_PUBLISHED = "not_published"  # certain it is absent: safe to send again
    UNKNOWN = "unknown"  # cannot tell: the user decides (assist queue retry / cancel)


@dataclass(frozen=True)
class Reconciled:
    outcome: Recovery
    result: PublishResult | None = None
    detail: str = ""


@dataclass(frozen=True)
class Credential:
    """A secret or setting a channel needs: read from ``env`` or config ``[channels.<name>] key``."""

    key: str
    env: str
    required: bool = True
    secret: bool = True
    help: str = ""


# --------------------------------------------------------------------------- the contract

# A resend relying on an idempotency key must reach the platform this long before the key expires.
IDEMPOTENCY_MARGIN = 600.0


class Channel:
    """Base class for channels. Subclasses set the class attributes and implement publish()."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    credentials: ClassVar[tuple[Credential, ...]] = ()
    # True when publishing the same post twice with the same idempotency key is harmless
    # (Mastodon's Idempotency-Key), so a crash in ``sending`` can simply be retried.
    idempotent: ClassVar[bool] = False
    # How long the platform keeps an idempotency key, in seconds (None: for good). Past it, a resend
    # with the same key is a new post: Mastodon forgets a key after an hour.
    idempotency_window: ClassVar[float | None] = None
    # Other names users may type for it ("twitter" for x): an unknown channel error suggests this one.
    aliases: ClassVar[tuple[str, ...]] = ()
    # What the channel knows of its platform, as defaults: the user's config overrides each one, key
    # by key ([channels.<name>] rate_limit / min_spacing / hashtags / self_promotion_ratio, ...).
    # The platform's posting limit, (posts, per) as in config: (100, "15m"). None: no limit known.
    rate_limit: ClassVar[tuple[int, str] | None] = None
    # The least time between two posts to it ("1h"); None: [schedule] min_spacing.
    min_spacing: ClassVar[str | None] = None
    # How many hashtags a composed post gets; None: 2.
    hashtags: ClassVar[int | None] = None
    # A community rule on self-promotion: {"ratio": 0.1, "other_activity": 0, "window": "30d"} means at
    # most 10% of the account's activity in 30 days may be links to the user's own work. None: no rule.
    self_promotion_rule: ClassVar[Mapping[str, Any] | None] = None
    # Numeric settings the channel reads, with their ranges: checked before a post is claimed, so a
    # bad value ("timeout = abc") keeps posts waiting instead of failing inside publish().
    number_settings: ClassVar[Mapping[str, tuple[float, float]]] = {"timeout": (0.1, 600.0),
                                                                      "reconcile_days": (0.0, 366.0)}
    # The folder, inside the plugin's package, of its post templates (<name>.j2): "templates".
    # None: assist's default template (see assistant.templates for the lookup order).
    templates: ClassVar[str | None] = None

    def __init__(self, settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.settings: dict[str, Any] = dict(settings or {})
        self._environ = os.environ if environ is None else environ

    # -- credentials
    def credential(self, key: str) -> str | None:
        spec = next((c for c in self.credentials if c.key == key), None)
        if spec is not None and self._environ.get(spec.env):
            return self._environ[spec.env]
        value = self.settings.get(key)
        return str(value) if value not in (None, "") else None

    def fence(self) -> None:
        """Call immediately before the one request that creates the post (after any login, token or
        upload request). The worker sets the check: it raises LeaseLost when this worker no longer
        owns the post, because it was suspended inside publish() past its lease and another worker
        has taken the post over (which checks the platform and sends it itself)."""
        check = getattr(self, "_fence", None)
        if check is not None and not check():
            raise LeaseLost(f"{self.name}: this worker lost the post to another before sending it; not sent")

    def settings_problems(self) -> list[str]:
        """What is wrong with the channel's numeric settings (``number_settings``), one line each."""
        from assistant.settings import number

        problems = []
        for key, (low, high) in self.number_settings.items():
            value = self.settings.get(key)
            if value is None:
                continue
            try:
                number(value, f"channels.{self.name}.{key}", minimum=low, maximum=high)
            except AssistError as exc:
                problems.append(str(exc))
        return problems

    def missing_credentials(self) -> list[Credential]:
        return [c for c in self.credentials if c.required and not self.credential(c.key)]

    def require_credentials(self) -> dict[str, str]:
        missing = self.missing_credentials()
        if missing:
            names = ", ".join(f"{c.env} (or {c.key} in [channels.{self.name}])" for c in missing)
            raise MissingCredentials(f"channel {self.name}: missing credentials: {names}")
        return {c.key: v for c in self.credentials if (v := self.credential(c.key))}

    # -- measuring and checking
    def limits(self) -> Limits:
        raise NotImplementedError

    def length(self, text: str) -> int:
        """Length of ``text`` by the platform's own rule (default: code points)."""
        return len(text)

    def render(self, post: Post) -> str:
        """The exact text that will be sent (by default the text, which already holds the URL)."""
        return post.text

    def validate(self, post: Post) -> list[str]:
        """Problems that would make the platform refuse the post, in plain language ([] if fine)."""
        limits = self.limits()
        problems: list[str] = []
        size = self.length(self.render(post))
        if size > limits.max_length:
            problems.append(f"{self.name}: text is {size} characters by {self.name}'s count; the limit is {limits.max_length}")
        if not self.render(post).strip() and not post.url:
            problems.append(f"{self.name}: the post is empty")
        if limits.needs_title and not (post.title or "").strip():
            problems.append(f"{self.name}: a title is required")
        if post.title and limits.max_title_length and len(post.title) > limits.max_title_length:
            problems.append(f"{self.name}: title is {len(post.title)} characters; the limit is {limits.max_title_length}")
        if limits.needs_target and not post.target:
            problems.append(f"{self.name}: a destination is required (e.g. {self.name}:{limits.target_example})")
        return problems

    def parse_target(self, target: str | None) -> str | None:
        """Normalise the part after ``name:`` in ``--channel name:target`` (or raise ValueError)."""
        return target or None

    # -- publishing
    def publish(self, post: Post, *, idempotency_key: str) -> PublishResult:
        """Publish the post; raise TransientError/RateLimited/PermanentError/AuthError/AmbiguousError."""
        raise NotImplementedError

    def reconcile(self, post: Post, *, idempotency_key: str, in_flight_since: float | None = None) -> Reconciled:
        """After a crash or an ambiguous failure: was this post published?

        ``in_flight_since`` is when the earliest attempt that may have published it started (Unix
        seconds; None when not known). The worker passes it only to a ``reconcile`` that takes it.
        """
        if self.key_still_kept(in_flight_since):
            return Reconciled(Recovery.NOT_PUBLISHED, detail="resending with the same idempotency key is safe")
        if self.idempotent:
            return Reconciled(Recovery.UNKNOWN, detail=(
                f"{self.name} cannot tell whether the post was published; {self.key_age(in_flight_since)} and "
                f"{self.name} keeps an idempotency key for {_duration(self.idempotency_window or 0)} only, "
                "so resending could post it twice"))
        return Reconciled(Recovery.UNKNOWN, detail=f"{self.name} cannot tell whether the post was published")

    def key_still_kept(self, in_flight_since: float | None, *, now: float | None = None) -> bool:
        """Whether a resend with the same idempotency key is still safe: the channel is ``idempotent``
        and the platform keeps the key of an attempt made at ``in_flight_since`` (with
        IDEMPOTENCY_MARGIN to spare) or for good."""
        if not self.idempotent:
            return False
        if self.idempotency_window is None:
            return True
        if in_flight_since is None:
            return False
        age = (time.time() if now is None else now) - in_flight_since
        return age < self.idempotency_window - IDEMPOTENCY_MARGIN

    def key_age(self, in_flight_since: float | None, *, now: float | None = None) -> str:
        """How long ago the first attempt was, in words (for ``Reconciled.detail``)."""
        if in_flight_since is None:
            return "when the first attempt was made is not known"
        return f"the first attempt was {_duration((time.time() if now is None else now) - in_flight_since)} ago"


def takes_in_flight_since(channel: Channel) -> bool:
    """Whether the channel's ``reconcile`` takes the ``in_flight_since`` keyword (or any keyword)."""
    try:
        params = inspect.signature(channel.reconcile).parameters.values()
    except (TypeError, ValueError):
        return False
    return any((p.name == "in_flight_since" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
               or p.kind is p.VAR_KEYWORD for p in params)


def _duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``1 h``, ``2 h 5 min``, ``3 days``."""
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" + (f" {rest} min" if rest else "")
    return f"{hours // 24} days"


def split_channel_spec(spec: str) -> tuple[str, str | None]:
    """``reddit:r/test`` -> ("reddit", "r/test"); ``x`` -> ("x", None)."""
    name, _, target = spec.partition(":")
    return name.strip().lower(), (target.strip() or None)


# --------------------------------------------------------------------------- helpers for plugins
# None imports a client library: requests and urllib3 only inside the functions that need them.

T = TypeVar("T")


def option_flag(value: Any, default: bool) -> bool:
    """A yes/no post option or setting. Options arrive as strings ("true", "no", "1"...): "1",
    "true", "yes", "on" and "y" are true, any other string false; None or "" is ``default``."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y"}
    return bool(value)


def run_translated(action: Callable[[], T], translate: Callable[[Exception], ChannelError | None]) -> T:
    """Run one client call, turning what it raises into the channel's typed errors.

    A ChannelError from ``action`` passes through. Any other exception is replaced by
    ``translate(exc)``, raised ``from None`` (the client's exception, which may hold the request,
    is not chained to it), or re-raised untouched when ``translate`` returns None (not the client's).
    """
    try:
        return action()
    except ChannelError:
        raise
    except Exception as exc:  # noqa: BLE001 - translated below, or re-raised untouched
        error = translate(exc)
        if error is None:
            raise
        raise error from None


def network_error(name: str, exc: BaseException, *, sending: bool, action: str = "posting",
                  note: str = "the post may or may not exist until checked") -> ChannelError:
    """The typed error for a request that failed in the network, for clients built on requests.

    ``exc`` is the requests exception (unwrap your client's own exception first). A connect
    timeout, or a connection that never reached the server (refused, DNS failure), is a
    TransientError: nothing was sent. Otherwise, while sending the post (``sending=True``), it is an
    AmbiguousError ("NAME: the connection failed while ACTION (kind); NOTE"), so the queue
    reconciles before any retry; before sending, a TransientError.
    """
    import requests

    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.ConnectTimeout) or (
        isinstance(exc, requests.exceptions.ConnectionError) and never_connected(exc)
    ):
        return TransientError(f"{name}: cannot connect ({kind})")
    if sending:
        return AmbiguousError(f"{name}: the connection failed while {action} ({kind}); {note}")
    return TransientError(f"{name}: network error ({kind})")


def never_connected(error: BaseException) -> bool:
    """True when a request never reached the server (connection refused, DNS failure).

    Follows a requests or urllib3 exception through its causes (``MaxRetryError.reason``, a wrapped
    first argument, ``__context__``) to urllib3's NewConnectionError or NameResolutionError.
    """
    import urllib3.exceptions

    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, urllib3.exceptions.NewConnectionError | urllib3.exceptions.NameResolutionError):
            return True
        if isinstance(seen, urllib3.exceptions.MaxRetryError):
            seen = seen.reason
            continue
        seen = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else seen.__context__
    return False


# --------------------------------------------------------------------------- registry


class UnknownChannel(AssistError):
    exit_code = EXIT_USAGE

    @classmethod
    def named(cls, name: str, channels: Mapping[str, type[Channel]], hint: str = "") -> UnknownChannel:
        """'unknown channel NAME', with the channel meant (by alias or a close spelling) and the ones there are."""
        import difflib

        spellings = {a.lower(): n for n, c in channels.items() for a in c.aliases} | {n: n for n in channels}
        close = difflib.get_close_matches(name.lower(), list(spellings), n=1, cutoff=0.6)
        guess = f"; did you mean {spellings[close[0]]!r}?" if close else ""
        known = ", ".join(channels) or "none installed"
        return cls(f"unknown channel {name!r}{guess} (available: {known}){hint}")


def available_channels() -> dict[str, type[Channel]]:
    """Every channel registered by a plugin, by name. Duplicate names are refused with the culprit named."""
    from assistant import plugins

    found: dict[str, type[Channel]] = {}

    def register(cls: type[Channel]) -> None:
        name = getattr(cls, "name", "")
        if not name:
            plugins.warn_once(f"channel class {cls.__qualname__} has no name; ignored")
            return
        if name in found and found[name] is not cls:
            plugins.warn_once(
                f"channel {name!r} registered twice ({found[name].__module__} and {cls.__module__}); keeping the first"
            )
            return
        found[name] = cls

    plugins.call_hook("register_channels", register=register)
    return dict(sorted(found.items()))


REDACTED = "[redacted]"
_URL_PASSWORD = re.compile(r"(?<=://)([^/\s:@]+):([^/\s@]+)@")
_SECRET_PARAM = re.compile(r"(?i)\b((?:access_|refresh_|api_|app_|client_)?(?:token|secret|password|key))=([^&\s\"']+)")


def redact(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """Text to store or print with secrets taken out: the known secret values (a token a server
    echoes in its error page), a password in a URL (``https://user:pass@host``) and
    ``token=...``-style parameters."""
    if not text:
        return text
    for value in sorted({v for v in secrets if v and len(v) >= 4}, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{REDACTED}@", text)
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", text)


def secret_values(channel: Channel | None) -> list[str]:
    """The values of a channel's secret credentials (from the environment or its settings)."""
    if channel is None:
        return []
    out = []
    for cred in channel.credentials:
        if cred.secret:
            try:
                value = channel.credential(cred.key)
            except Exception:  # noqa: BLE001 - a broken channel: nothing to add
                value = None
            if value:
                out.append(value)
    return out


def channel_class(name: str) -> type[Channel] | None:
    """The class of a registered channel, or None (for defaults it declares: rate limit, spacing, ...)."""
    return available_channels().get(name)


def get_channel(name: str, settings: Mapping[str, Any] | None = None) -> Channel:
    """An instance of the named channel, configured from ``[channels.<name>]`` unless given settings."""
    channels = available_channels()
    cls = channels.get(name)
    if cls is None:
        raise UnknownChannel.named(name, channels, "; see `assist channels`")
    if settings is None:
        from assistant import config

        settings = config.load().section(f"channels.{name}")
    return cls(settings)
