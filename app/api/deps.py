"""Dependencies injected into the routes, as ``Annotated`` aliases.

The app factory puts the opened store, the catalog and the settings on ``app.state``; routes
receive them through these aliases and never reach for globals.
"""

from __future__ import annotations

from typing import Annotated

import curies
from fastapi import Depends, Request

from app.catalog import Catalog
from app.settings import Settings
from app.store import GraphStore


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> GraphStore:
    """The opened store."""
    store: GraphStore = request.app.state.store
    return store


def get_catalog(request: Request) -> Catalog:
    """The named-query catalog."""
    catalog: Catalog = request.app.state.catalog
    return catalog


def get_converter(request: Request) -> curies.Converter:
    """The CURIE converter."""
    converter: curies.Converter = request.app.state.converter
    return converter


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
ConverterDep = Annotated[curies.Converter, Depends(get_converter)]
