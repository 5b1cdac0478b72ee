"""A mapping the graph holds between two concepts: the one model of it, and its IR 8477 relation.

The label index keeps held mappings with IRIs; ``GET /compare`` and the MCP compare tool answer
them with CURIEs (:func:`mosaic.terms.compare.compare` makes the copy), pydantic serialising
this dataclass directly, so the index and the API share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

#: The NIST IR 8477 set-theory relations between two concepts.
Ir8477Relation = Literal["equal", "subset of", "superset of", "intersects with", "not related to"]


@dataclass(frozen=True, slots=True)
class HeldMapping:
    """A mapping the graph holds between two concepts, with its SSSOM metadata.

    The one model of a held mapping: the index keeps it with IRIs, ``GET /compare`` answers it
    (pydantic serialises the dataclass) with CURIEs, :func:`mosaic.terms.compare` making the
    copy. ``relation`` is the NIST IR 8477 relation its predicate (and a rejection) stand for.
    """

    subject: str
    predicate: Annotated[str, Field(examples=["skos:exactMatch"])]
    object: str
    relation: Ir8477Relation
    graph: str
    negated: Annotated[
        bool, Field(description="A reviewed rejection (SSSOM predicate_modifier Not).")
    ] = False
    proposed: Annotated[bool, Field(description="Proposed, not yet reviewed.")] = False
    justification: str | None = None
    confidence: float | None = None

    @property
    def is_asserted(self) -> bool:
        """Whether the graph states this mapping (neither a rejection nor a mere proposal)."""
        return not self.negated and not self.proposed
