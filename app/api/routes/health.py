"""``GET /health``: liveness and store figures."""

from __future__ import annotations

from fastapi import APIRouter

from mosaic.api.deps import CatalogDep, StoreDep
from mosaic.dataset.initiatives import health
from mosaic.dataset.models import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=Health)
async def read_health(store: StoreDep, catalog: CatalogDep) -> Health:
    """Liveness, with the number of triples, concepts, schemes and graphs in the store.

    An ``async`` route: the store calls take well under a millisecond, and running them on the
    event loop keeps ``/health`` answering even when every thread of the pool is busy.
    """
    return health(store, catalog)
