"""Endorsement states of a crosswalk mapping between two initiatives (issue 18).

A mapping between initiatives A and B is only a *curated* claim until both initiatives say they
agree with it. This module holds the state rules alone, free of the store and of HTTP, so the API,
the SSSOM export and the pages all derive the same state from the same recorded events.

States: ``curated`` (no side has spoken) -> ``endorsed`` (one side endorsed) -> ``agreed`` (both
sides endorsed); ``disputed`` whenever a side's latest word is a dispute. A change of predicate
resets every endorsement and dispute, because the sides agreed with a different claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

EndorsementState = Literal["curated", "endorsed", "agreed", "disputed"]
EventKind = Literal["endorse", "dispute", "repredicate"]
STATES: tuple[EndorsementState, ...] = ("curated", "endorsed", "agreed", "disputed")


class NotASideError(ValueError):
    """The acting initiative is neither side of the mapping (the API answers 403)."""


@dataclass(frozen=True)
class EndorsementEvent:
    """One step in the curation log: who, for which side, when and why."""

    kind: EventKind
    side: str | None
    person: str
    when: str
    comment: str | None = None


@dataclass(frozen=True)
class Endorsement:
    """The state of one mapping after its events, with who endorsed and who disputed why."""

    state: EndorsementState
    endorsers: dict[str, str]
    disputes: dict[str, str]
    waiting_for: tuple[str, ...]


def side_of(acting: Iterable[str], subject_side: str, object_side: str) -> str:
    """The side a token scoped to ``acting`` initiatives speaks for.

    :raises NotASideError: when the token covers neither initiative of the mapping; a token covering
        both is refused too, since one word cannot stand for both sides.
    """
    scoped = set(acting)
    sides = [s for s in (subject_side, object_side) if s in scoped]
    if len(sides) != 1:
        raise NotASideError(
            f"a maintainer of exactly one of {subject_side!r} or {object_side!r} must act"
            if sides
            else f"this token is not scoped to {subject_side!r} or {object_side!r}"
        )
    return sides[0]


def fold(events: Iterable[EndorsementEvent], sides: tuple[str, str]) -> Endorsement:
    """Replay ``events`` (oldest first) into the current state of a mapping between ``sides``."""
    endorsers: dict[str, str] = {}
    disputes: dict[str, str] = {}
    for event in events:
        if event.kind == "repredicate":
            endorsers.clear()
            disputes.clear()
        elif event.side is not None and event.side in sides:
            if event.kind == "endorse":
                endorsers[event.side] = event.person
                disputes.pop(event.side, None)
            else:
                disputes[event.side] = event.comment or ""
                endorsers.pop(event.side, None)
    state: EndorsementState
    if disputes:
        state = "disputed"
    elif len(endorsers) == 2:
        state = "agreed"
    elif endorsers:
        state = "endorsed"
    else:
        state = "curated"
    waiting = tuple(s for s in sides if s not in endorsers)
    return Endorsement(state, endorsers, disputes, waiting)
