"""The term layer: ``/embed.js`` for any web page, and ``/ui/embed`` that explains it.

The script is the app's own (``app/web/static/embed.js``, no dependency): it sends the page's
visible text to ``POST /terms/annotate`` on the server it came from and marks the terms. It is
served with a permissive CORS header and ``Cross-Origin-Resource-Policy: cross-origin`` so a
page on any origin (also one isolated with COEP) may load it; the annotate route answers any
origin in turn (a simple request: ``text/plain``, no credentials).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from mosaic.web.pages import STATIC_DIR
from mosaic.web.render import render

router = APIRouter()

EMBED_SCRIPT = STATIC_DIR / "embed.js"


def bookmarklet(origin: str) -> str:
    """A ``javascript:`` URL that loads the term layer from ``origin`` into the open page."""
    return (
        "javascript:(function(){var s=document.createElement('script');"
        f"s.src='{origin}/embed.js';document.documentElement.appendChild(s);}})();"
    )


@router.head("/embed.js", include_in_schema=False)
@router.get(
    "/embed.js",
    tags=["terms"],
    response_class=FileResponse,
    responses={200: {"content": {"text/javascript": {}}, "description": "The script."}},
)
def embed_script() -> FileResponse:
    """The term layer: include it in any page with one script tag.

    `<script src="https://mosaic.example/embed.js"></script>` marks the terms of the page's
    visible text (sent to `POST /terms/annotate` on this server, without cookies) and shows,
    on hover or keyboard focus, the senses each term has across initiatives: definitions,
    initiatives, editions, sources and a link to the concept page. Optional attributes:
    `data-initiative` (prefer one initiative), `data-all="true"` (common words too),
    `data-root` (a CSS selector: only that part of the page). See `/ui/embed`.
    """
    return FileResponse(
        EMBED_SCRIPT,
        media_type="text/javascript; charset=utf-8",
        headers={
            "Cache-Control": "public, max-age=3600",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@router.get("/ui/embed", response_class=HTMLResponse, include_in_schema=False)
def embed_page(request: Request) -> HTMLResponse:
    """How to put the term layer on a page, the bookmarklet, and the layer at work."""
    origin = str(request.base_url).rstrip("/")
    return render(request, "embed.html", origin=origin, bookmarklet=bookmarklet(origin))
