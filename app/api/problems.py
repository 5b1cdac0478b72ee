"""RFC 9457 problem details: the one error format of the HTTP API.

The table below is the only place that knows which exception becomes which status; every
handler renders ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``,
``instance``, ``request_id`` and the location fields the error carried.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import annotated_types
from fastapi import FastAPI, Request, params
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic.fields import FieldInfo
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from mosaic.api.params import PATTERN_MESSAGES
from mosaic.errors import (
    AmbiguousTermError,
    AuthenticationError,
    BusyError,
    ConflictError,
    ForbiddenError,
    GoneError,
    InputError,
    InputLimitError,
    LoadError,
    ModelUnavailableError,
    MosaicError,
    NoConceptError,
    NotAcceptableError,
    NotFoundError,
    ParameterError,
    PayloadTooLargeError,
    QueryTimeoutError,
    RateLimitError,
    RdfSyntaxError,
    ReadOnlyError,
    RequestTimeoutError,
    ShapeViolationError,
    SparqlSyntaxError,
    StoreError,
    UnsafeInputError,
    UnsupportedMediaTypeError,
)
from mosaic.validation.models import ValidationResult

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://w3id.org/mosaic/problems/"
#: The Link relation of a deprecated resource's successor (an extension relation type, RFC 8288).
IS_REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"

#: exception class -> (HTTP status, problem type slug); the most specific class wins.
STATUS_TABLE: dict[type[MosaicError], tuple[int, str]] = {
    RdfSyntaxError: (400, "rdf-syntax"),
    SparqlSyntaxError: (400, "sparql-syntax"),
    AmbiguousTermError: (400, "ambiguous-term"),
    ParameterError: (400, "invalid-parameter"),
    NoConceptError: (400, "no-concepts"),
    LoadError: (400, "invalid-input"),
    UnsafeInputError: (400, "unsafe-input"),
    InputLimitError: (400, "input-limit"),
    UnsupportedMediaTypeError: (415, "unsupported-media-type"),
    NotAcceptableError: (406, "not-acceptable"),
    PayloadTooLargeError: (413, "payload-too-large"),
    RequestTimeoutError: (408, "request-timeout"),
    InputError: (400, "bad-input"),
    NotFoundError: (404, "not-found"),
    GoneError: (410, "gone"),
    ReadOnlyError: (403, "read-only"),
    ShapeViolationError: (422, "shape-violation"),
    AuthenticationError: (401, "unauthenticated"),
    ForbiddenError: (403, "forbidden"),
    ConflictError: (409, "conflict"),
    StoreError: (500, "store-failure"),
    BusyError: (503, "busy"),
    RateLimitError: (429, "rate-limited"),
    QueryTimeoutError: (503, "query-timeout"),
    ModelUnavailableError: (503, "model-unavailable"),
}


#: What each problem status means, for the ``responses=`` of the routes (OpenAPI).
PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: a parameter, the query or the body is invalid (`detail` says which).",
    401: "No bearer token, or an unknown one.",
    403: "Forbidden: writes are disabled, or the token may not do this.",
    404: "Not found: the named initiative, concept, term or query does not exist.",
    406: "None of the media types in Accept can be produced; `offered` lists them.",
    410: "Gone: the resource is deprecated; `replaced_by` (and Link headers) name its successors.",
    408: "The request body stalled (upload_read_timeout, upload_min_rate).",
    413: "The body passes max_upload_bytes.",
    415: "The Content-Type of the body is not one this operation reads.",
    422: "The data breaks a SHACL rule; `violations` lists them all.",
    429: "Rate limit reached for this token or address; see Retry-After.",
    503: "Every query worker is busy or the query ran past its budget; see Retry-After.",
}

#: The JSON schema of a problem body (RFC 9457 members plus ours; more members may follow).
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
    },
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of problem statuses, for a route's ``responses=``."""
    return {
        status: {
            "description": PROBLEM_DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}},
        }
        for status in statuses
    }


def status_of(exc: MosaicError) -> tuple[int, str]:
    """The status and problem type of an exception, by its most specific class in the table."""
    for cls in type(exc).__mro__:
        if cls in STATUS_TABLE:
            return STATUS_TABLE[cls]
    return 500, "internal"


def request_id(request: Request) -> str:
    """The id of this request (set by the middleware; made here if it is missing)."""
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = uuid.uuid4().hex
        request.state.request_id = rid
    return str(rid)


def problem(
    request: Request, status: int, slug: str, title: str, detail: str, **extra: Any
) -> JSONResponse:
    """A ``application/problem+json`` response."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": request_id(request),
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _extensions(exc: MosaicError) -> dict[str, Any]:
    """The location and context fields an error carries, as problem extension members."""
    if isinstance(exc, RdfSyntaxError):
        return {"line": exc.line, "column": exc.column, "format": exc.format}
    if isinstance(exc, SparqlSyntaxError):
        return {"line": exc.line, "column": exc.column}
    if isinstance(exc, AmbiguousTermError):
        return {"parameter": exc.parameter, "senses": exc.senses}
    if isinstance(exc, ParameterError):
        return {"parameter": exc.parameter}
    if isinstance(exc, UnsafeInputError):
        return {"line": exc.line}
    if isinstance(exc, InputLimitError):
        return {
            "setting": exc.setting,
            "maximum": exc.maximum,
            "line": exc.line,
            "column": exc.column,
        }
    if isinstance(exc, LoadError):
        return {
            "issues": [
                {"line": i.line, "column": i.column, "message": i.message, "stage": i.stage}
                for i in exc.issues
            ]
        }
    if isinstance(exc, NotAcceptableError):
        return {"offered": exc.offered}
    if isinstance(exc, NotFoundError):
        return {"kind": exc.kind, "id": exc.identifier}
    if isinstance(exc, QueryTimeoutError):
        return {"budget_seconds": exc.budget}
    if isinstance(exc, RateLimitError):
        return {"limit": exc.limit, "retry_after": exc.retry_after}
    if isinstance(exc, ShapeViolationError):
        return {
            "conforms": exc.report.conforms,
            "violations": [_located(r, exc) for r in exc.report.of_severity("Violation")],
            "warnings": [_located(r, exc) for r in exc.report.of_severity("Warning")],
        }
    return {}


def _located(result: ValidationResult, exc: ShapeViolationError) -> dict[str, Any]:
    """A finding of a refused upload, with where its focus node is in the uploaded file."""
    found = result.model_dump()
    where = exc.locations.get(result.focus_node)
    if where is not None:
        found.update(where._asdict())
    return found


async def _mosaic_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, MosaicError):  # registered for MosaicError only
        raise TypeError(f"not a MosaicError: {type(exc).__name__}")
    status, slug = status_of(exc)
    detail = exc.detail
    if isinstance(exc, BusyError | RateLimitError):
        response = problem(request, status, slug, exc.title, detail, **_extensions(exc))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, GoneError):
        response = problem(
            request,
            status,
            slug,
            exc.title,
            detail,
            **_extensions(exc),
            replaced_by=exc.replaced_by,
        )
        links = [f'<{iri}>; rel="{IS_REPLACED_BY}"' for iri in exc.replaced_by]
        if links:
            response.headers["Link"] = ", ".join(links)
        return response
    if isinstance(exc, AuthenticationError):
        response = problem(request, status, slug, exc.title, detail)
        response.headers["WWW-Authenticate"] = exc.challenge
        return response
    if status >= 500 and not isinstance(exc, QueryTimeoutError):
        log.error("request %s failed: %s", request_id(request), exc, exc_info=exc)
        detail = f"internal error; quote request id {request_id(request)} when reporting it"
    return problem(request, status, slug, exc.title, detail, **_extensions(exc))


async def problem_for(request: Request, exc: MosaicError) -> JSONResponse:
    """The problem response of ``exc``, for ASGI middleware that answers outside the handlers."""
    return await _mosaic_error(request, exc)


#: Where a request parameter sits, as FastAPI names it first in an error's ``loc``.
_PARAMETER_SOURCES = ("path", "query", "header")
_RANGE_ERRORS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's refusal of a request, in the one error format.

    A parameter value that breaks its published constraint (pattern, range) is answered as the
    handler would answer it, a ``ParameterError``: ``invalid-parameter`` with ``parameter``
    naming it and the handler's wording. Anything else (a missing parameter, a body that is not
    the model) is ``invalid-request``; both list FastAPI's ``errors``.
    """
    if not isinstance(exc, RequestValidationError):
        raise TypeError(f"not a RequestValidationError: {type(exc).__name__}")
    raw = list(exc.errors())
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in raw
    ]
    if raw and all(_is_bad_parameter_value(e) for e in raw):
        status, slug = STATUS_TABLE[ParameterError]
        detail = "; ".join(_parameter_message(request, e) for e in raw)
        parameter = str(raw[0]["loc"][1])
        return problem(
            request, status, slug, ParameterError.title, detail, parameter=parameter, errors=errors
        )
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return problem(request, 400, "invalid-request", "Invalid request", detail, errors=errors)


def _is_bad_parameter_value(error: Any) -> bool:
    loc = error.get("loc", ())
    return len(loc) == 2 and loc[0] in _PARAMETER_SOURCES and error.get("type") != "missing"


def _parameter_message(request: Request, error: Any) -> str:
    """The handler's wording for a value FastAPI refused (``limit must be between 1 and 100``)."""
    source, name = error["loc"]
    value = error.get("input")
    info = _parameter_info(request, source, name)
    what = info.title if info is not None and info.title else name
    pattern = (error.get("ctx") or {}).get("pattern")
    if error["type"] == "string_pattern_mismatch" and pattern in PATTERN_MESSAGES:
        return PATTERN_MESSAGES[pattern].format(what=what, value=value)
    if error["type"] in _RANGE_ERRORS and info is not None:
        low = next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None)
        high = next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None)
        if low is not None and high is not None:
            return f"{what} must be between {low} and {high}, not {value}"
    return f"invalid {what} {value!r}: {error.get('msg', '')}"


def _parameter_info(request: Request, source: str, name: str) -> FieldInfo | None:
    """The declaration of a parameter of the route that refused the request."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    kind = {"path": params.Path, "query": params.Query, "header": params.Header}[source]
    return next(
        (
            f.field_info
            for f in get_flat_params(route.dependant)
            if f.alias == name and isinstance(f.field_info, kind)
        ),
        None,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):
        raise TypeError(f"not an HTTPException: {type(exc).__name__}")
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    response = problem(request, exc.status_code, slug, _reason(exc.status_code), str(exc.detail))
    for key, value in (exc.headers or {}).items():
        response.headers[key] = value
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    routes: list[BaseRoute] = request.app.router.routes
    return [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("request %s failed unexpectedly", request_id(request), exc_info=exc)
    return problem(
        request,
        500,
        "internal",
        "Internal error",
        f"internal error; quote request id {request_id(request)} when reporting it",
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register_problem_handlers(app: FastAPI) -> None:
    """Render every error the app can raise as problem+json."""
    app.add_exception_handler(MosaicError, _mosaic_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
