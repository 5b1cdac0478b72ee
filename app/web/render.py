"""Templates of the pages, shared by every page module.

Jinja2 with autoescaping: vocabularies come from outside, so every value is escaped.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from mosaic import resources

TEMPLATES = Jinja2Templates(directory=str(resources.web_dir() / "templates"))


def kind_title(kind: str) -> str:
    """A kind's short name as words (``attack-technique`` -> ``attack technique``)."""
    return kind.replace("-", " ")


def kind_plural(kind: str) -> str:
    """A kind's name for many of them, capitalised (``tactic`` -> ``Tactics``)."""
    words = kind_title(kind)
    plural = words[:-1] + "ies" if words.endswith("y") else words + "s"
    return plural[:1].upper() + plural[1:]


TEMPLATES.env.filters["kind_title"] = kind_title
TEMPLATES.env.filters["kind_plural"] = kind_plural


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page from ``template`` with ``context``."""
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
