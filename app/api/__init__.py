"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from mosaic import __version__
from mosaic.analysis.coverage import Analysis
from mosaic.analysis.scorecard import Scorecards
from mosaic.api.body_guard import BodyGuardMiddleware
from mosaic.api.problems import register_problem_handlers
from mosaic.api.rate_limit import RateLimitMiddleware
from mosaic.api.request_id import RequestIdMiddleware
from mosaic.api.routes import api_router
from mosaic.api.sparql_fast import SparqlFastPath
from mosaic.curation.workflow import Curation
from mosaic.dataset.edition_views import previous_archive
from mosaic.dataset.seed import ensure_seeded
from mosaic.guidance.facts import Guidance
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.sparql.runner import query_executor
from mosaic.store.open import open_configured_store
from mosaic.store.protocol import GraphStore
from mosaic.terms.answers import RecentAnswers
from mosaic.terms.index_file import index_folder
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.model import use_model_dir
from mosaic.validation.rules import load_shapes
from mosaic.web.pages import STATIC_DIR

log = logging.getLogger(__name__)


def snapshot_root(settings: Settings) -> Path:
    """Where the query workers' snapshots live: beside the store, never inside its folder."""
    return settings.store_path.with_name(settings.store_path.name + "-snapshots")


def create_app(settings: Settings, store: GraphStore | None = None) -> FastAPI:
    """Build the service over ``settings``.

    The store is opened (and seeded on first use) in the lifespan, so importing this module
    has no side effects. A test may pass an already opened ``store``.
    """
    # FastAPI's callable cache keeps an app alive after its lifespan, and RocksDB closes its
    # files only when the store object is freed: the app lets go of the store when the lifespan
    # ends (a test suite would otherwise keep 26 files open per test). The lifespan never names
    # ``store`` itself, whose closure cell would keep it.
    given: list[GraphStore] = [] if store is None else [store]
    owns_store = store is None
    use_model_dir(settings.aligner_model_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # ``store or ...`` would ask an empty store for its length and open another one.
        opened = given[0] if given else open_configured_store(settings)
        summary = ensure_seeded(opened, settings)
        if summary is not None:
            log.info("seeded the store with %d triples in %.2f s", summary.triples, summary.seconds)
        app.state.store = opened
        # Worker processes over snapshots, or forwarding to a remote store's endpoint.
        executor = query_executor(opened, settings, snapshot_root(settings))
        app.state.executor = executor
        # Slots and threads for client queries, apart from the server's shared thread pool.
        app.state.query_slots = anyio.Semaphore(settings.query_workers)
        # Coverage, gaps and conflicts: computed on first use, forgotten after writes.
        app.state.analysis = Analysis(opened, app.state.catalog)
        # Curated mappings and their reviews: records cached until the next write.
        app.state.curation = Curation(opened, app.state.catalog)
        # Threat -> control statements, crosswalks and incidents: read on demand (/guidance).
        app.state.guidance = Guidance(opened, app.state.catalog)
        # Terms and alignments read the label index: loaded (when persisted for this store
        # state) or built in the background from now on, and again after every write while
        # requests keep getting the previous one.
        holder = LabelIndexHolder(
            opened,
            app.state.catalog,
            app.state.converter,
            folder=index_folder(settings),
            background=True,
        )
        app.state.label_index = holder
        # Each initiative's scorecard: all built on first use, forgotten after writes.
        app.state.scorecards = Scorecards(
            opened,
            app.state.catalog,
            load_shapes(settings.shapes_dir),
            app.state.analysis,
            app.state.curation,
            holder.current,
            partial(previous_archive, opened),
        )
        # A persisted index of this store state is loaded before the first request.
        await anyio.to_thread.run_sync(holder.start)
        try:
            yield
        finally:
            holder.close()
            executor.close()
            if owns_store:
                opened.close()
            given.clear()
            for name in (
                "store",
                "executor",
                "analysis",
                "curation",
                "guidance",
                "label_index",
                "scorecards",
            ):
                if hasattr(app.state, name):
                    delattr(app.state, name)

    # /docs and /redoc load Swagger UI and ReDoc from fastapi-offline's package folder (under
    # /static-offline-docs), so they work without internet; the spec validator badge is off,
    # since Swagger UI would send the spec to an outside validator.
    app = FastAPIOffline(
        swagger_ui_parameters={"validatorUrl": None},
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
    app.state.recent_answers = RecentAnswers(settings.resolve_cache)

    # Innermost first: the SPARQL fast path (GET /sparql?query=, answered below the routing),
    # rate limits, then body size and stall limits, inside the request id.
    app.add_middleware(SparqlFastPath)
    app.add_middleware(
        RateLimitMiddleware,
        writes=settings.rate_limit_writes,
        expensive=settings.rate_limit_expensive,
    )
    app.add_middleware(
        BodyGuardMiddleware,
        max_bytes=settings.max_upload_bytes,
        read_timeout=settings.upload_read_timeout,
        min_rate=settings.upload_min_rate,
    )
    app.add_middleware(RequestIdMiddleware)
    # Browser clients on other origins (YASGUI, Comunica, a maintainer's tool) may read, and may
    # write with a bearer token they were given: Authorization is an allowed header. Never with
    # credentials (cookies, HTTP auth): a page can only send a token it already holds, so a
    # visited site cannot act with the user's ambient rights.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "Authorization"],
        expose_headers=[
            "X-Request-ID",
            "MOSAIC-Result-Count",
            "MOSAIC-Result-Truncated",
            "Retry-After",
            "WWW-Authenticate",
        ],
    )
    register_problem_handlers(app)
    app.include_router(api_router)
    # The editable install links each asset from the checkout: follow those links.
    app.mount("/static", StaticFiles(directory=STATIC_DIR, follow_symlink=True), name="static")
    return app
