"""`assist serve`: the app. One Starlette application over the same SQLite file and drafts as the
CLI, rendered with Jinja2 (autoescaped: every text from outside is inert), with little JavaScript
(assistant/web/static/app.js: sorting, live updates, confirmations).

Pages register themselves: each module under assistant.web with a ``routes(site)`` function adds
its routes (see :data:`PAGE_MODULES`).
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from assistant.web import security

HERE = Path(__file__).resolve().parent


class _Id(Convertor):  # type: ignore[type-arg]
    """A row id in a path: 1 to 18 digits (SQLite's integers end at 2**63; a bigger one is a 404)."""

    regex = "[1-9][0-9]{0,17}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", _Id())
PAGE_MODULES = ("assistant.web.drafts", "assistant.web.pages_prospects", "assistant.web.pages_share",
                "assistant.web.pages_links", "assistant.web.pages_outreach")


class PerCallCache:
    """The embedding cache over a connection opened for each call (thread-safe by construction)."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path

    def _call(self, method: str, *args: Any) -> Any:
        from assistant import db
        from assistant.embeddings import EmbeddingCache

        conn = db.connect(self.db_path, readonly=True)
        try:
            return getattr(EmbeddingCache(conn), method)(*args)
        finally:
            conn.close()

    def get_many(self, model: str, keys: Any) -> Any:
        return self._call("get_many", model, keys)

    def put_many(self, model: str, items: Any) -> None:
        self._call("put_many", model, items)


class OneAtATime:
    """An embedder whose encode calls take turns: the model is shared (and other pages use it too);
    the rest of scoring runs in parallel."""

    def __init__(self, embedder: Any, lock: threading.Lock) -> None:
        self.embedder = embedder
        self.lock = lock

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return self.embedder.encode(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.embedder, name)


@dataclass
class Site:
    """What every page needs: the content folders, the settings, the database, the templates."""

    content: list[Path]
    csrf: str
    settings: Any = None
    db_path: Path | None = None
    routes: list[BaseRoute] = field(default_factory=list)
    _env: Any = None
    _embedder: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    model_lock: threading.Lock = field(default_factory=threading.Lock)  # one encode call at a time

    BUSY_TIMEOUT = 5.0  # a page waits this long for another process's write, then says it is busy

    def db(self, *, readonly: bool = True) -> Any:
        from assistant import db

        return db.connect(self.db_path, readonly=readonly, busy_timeout=self.BUSY_TIMEOUT)

    def embedder(self) -> Any:
        """The embedding model, loaded once and shared (encode calls are serialised)."""
        with self._lock:
            if self._embedder is None:
                from assistant.embeddings import Embedder

                conf = self.settings
                self._embedder = Embedder(conf.get("model.name"), db=None, backend=conf.get("model.backend", "auto"))
                self._embedder.cache = PerCallCache(self.db_path)  # requests run in several threads
            return OneAtATime(self._embedder, self.model_lock)

    @property
    def env(self) -> Any:
        if self._env is None:
            import jinja2

            self._env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                                           autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                                           undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
            from assistant.terminal import printable

            self._env.filters["clean"] = printable  # control characters out, then autoescaped
        return self._env

    def page(self, request: Request, template: str, status: int = 200, *, with_csrf: bool = True,
             **values: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(request=request, csrf=self.csrf if with_csrf else "", nav=NAV,
                                                      **values)
        return HTMLResponse(html, status_code=status)

    def add(self, path: str, endpoint: Any, methods: list[str] | None = None, name: str | None = None) -> None:
        self.routes.append(Route(path, endpoint, methods=methods, name=name))


NAV = [("Drafts", "/"), ("Prospects", "/prospects"), ("Links", "/links"), ("Outreach", "/outreach"), ("Queue", "/share")]


def create_app(content: list[Path], *, hosts: list[str] | None, token: str | None = None, settings: Any = None,
               db_path: Path | None = None, csrf: str | None = None) -> Starlette:
    """The application; ``hosts``: the Host header values accepted (the address it listens on; None
    for every address, which needs ``token``)."""
    if hosts is None and token is None:
        raise ValueError("an app that answers any Host header needs an access token")
    from assistant import config

    site = Site([Path(c) for c in content], csrf or security.new_token(), settings or config.load(), db_path)
    for name in PAGE_MODULES:
        module = importlib.import_module(name)
        module.routes(site)
    app = Starlette(routes=[*site.routes, Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
                    exception_handlers={404: _not_found(site), 500: _error(site),
                                        sqlite3.OperationalError: _storage(site)})
    app.state.site = site
    app.add_middleware(security.Guard, hosts=hosts, csrf=site.csrf, token=token)
    return app


def _not_found(site: Site) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        return site.page(request, "error.html.j2", 404, title="Not found",
                         message=getattr(exc, "detail", None) or "No such page.")
    return handler


def _storage(site: Site) -> Any:
    """The database busy (another process writing), read-only or its disk full: one line, 503."""
    async def handler(request: Request, exc: Exception) -> Response:
        from assistant.db import storage_problem

        said = storage_problem(exc)
        if said is None:
            raise exc  # anything else is an internal error: the 500 page
        return site.page(request, "error.html.j2", 503, title="Busy", message=said)
    return handler


def _error(site: Site) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        from assistant.errors import AssistError, first_line

        message = str(exc) if isinstance(exc, AssistError) else f"internal error: {first_line(exc)}"
        # sent outside the guard (Starlette's error middleware is outermost): its headers are added
        # here, and the page carries no CSRF token
        response = site.page(request, "error.html.j2", 500, with_csrf=False, title="Error", message=message)
        response.headers.update({k.decode(): v.decode() for k, v in security.secure_headers()})
        return response
    return handler
