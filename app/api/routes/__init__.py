"""All routers, aggregated once."""

from fastapi import APIRouter

from mosaic.api.routes import (
    alignments,
    analysis,
    concepts,
    datasets,
    health,
    initiatives,
    mappings,
    oscal,
    queries,
    releases,
    resources,
    sparql,
    terms,
    validation,
)
from mosaic.web import pages

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(initiatives.router)
api_router.include_router(concepts.router)
api_router.include_router(sparql.router)
api_router.include_router(queries.router)
api_router.include_router(terms.router)
api_router.include_router(alignments.router)
api_router.include_router(validation.router)
api_router.include_router(analysis.router)
api_router.include_router(mappings.router)
api_router.include_router(oscal.router)
api_router.include_router(pages.router)
api_router.include_router(resources.router)
api_router.include_router(datasets.router)
api_router.include_router(releases.router)
