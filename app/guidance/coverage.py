"""Coverage and gaps on the control side: threats without controls, controls without threats.

Added to ``/analysis/coverage`` and ``/analysis/gaps`` (new fields beside the existing ones) and
to ``/ui/coverage`` and ``/ui/gaps``. The notions are those of the guidance answers
(``docs/data-model.md``): a control addresses a threat when an initiative states it for the
threat, its sense (exact or close matches) or a threat narrower than a member; a control
reached through a curated control crosswalk counts for its initiative too.

- *threats without controls in X* (gaps, reference Y): the threats of Y for which X has no
  control, each with the initiatives that do have one (a gap worth raising with X);
- *controls in X that address no threat of Y*: the controls of X none of whose threats (with
  their senses) is a concept of Y.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from mosaic.analysis.models import Coverage, GapConcept, Gaps
from mosaic.guidance.facts import GuidanceFacts
from mosaic.terms.label_index import LabelIndex

THREAT_KINDS = frozenset({"threat", "attack-technique", "vulnerability"})
SENSE_LINKS = frozenset({"exactMatch", "closeMatch"})


class ControlCoverage(BaseModel):
    """One initiative's controls and threats, and how they are tied together."""

    initiative: str
    controls: int = Field(description="Its concepts of kind control.")
    controls_addressing_threats: int = Field(
        description="Controls that it states (or a control above or below them states) address "
        "a threat."
    )
    threats: int = Field(description="Its threats, attack techniques and vulnerabilities.")
    threats_with_controls: int = Field(description="Threats some initiative has a control for.")
    threats_with_own_controls: int = Field(description="Threats it states a control for itself.")


class CoverageWithControls(Coverage):
    """The pairwise coverage and senses matrix, and the control side of every initiative."""

    controls: list[ControlCoverage] = Field(default_factory=list)


class GapsWithControls(Gaps):
    """The gaps of ``initiative`` against ``reference``, on the concept and the control side."""

    threats_without_controls: list[GapConcept] = Field(
        default_factory=list,
        description="Threats of reference with no control in initiative; links: the "
        "initiatives that have one.",
    )
    controls_without_threats: list[GapConcept] = Field(
        default_factory=list,
        description="Controls of initiative that address no threat of reference; links: the "
        "initiatives whose threats they address.",
    )


def _scope(index: LabelIndex, position: int) -> set[str]:
    """A threat's sense and the threats below its members, as IRIs."""
    found: set[str] = set()
    todo = list(index.sense_members(position))
    while todo:
        concept = index.concepts[todo.pop()]
        if concept.iri in found:
            continue
        found.add(concept.iri)
        todo += [index.by_iri[i] for i in concept.narrower if i in index.by_iri]
    return found


def _control_initiatives(index: LabelIndex, facts: GuidanceFacts, threats: set[str]) -> set[str]:
    """The initiatives with a control for any of ``threats`` (directly or by a crosswalk)."""
    found: set[str] = set()
    for threat in threats:
        for statement in facts.by_threat.get(threat, []):
            position = index.by_iri.get(statement.control)
            if position is None:
                continue
            for mate in index.sense_members(position):
                concept = index.concepts[mate]
                if concept.initiative and concept.initiative not in facts.regulations:
                    found.add(concept.initiative)
    return found


def _threats_of_control(index: LabelIndex, facts: GuidanceFacts, position: int) -> set[str]:
    """The threats a control addresses: its sense mates' and its hierarchy's statements."""
    controls: set[int] = set()
    for mate in index.sense_members(position):
        todo = [mate]
        while todo:
            current = todo.pop()
            if current in controls:
                continue
            controls.add(current)
            concept = index.concepts[current]
            for iri in (*concept.broader, *concept.narrower):
                near = index.by_iri.get(iri)
                if near is not None and index.concepts[near].kind == "control":
                    todo.append(near)
    threats: set[str] = set()
    for current in controls:
        for statement in facts.by_control.get(index.concepts[current].iri, []):
            threats.add(statement.threat)
    expanded: set[str] = set()
    for threat in threats:
        threat_position = index.by_iri.get(threat)
        if threat_position is None:
            expanded.add(threat)
        else:
            expanded |= {index.concepts[p].iri for p in index.sense_members(threat_position)}
    return expanded


def control_coverage(index: LabelIndex, facts: GuidanceFacts) -> list[ControlCoverage]:
    """The control side of every initiative with concepts."""
    by_initiative: dict[str, list[int]] = defaultdict(list)
    for concept in index.concepts:
        if concept.initiative:
            by_initiative[concept.initiative].append(concept.position)
    rows = []
    for initiative, positions in sorted(by_initiative.items()):
        controls = [p for p in positions if index.concepts[p].kind == "control"]
        threats = [p for p in positions if index.concepts[p].kind in THREAT_KINDS]
        addressing = sum(1 for p in controls if _threats_of_control(index, facts, p))
        with_controls = own = 0
        for position in threats:
            having = _control_initiatives(index, facts, _scope(index, position))
            with_controls += bool(having)
            own += initiative in having
        rows.append(
            ControlCoverage(
                initiative=initiative,
                controls=len(controls),
                controls_addressing_threats=addressing,
                threats=len(threats),
                threats_with_controls=with_controls,
                threats_with_own_controls=own,
            )
        )
    return rows


def with_controls(
    coverage: Coverage, index: LabelIndex, facts: GuidanceFacts
) -> CoverageWithControls:
    """The coverage with its control side."""
    return CoverageWithControls(**coverage.model_dump(), controls=control_coverage(index, facts))


def with_control_gaps(gaps: Gaps, index: LabelIndex, facts: GuidanceFacts) -> GapsWithControls:
    """The gaps, with the control side added.

    The threats of the reference without a control in the initiative, and the initiative's
    controls that address no threat of the reference.
    """
    initiative, reference = gaps.initiative, gaps.reference
    without_controls = []
    for concept in index.concepts_of(reference):
        if concept.kind not in THREAT_KINDS:
            continue
        having = _control_initiatives(index, facts, _scope(index, concept.position))
        if initiative not in having:
            without_controls.append(
                GapConcept(concept=concept.iri, label=concept.label, links=sorted(having))
            )
    reference_concepts = {c.iri for c in index.concepts_of(reference)}
    without_threats = []
    for concept in index.concepts_of(initiative):
        if concept.kind != "control":
            continue
        threats = _threats_of_control(index, facts, concept.position)
        if not threats & reference_concepts:
            owners = {
                index.concepts[index.by_iri[t]].initiative for t in threats if t in index.by_iri
            }
            without_threats.append(
                GapConcept(
                    concept=concept.iri, label=concept.label, links=sorted(i for i in owners if i)
                )
            )
    return GapsWithControls(
        **gaps.model_dump(),
        threats_without_controls=without_controls,
        controls_without_threats=without_threats,
    )
