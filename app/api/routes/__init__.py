"""All routers, aggregated once."""

from fastapi import APIRouter

from mosaic.api.routes import (
    alignments,
    analysis,
    annotate,
    concepts,
    crosswalks,
    datasets,
    editions,
    guidance,
    health,
    initiatives,
    lint,
    mappings,
    oscal,
    queries,
    releases,
    resources,
    scorecards,
    sparql,
    terms,
    validation,
)
from mosaic.web import embed, pages
from mosaic.web import lint as lint_page

api_router = APIRouter()
# Routes are matched in order: /sparql first, since its small queries are the requests where
# matching is a visible share of the time (docs/performance.md, "The SPARQL endpoint").
api_router.include_router(sparql.router)
api_router.include_router(health.router)
api_router.include_router(initiatives.router)
api_router.include_router(scorecards.router)
api_router.include_router(editions.router)
api_router.include_router(concepts.router)
api_router.include_router(queries.router)
api_router.include_router(terms.router)
api_router.include_router(annotate.router)
api_router.include_router(lint.router)
api_router.include_router(alignments.router)
api_router.include_router(validation.router)
api_router.include_router(analysis.router)
api_router.include_router(mappings.router)
api_router.include_router(crosswalks.router)
api_router.include_router(oscal.router)
api_router.include_router(guidance.router)
api_router.include_router(pages.router)
api_router.include_router(resources.router)
api_router.include_router(datasets.router)
api_router.include_router(releases.router)
api_router.include_router(lint_page.router)
api_router.include_router(embed.router)
