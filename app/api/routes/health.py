"""``GET /health``: liveness and store figures."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CatalogDep, StoreDep
from app.initiatives import health
from app.models import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=Health)
def read_health(store: StoreDep, catalog: CatalogDep) -> Health:
    """Liveness, with the number of triples, concepts, schemes and graphs in the store."""
    return health(store, catalog)
