"""The FastAPI application factory."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from app import __version__
from app.api.problems import register_problem_handlers
from app.api.routes import api_router
from app.catalog import Catalog
from app.dataset import ensure_seeded
from app.identifiers import load_converter
from app.settings import Settings
from app.store import GraphStore, open_store

log = logging.getLogger(__name__)


def create_app(settings: Settings, store: GraphStore | None = None) -> FastAPI:
    """Build the service over ``settings``.

    The store is opened (and seeded on first use) in the lifespan, so importing this module
    has no side effects. A test may pass an already opened ``store``.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store or open_store(settings.store_path, settings.base_iri)
        summary = ensure_seeded(opened, settings)
        if summary is not None:
            log.info("seeded the store with %d triples in %.2f s", summary.triples, summary.seconds)
        app.state.store = opened
        yield

    app = FastAPI(
        title="MOSAIC knowledge graph",
        version=__version__,
        description=(
            "The shared knowledge graph of AI-security standards and guidelines: each "
            "initiative's concepts in SKOS, one named graph per initiative, with "
            "cross-initiative mappings. Errors are application/problem+json (RFC 9457)."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalog = Catalog.from_folder(settings.queries_dir)
    app.state.converter = load_converter(settings.ontology_dir / "prefixes.json")

    @app.middleware("http")
    async def add_request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.request_id = uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    register_problem_handlers(app)
    app.include_router(api_router)
    return app
