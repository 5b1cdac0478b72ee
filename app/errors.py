"""The one exception tree of MOSAIC.

The domain layer raises these; the edges translate them: ``app/api/problems.py`` maps each class
to an HTTP status and problem type, ``app/cli.py`` maps each class to an exit code. Nothing here
imports FastAPI or click.

::

    MosaicError                       base; ``detail`` is the human-readable message
    ├── InputError                    the client must change what it sent (HTTP 400, CLI exit 2)
    │   ├── RdfSyntaxError            source, format, line, column of a parse failure
    │   ├── SparqlSyntaxError         line, column of a malformed query
    │   ├── ParameterError            bad CURIE, initiative id, option or parameter value
    │   │   └── AmbiguousTermError    a term names several senses; lists them to choose from
    │   ├── LoadError                 a bulk load found bad rows; carries every LoadIssue
    │   │   └── NoConceptError        the upload defines no skos:Concept (problem no-concepts)
    │   ├── UnsafeInputError          XML entity declarations, remote JSON-LD contexts
    │   ├── InputLimitError           nests too deep or is too long to parse safely; names the
    │   │                             setting that sets the limit
    │   ├── UnsupportedMediaTypeError (HTTP 415)
    │   ├── NotAcceptableError        (HTTP 406) lists what is offered
    │   ├── PayloadTooLargeError      (HTTP 413)
    │   └── RequestTimeoutError       the body stalled past the read timeout (HTTP 408)
    ├── ShapeViolationError           well-formed but breaks a SHACL rule; carries the whole
    │                                 ValidationReport (HTTP 422, CLI exit 1)
    ├── AuthenticationError           no bearer token, or an unknown one (HTTP 401)
    ├── ForbiddenError                the token may not write this (HTTP 403)
    ├── NotFoundError                 kind + id of what is missing (HTTP 404)
    │   └── GoneError                 a deprecated resource, with its replacements (HTTP 410)
    ├── ReadOnlyError                 writes are disabled (HTTP 403)
    ├── BusyError                     every query worker is taken (HTTP 503 + Retry-After)
    ├── RateLimitError                the client passed its rate limit (HTTP 429 + Retry-After)
    ├── QueryTimeoutError             a query ran past its budget and was killed (HTTP 503)
    ├── ModelUnavailableError         a model file or model weights are missing (server fault)
    └── StoreError                    a storage fault; the detail shown to clients is generic (500)
        └── StoreInUseError           another process holds the on-disk store (CLI exit 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mosaic.validation.models import ValidationReport


@dataclass(frozen=True)
class LoadIssue:
    """One problem found while reading a source, with where it was found.

    Bulk loaders collect these instead of stopping at the first bad row, so a maintainer sees
    every problem of a file in one run.
    """

    source: str
    line: int | None
    column: int | None
    message: str
    stage: str = "parse"
    #: The SHACL rule and focus node of a validation finding (stage ``validate``), so that
    #: reports can group findings by rule.
    rule: str | None = None
    focus_node: str | None = None

    def __str__(self) -> str:
        """Render as ``file:line:column: message``, the CLI's one-line error format."""
        line = self.line if self.line is not None else 0
        column = self.column if self.column is not None else 0
        return f"{self.source}:{line}:{column}: {self.message}"


class MosaicError(Exception):
    """Base of every error MOSAIC raises on purpose."""

    title = "MOSAIC error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(MosaicError):
    """The client sent something it must change: bad syntax, a bad parameter, a bad file."""

    title = "Bad input"


class RdfSyntaxError(InputError):
    """An RDF document does not parse; keeps the parser's location."""

    title = "Invalid RDF syntax"

    def __init__(
        self,
        detail: str,
        *,
        source: str,
        format: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.source = source
        self.format = format
        self.line = line
        self.column = column

    def as_issue(self) -> LoadIssue:
        """The same problem as a :class:`LoadIssue`."""
        return LoadIssue(self.source, self.line, self.column, self.detail)


class SparqlSyntaxError(InputError):
    """A SPARQL query does not parse; keeps the line and column when the parser gave them."""

    title = "Invalid SPARQL query"

    def __init__(self, detail: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(detail)
        self.line = line
        self.column = column


class ParameterError(InputError):
    """A parameter value is not acceptable: a bad CURIE, initiative id, format or option."""

    title = "Invalid parameter"

    def __init__(self, detail: str, *, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.parameter = parameter


class AmbiguousTermError(ParameterError):
    """A term names concepts of several senses; ``senses`` lists them, for the client to pick.

    Each sense is a mapping with its ``id``, ``label``, ``initiatives`` and ``concepts`` (CURIEs).
    """

    title = "Ambiguous term"

    def __init__(
        self, detail: str, *, parameter: str | None, senses: Sequence[dict[str, object]]
    ) -> None:
        super().__init__(detail, parameter=parameter)
        self.senses = list(senses)


class LoadError(InputError):
    """A source has problems; ``issues`` holds every one of them, not only the first."""

    title = "Invalid input file"

    def __init__(self, issues: Sequence[LoadIssue]) -> None:
        if not issues:
            raise ValueError("LoadError needs at least one issue")
        first = issues[0]
        more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
        super().__init__(f"{first.message}{more}")
        self.issues = list(issues)


class NoConceptError(LoadError):
    """An uploaded vocabulary defines no concept: there is nothing to load or validate.

    Refused on every path (``POST /validate``, ``PUT /initiatives/{id}/graph``, ``mosaic load``,
    ``mosaic validate FILE``) by :func:`mosaic.dataset.load.require_concepts`, so that an empty body
    or a file of the wrong kind never "conforms" or empties an initiative's graph.
    """

    title = "No concepts"


class UnsafeInputError(InputError):
    """The input uses a feature we refuse to process (XML entities, remote JSON-LD contexts)."""

    title = "Unsafe input refused"

    def __init__(self, detail: str, *, source: str, line: int | None = None) -> None:
        super().__init__(detail)
        self.source = source
        self.line = line


class InputLimitError(InputError):
    """The input passes a limit on its shape (nesting depth, tokens) set by ``setting``.

    Parsers recurse on nesting, and a stack overflow kills the process instead of raising, so
    such input is refused before any parser sees it.
    """

    title = "Input over a limit"

    def __init__(
        self,
        detail: str,
        *,
        setting: str,
        maximum: int,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.setting = setting
        self.maximum = maximum
        self.line = line
        self.column = column


class UnsupportedMediaTypeError(InputError):
    """The request body's media type is not one we read."""

    title = "Unsupported media type"


class NotAcceptableError(InputError):
    """None of the media types the client accepts is one we can produce."""

    title = "Not acceptable"

    def __init__(self, detail: str, *, offered: Sequence[str]) -> None:
        super().__init__(detail)
        self.offered = list(offered)


class PayloadTooLargeError(InputError):
    """The request body is larger than the configured limit."""

    title = "Payload too large"


class RequestTimeoutError(InputError):
    """The request body stalled: no bytes arrived within the read timeout."""

    title = "Request timeout"


class SourceLocation(NamedTuple):
    """Where a finding's node is described in a loaded file (its fields extend JSON findings)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        """``file:line:column``, as a finding's line opens."""
        return f"{self.file}:{self.line}:{self.column}"


class ShapeViolationError(MosaicError):
    """The data is well-formed but breaks at least one SHACL rule of severity Violation.

    ``report`` is the whole validation report: every Violation, and the Warnings and Infos.
    ``locations`` gives, per focus node found in the uploaded files, the file, line and column
    where it is described (:func:`mosaic.dataset.load.finding_locations`), for messages.
    """

    title = "Validation failed"

    def __init__(self, report: ValidationReport, *, source: str = "<input>") -> None:
        violations = report.of_severity("Violation")
        detail = f"{len(violations)} SHACL violation{'s' if len(violations) != 1 else ''}"
        if violations:
            first = violations[0]
            more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
            detail += f": {first.rule} on {first.focus_node}: {first.message}{more}"
        super().__init__(detail)
        self.report = report
        self.source = source
        self.locations: dict[str, SourceLocation] = {}


class AuthenticationError(MosaicError):
    """No bearer token was sent, or it is not one we know (HTTP 401 with a challenge)."""

    title = "Authentication required"

    def __init__(self, detail: str, *, error: str | None = None) -> None:
        super().__init__(detail)
        self.error = error

    @property
    def challenge(self) -> str:
        """The ``WWW-Authenticate`` header value (RFC 6750)."""
        challenge = 'Bearer realm="mosaic"'
        if self.error:
            challenge += f', error="{self.error}"'
        return challenge


class ConflictError(MosaicError):
    """The request contradicts the current state (proposing a mapping already reviewed)."""

    title = "Conflict"


class ForbiddenError(MosaicError):
    """The authenticated token may not do this (write this initiative)."""

    title = "Forbidden"


class NotFoundError(MosaicError):
    """Something named by the client does not exist."""

    title = "Not found"

    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} {identifier!r}")
        self.kind = kind
        self.identifier = identifier


class GoneError(NotFoundError):
    """A resource that was published is deprecated (``owl:deprecated true``).

    ``replaced_by`` lists its ``dcterms:isReplacedBy`` IRIs, which the HTTP edge sends as
    ``Link`` headers.
    """

    title = "Gone"

    def __init__(self, kind: str, identifier: str, replaced_by: Sequence[str] = ()) -> None:
        super().__init__(kind, identifier)
        self.detail = f"{kind} {identifier!r} is deprecated" + (
            f"; replaced by {', '.join(replaced_by)}" if replaced_by else ""
        )
        self.replaced_by = list(replaced_by)


class ReadOnlyError(MosaicError):
    """A write was attempted where writes are disabled."""

    title = "Read-only"


class BusyError(MosaicError):
    """Every query worker is busy; the client should retry after ``retry_after`` seconds."""

    title = "Service busy"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class RateLimitError(MosaicError):
    """The client (a token or an address) passed a rate limit; retry after ``retry_after`` s."""

    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, limit: str) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
        self.limit = limit


class QueryTimeoutError(MosaicError):
    """A query ran past its time budget; its worker process was killed."""

    title = "Query timeout"

    def __init__(self, detail: str, *, budget: float) -> None:
        super().__init__(detail)
        self.budget = budget


class StoreError(MosaicError):
    """The store failed (I/O, RocksDB); clients see a generic message and a request id."""

    title = "Store failure"


class StoreInUseError(StoreError):
    """Another process holds the on-disk store (RocksDB lets one process open it for writing).

    ``path`` is the store folder. The CLI reads such a store through what the holder publishes
    (:mod:`mosaic.store.sharing`) and refuses to write it, saying what to do instead.
    """

    title = "Store in use"

    def __init__(self, detail: str, *, path: Path) -> None:
        super().__init__(detail)
        self.path = path


class ModelUnavailableError(MosaicError):
    """A model the service needs (the aligner's ranker, wordllama's weights) cannot be loaded.

    Raised instead of falling back silently to a weaker method: an answer must never change
    meaning because a file went missing. The detail names the missing file and how to restore it.
    """

    title = "Model unavailable"
