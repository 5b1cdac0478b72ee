"""All routers, aggregated once."""

from fastapi import APIRouter

from app.api.routes import concepts, health, initiatives, queries, sparql

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(initiatives.router)
api_router.include_router(concepts.router)
api_router.include_router(sparql.router)
api_router.include_router(queries.router)
