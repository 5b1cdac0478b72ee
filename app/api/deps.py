"""Dependencies injected into the routes, as ``Annotated`` aliases.

The app factory puts the opened store, the catalog and the settings on ``app.state``; routes
receive them through these aliases and never reach for globals. The providers are ``async``:
they only read ``app.state``, and a sync provider would cost a thread-pool hop per request.
"""

from __future__ import annotations

from typing import Annotated

import curies
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer

from mosaic.access.tokens import TokenRegistry
from mosaic.analysis.coverage import Analysis
from mosaic.analysis.scorecard import Scorecards
from mosaic.guidance.facts import Guidance
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> GraphStore:
    """The opened store."""
    store: GraphStore = request.app.state.store
    return store


async def get_catalog(request: Request) -> Catalog:
    """The named-query catalog."""
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_converter(request: Request) -> curies.Converter:
    """The CURIE converter."""
    converter: curies.Converter = request.app.state.converter
    return converter


async def get_label_index(request: Request) -> LabelIndex:
    """The newest label index, which may lag the last write by one background rebuild.

    Only a request that comes before the first index exists waits (off the event loop).
    """
    holder: LabelIndexHolder = request.app.state.label_index
    index = holder.peek()
    return index if index is not None else await run_in_threadpool(holder.latest)


async def get_current_label_index(request: Request) -> LabelIndex:
    """The label index of the store as of now, waiting for a rebuild after a write.

    For requests that must see what a write just added: recording a review names concepts a
    graph upload may have added a moment ago.
    """
    holder: LabelIndexHolder = request.app.state.label_index
    index = holder.peek(fresh=True)
    return index if index is not None else await run_in_threadpool(holder.current)


def get_tokens(request: Request) -> TokenRegistry:
    """The write tokens of the tokens file named by the settings (re-read when it changes)."""
    settings: Settings = request.app.state.settings
    registry: TokenRegistry | None = getattr(request.app.state, "tokens", None)
    if registry is None or registry.path != settings.tokens_file:
        registry = TokenRegistry(settings.tokens_file)
        request.app.state.tokens = registry
    return registry


async def get_analysis(request: Request) -> Analysis:
    """The app's analysis (cached until the store changes)."""
    analysis: Analysis = request.app.state.analysis
    return analysis


async def get_guidance(request: Request) -> Guidance:
    """The app's guidance facts (read on first use, forgotten after writes)."""
    guidance: Guidance = request.app.state.guidance
    return guidance


async def get_scorecards(request: Request) -> Scorecards:
    """The app's initiative scorecards (cached until the store changes)."""
    scorecards: Scorecards = request.app.state.scorecards
    return scorecards


#: The bearer token of write routes (never from the URL).
bearer = HTTPBearer(auto_error=False, description="A write token from `mosaic token add`.")

SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
ConverterDep = Annotated[curies.Converter, Depends(get_converter)]
LabelIndexDep = Annotated[LabelIndex, Depends(get_label_index)]
CurrentLabelIndexDep = Annotated[LabelIndex, Depends(get_current_label_index)]
TokensDep = Annotated[TokenRegistry, Depends(get_tokens)]
AnalysisDep = Annotated[Analysis, Depends(get_analysis)]
GuidanceDep = Annotated[Guidance, Depends(get_guidance)]
ScorecardsDep = Annotated[Scorecards, Depends(get_scorecards)]
