"""Write routes record their failures in the audit log the same way, whatever went wrong."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.requests import HTTPConnection

from mosaic.access import audit
from mosaic.access.tokens import Identity
from mosaic.api.problems import status_of
from mosaic.errors import MosaicError


@dataclass
class Attempt:
    """Who is attempting the write, once known (the block sets it after authenticating)."""

    identity: Identity | None = None


@contextmanager
def failures_audited(
    request: HTTPConnection, *, action: str, target: str | None, identity: Identity | None = None
) -> Iterator[Attempt]:
    """Record any exception leaving the block as a failed write (its HTTP status), then re-raise.

    Successes are recorded by the route itself, with what it changed.
    """
    attempt = Attempt(identity)
    try:
        yield attempt
    except Exception as exc:
        outcome, error = (
            (status_of(exc)[0], exc.title)
            if isinstance(exc, MosaicError)
            else (
                500,
                "Internal error",
            )
        )
        audit.record(
            request, attempt.identity, action=action, target=target, outcome=outcome, error=error
        )
        raise
