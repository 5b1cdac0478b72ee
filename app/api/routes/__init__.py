"""All routers, aggregated once."""

from fastapi import APIRouter

from app.api.routes import concepts, health, initiatives

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(initiatives.router)
api_router.include_router(concepts.router)
