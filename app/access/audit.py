"""The audit log: one JSON line per write attempt, whatever its outcome.

Every route that writes calls :func:`record` once per request, on success and on failure
(refused authentication included)::

    from mosaic.access import audit

    audit.record(request, identity, action="replace-graph", target=initiative_id, outcome=200,
                 triples_added=12)

Each call appends one line to the file named by the ``audit_log`` setting (default
``var/audit.log``; unset: no file) and logs the same line on the ``mosaic.audit`` logger::

    {"time": "2026-05-04T10:21:07.112Z", "request_id": "…", "who": {"name": "Jane Doe",
     "orcid": "0000-0002-1825-0097", "role": "maintainer"}, "client": "127.0.0.1",
     "method": "PUT", "path": "/initiatives/mitre-atlas/graph", "action": "replace-graph",
     "target": "mitre-atlas", "outcome": 200, "triples_added": 12}

``who`` is the identity the token stands for (name, ORCID, role), or ``null`` when the request
was not authenticated; the token itself, or its hash, is never written. ``outcome`` is the HTTP
status answered. Extra keyword arguments become further members of the line (keep them small
and JSON-serialisable: counts, ids, an error's title). Recording never fails the request: a
file that cannot be written is reported on the logger and the line still goes to the logger.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
from pathlib import Path
from typing import Any

from starlette.requests import HTTPConnection

from mosaic.access.tokens import Identity

log = logging.getLogger("mosaic.audit")

_lock = threading.Lock()


def entry(
    request: HTTPConnection,
    identity: Identity | None,
    *,
    action: str,
    target: str | None,
    outcome: int,
    **details: Any,
) -> dict[str, Any]:
    """The audit record of one write attempt, as a JSON-ready dict (see :func:`record`)."""
    now = datetime.datetime.now(datetime.UTC)
    who = (
        None
        if identity is None
        else {"name": identity.name, "orcid": identity.orcid, "role": identity.role}
    )
    client = request.client
    line: dict[str, Any] = {
        "time": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": getattr(request.state, "request_id", None),
        "who": who,
        "client": client.host if client else None,
        "method": request.scope.get("method"),
        "path": request.url.path,
        "action": action,
        "target": target,
        "outcome": outcome,
    }
    for key, value in details.items():
        line.setdefault(key, value)
    return line


def record(
    request: HTTPConnection,
    identity: Identity | None,
    *,
    action: str,
    target: str | None,
    outcome: int,
    **details: Any,
) -> dict[str, Any]:
    """Record one write attempt in the audit log, and return the record.

    :param request: the request (gives the request id, client address, method and path, and
        the app's settings for the file).
    :param identity: who the token stands for; ``None`` when authentication failed or was not
        attempted.
    :param action: what was attempted, a short verb phrase (``replace-graph``,
        ``record-mapping``, ``review-mapping``).
    :param target: what it was attempted on: an initiative id, a mapping id.
    :param outcome: the HTTP status of the answer.
    :param details: further members of the line; they never replace the standard ones.
    """
    line = entry(request, identity, action=action, target=target, outcome=outcome, **details)
    text = json.dumps(line, ensure_ascii=False, default=str, separators=(",", ":"))
    log.info("%s", text)
    settings = getattr(request.app.state, "settings", None)
    path: Path | None = getattr(settings, "audit_log", None)
    if path is not None:
        try:
            _append(path, text + "\n")
        except OSError as exc:
            log.error("could not write the audit log %s: %s", path, exc)
    return line


def _append(path: Path, text: str) -> None:
    """Append one line; a lock keeps lines from several threads whole."""
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(text)
            file.flush()
