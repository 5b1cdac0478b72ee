"""Request parameters shared by the routes, with the constraints the OpenAPI document publishes.

Each constraint comes from the module that owns the concept: the id and CURIE patterns from
:mod:`mosaic.rdf.identifiers`, format names and limits from the tables and constants the
handlers use. FastAPI checks patterns and ranges before a handler
runs, and :mod:`mosaic.api.problems` answers a refusal as the handler would have: a 400
``invalid-parameter`` problem naming the parameter, worded by :data:`PATTERN_MESSAGES`.

Enumerations (format names, kinds, predicates) are published from the table the handler checks
the value against (``json_schema_extra``): a ``Literal`` would have to spell the names a second
time, and the handler's own message lists what is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Header, Path, Query

from mosaic.rdf.identifiers import (
    CURIE_LOCAL,
    CURIE_PATTERN,
    CURIE_PREFIX,
    CURIE_RULE,
    ID_MAX_LENGTH,
    ID_PATTERN,
    ID_RULE,
)

#: A value with something other than white space (a search term).
NOT_BLANK = r"\S"
#: A CURIE or an http(s) IRI (taken as it is, see :func:`mosaic.curation.review.expand`); empty is
#: no filter.
CURIE_OR_IRI = rf"^(?:{CURIE_PREFIX}:{CURIE_LOCAL}|https?://.*)?$"

#: The message of a value that does not match a pattern, by pattern; ``{what}`` is the
#: parameter's title (or its name) and ``{value}`` what was sent.
PATTERN_MESSAGES: dict[str, str] = {
    ID_PATTERN.pattern: "invalid {what} {value!r}: " + ID_RULE,
    CURIE_PATTERN: "{value!r} is not a CURIE (" + CURIE_RULE + ")",
    CURIE_OR_IRI: "{value!r} is neither a CURIE (" + CURIE_RULE + ") nor an http(s) IRI",
    NOT_BLANK: "{what} must not be empty",
}


def id_query(description: str, *, what: str = "initiative id") -> Any:
    """A query parameter holding an initiative (or mapping set) id."""
    return Query(
        title=what,
        description=f"{description} Lowercase letters, digits and single hyphens.",
        pattern=ID_PATTERN.pattern,
        max_length=ID_MAX_LENGTH,
    )


def choice_query(names: Iterable[str], description: str) -> Any:
    """A query parameter whose values are the keys of a table the handler checks."""
    return Query(description=description, json_schema_extra={"enum": list(names)})


def term_query(description: str, max_length: int) -> Any:
    """A query parameter holding a search term (not blank, at most ``max_length`` long)."""
    return Query(description=description, pattern=NOT_BLANK, max_length=max_length)


def curie_query(description: str) -> Any:
    """A query parameter holding a CURIE."""
    return Query(description=description, pattern=CURIE_PATTERN)


def curie_or_iri_query(description: str) -> Any:
    """A query parameter naming a concept by CURIE or IRI (empty: no filter)."""
    return Query(description=description, pattern=CURIE_OR_IRI)


#: ``{initiative_id}`` of the read routes.
InitiativeIdPath = Annotated[
    str,
    Path(
        title="initiative id",
        description="Lowercase letters, digits and single hyphens (`mitre-atlas`).",
        pattern=ID_PATTERN.pattern,
        max_length=ID_MAX_LENGTH,
    ),
]

#: ``{initiative_id}`` of a write: published, but checked by the handler after the token, so
#: that a refused write is answered 401/403 first and audited.
InitiativeIdWritePath = Annotated[
    str,
    Path(
        title="initiative id",
        description="Lowercase letters, digits and single hyphens (`mitre-atlas`).",
        json_schema_extra={"pattern": ID_PATTERN.pattern, "maxLength": ID_MAX_LENGTH},
    ),
]

#: ``{curie}`` of a concept.
CuriePath = Annotated[
    str,
    Path(
        description="`prefix:identifier` (`atlas:AML.T0051`); an unknown prefix is 400.",
        pattern=CURIE_PATTERN,
    ),
]

#: ``Accept`` and ``Content-Type`` are read by the handler but not published as parameters:
#: OpenAPI ignores header parameters of these names (3.1, Parameter Object); the media types
#: of ``responses`` and ``requestBody`` say what is negotiated.
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
ContentTypeHeader = Annotated[str | None, Header(include_in_schema=False)]
