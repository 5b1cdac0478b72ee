"""Which kinds of target concept a source of each kind may be aligned to, learned from reviews.

A threat is mitigated by a control; it is not the same thing as one, and no reviewer has ever
matched the two. Yet a control's text shares most of its words with the threat it answers
("prompt injection" in both), so it lands among a threat's candidates. The ranker has a
``kind_compatibility`` feature, but a feature only nudges a score; the reviewed mappings say
outright which pairs of kinds occur at all.

So a source of kind K is offered only targets of the kinds some reviewed mapping pairs with K,
in either direction (an exact or close match is symmetric, broad and narrow are each other's
inverse, a related match is symmetric), plus K itself and ``term`` (a concept of unknown kind).
Every asserted mapping counts, whatever its predicate: the table only removes pairs of kinds no
review has ever linked. A source of kind ``term`` (every concept of an uploaded glossary) or of
a kind no review involves is offered every kind: nothing is known about it.

A typed source's candidates are the rows of its pool whose kinds the table allows
(:meth:`mosaic.terms.ranking.SourceRows.of_allowed_kinds`); each keeps the features it had in
the whole pool, so scores, the "no match" inputs and the confidences are taken over the
candidates a reviewer can be shown. ``mosaic train`` teaches the ranker both uses: each query's
whole pool (how an untyped source is ranked) and its allowed rows (how a typed one is).
Filtering the pool before the features are computed was tried and not adopted (README, "The
learned aligner"). ``mosaic train`` learns the table from the store it trains on and writes
it beside the ranker (``kinds.json``).

>>> pairs = KindPairs.learn([("threat", "attack-technique"), ("requirement", "control")])
>>> sorted(pairs.targets_for("threat"))
['attack-technique', 'term', 'threat']
>>> sorted(pairs.targets_for("control"))
['control', 'requirement', 'term']
>>> pairs.targets_for("term") is None, pairs.targets_for("asset") is None
(True, True)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: The kind of a concept whose kind is not known: always a possible target, never filtered.
UNKNOWN_KIND = "term"


@dataclass(frozen=True)
class KindPairs:
    """Per source kind, the target kinds its candidates may have (absent: any kind)."""

    allowed: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def learn(cls, pairs: Iterable[tuple[str, str]]) -> KindPairs:
        """The table of the (subject kind, object kind) of every reviewed, asserted mapping."""
        found: dict[str, set[str]] = defaultdict(set)
        for subject, obj in pairs:
            if UNKNOWN_KIND in (subject, obj):
                continue  # says nothing about which kinds go together
            found[subject].add(obj)
            found[obj].add(subject)
        return cls(
            {
                kind: frozenset({*targets, kind, UNKNOWN_KIND})
                for kind, targets in sorted(found.items())
            }
        )

    def targets_for(self, kind: str) -> frozenset[str] | None:
        """The kinds a source of ``kind`` may be aligned to; ``None``: any (nothing is known)."""
        return self.allowed.get(kind)

    def to_json(self) -> str:
        """The table as the ``kinds.json`` model file holds it (sorted: byte-stable)."""
        table = {kind: sorted(targets) for kind, targets in sorted(self.allowed.items())}
        return json.dumps({"allowed": table}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> KindPairs:
        """Read what :meth:`to_json` wrote.

        :raises ValueError: when the text is not such a table.
        :raises KeyError: when it has no ``allowed`` member.
        """
        table = json.loads(text)["allowed"]
        if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(k, str) for k in v) for v in table.values()
        ):
            raise ValueError("kinds.json: 'allowed' must map each kind to a list of kinds")
        return cls({str(kind): frozenset(targets) for kind, targets in table.items()})
