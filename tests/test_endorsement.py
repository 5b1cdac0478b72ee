"""Endorsement state rules of a crosswalk mapping (issue 18, step 1: the pure part)."""

from __future__ import annotations

import pytest

from mosaic.curation.endorsement import EndorsementEvent, NotASideError, fold, side_of

SIDES = ("owasp-llm-2025", "mitre-atlas")


def _ev(kind: str, side: str | None, comment: str | None = None) -> EndorsementEvent:
    return EndorsementEvent(kind, side, f"person-{side}", "2026-12-05", comment)  # type: ignore[arg-type]


def test_third_initiative_is_not_a_side() -> None:
    with pytest.raises(NotASideError):
        side_of(["nist-ai-rmf"], *SIDES)


def test_token_for_both_sides_is_refused() -> None:
    with pytest.raises(NotASideError):
        side_of(list(SIDES), *SIDES)


def test_side_of_a_maintainer() -> None:
    assert side_of(["mitre-atlas", "other"], *SIDES) == "mitre-atlas"


def test_curated_endorsed_agreed() -> None:
    assert fold([], SIDES).state == "curated"
    one = fold([_ev("endorse", SIDES[0])], SIDES)
    assert one.state == "endorsed"
    assert one.waiting_for == (SIDES[1],)
    both = fold([_ev("endorse", SIDES[0]), _ev("endorse", SIDES[1])], SIDES)
    assert both.state == "agreed"
    assert both.waiting_for == ()


def test_dispute_keeps_side_and_reason() -> None:
    result = fold([_ev("endorse", SIDES[0]), _ev("dispute", SIDES[1], "too broad")], SIDES)
    assert result.state == "disputed"
    assert result.disputes == {SIDES[1]: "too broad"}


def test_repredicate_resets_endorsements() -> None:
    events = [_ev("endorse", SIDES[0]), _ev("endorse", SIDES[1]), _ev("repredicate", None)]
    assert fold(events, SIDES).state == "curated"


def test_endorsing_after_dispute_lifts_it() -> None:
    events = [_ev("dispute", SIDES[0], "wrong"), _ev("endorse", SIDES[0])]
    assert fold(events, SIDES).state == "endorsed"
