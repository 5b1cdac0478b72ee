"""The five checks of a draft's terminology, each a function from the draft to findings.

Each check reports a term once, at its first use, with how often the draft uses it (a draft
that says "prompt injection" forty times needs one note, not forty); unknown identifiers are
reported wherever they occur, since each is a separate mistake. The checks, their severities
and what they rely on are listed in :data:`mosaic.terms.lint_models.RULES` and documented in
docs/annotate.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote_plus

import numpy as np

from mosaic.terms.annotate import TermUse
from mosaic.terms.compare import dice
from mosaic.terms.definitions import DraftDefinition
from mosaic.terms.identifier_shapes import UnknownIdentifier
from mosaic.terms.lint_context import LintContext, Reading
from mosaic.terms.lint_models import Finding, Reference
from mosaic.terms.relations import HOMONYM_THRESHOLD
from mosaic.terms.text import content_words, is_acronym_of, normalise


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _term_key(reading: Reading, use: TermUse) -> str:
    return normalise(reading.text(use))


def _first_uses(reading: Reading, uses: Iterable[TermUse]) -> dict[str, tuple[TermUse, int]]:
    """Each distinct term (identifiers excluded) with its first use and how often it is used."""
    seen: dict[str, tuple[TermUse, int]] = {}
    for use in uses:
        if use.match.identifier:
            continue
        key = _term_key(reading, use)
        first, count = seen.get(key, (use, 0))
        seen[key] = (first, count + 1)
    return seen


def ambiguous_terms(context: LintContext, reading: Reading) -> list[Finding]:
    """Terms with several senses whose sense the draft never settles."""
    findings = []
    defined = {_term_key(reading, d.use) for d in reading.definitions}
    for key, (use, count) in _first_uses(reading, reading.uses).items():
        if len(use.senses) < 2 or key in defined or reading.cites_any(use.senses):
            continue
        if context.prefer and any(
            context.index.concepts[p].initiative == context.prefer for p in use.concepts
        ):
            continue
        senses = [context.sense_summary(root, use) for root in use.senses]
        listed = "; ".join(f"{s['label']} ({', '.join(s['initiatives'])})" for s in senses[:4])
        example = next((r.identifier for r in context.references(use) if r.identifier), None)
        hint = f"cite one (for example {example})" if example else "cite one of them"
        findings.append(
            reading.finding(
                "ambiguous-term",
                use.start,
                use.end,
                f"{_quoted(reading.text(use))} has {len(senses)} senses across initiatives and "
                f"the draft does not say which: {listed}; {hint} or define the term",
                occurrences=count,
                suggestions=context.references(use),
                details={"senses": senses},
            )
        )
    return findings


def differing_definitions(context: LintContext, reading: Reading) -> list[Finding]:
    """Draft definitions unlike every definition the initiatives give of the term."""
    if not reading.definitions:
        return []
    index = context.index
    texts = [f"{reading.text(d.use)}. {d.text}" for d in reading.definitions]
    vectors = index.embedder.embed_uncached(texts)
    findings = []
    for definition, vector in zip(reading.definitions, vectors, strict=True):
        candidates = [
            p for p in context.sense_concepts(definition.use) if index.concepts[p].definition
        ]
        if not candidates:
            continue
        similarity = index.text_vectors[candidates] @ vector
        order = np.argsort(-similarity, kind="stable")
        best = float(similarity[order[0]])
        if best >= HOMONYM_THRESHOLD:
            continue
        findings.append(_differs(context, reading, definition, candidates, similarity, order))
    return findings


def _differs(
    context: LintContext,
    reading: Reading,
    definition: DraftDefinition,
    candidates: Sequence[int],
    similarity: np.ndarray,
    order: np.ndarray,
) -> Finding:
    index = context.index
    term = reading.text(definition.use)
    draft_words = content_words(definition.text)
    compared = []
    for slot in order[:6].tolist():
        concept = index.concepts[candidates[slot]]
        words = content_words(concept.definition or "")
        compared.append(
            {
                "concept": concept.curie or concept.iri,
                "label": concept.label,
                "initiative": concept.initiative,
                "definition": concept.definition,
                "similarity": round(float(similarity[slot]), 4),
                "lexical": round(dice(draft_words, words), 4),
                "shared_terms": sorted(draft_words & words),
                "only_in_draft": sorted(draft_words - words),
                "only_in_initiative": sorted(words - draft_words),
            }
        )
    closest = compared[0]
    compare_path = f"/ui/compare?q={quote_plus(term)}"
    return reading.finding(
        "definition-differs",
        definition.use.start,
        definition.use.end,
        f"the draft defines {_quoted(term)} unlike the initiatives: the closest definition, "
        f"{closest['label']} ({closest['concept']}), is {closest['similarity']:.2f} similar "
        f"(below {HOMONYM_THRESHOLD}); compare them at {compare_path}",
        suggestions=[context.reference(candidates[int(order[0])])],
        details={
            "draft_definition": definition.text,
            "in_glossary": definition.in_glossary,
            "compared": compared,
            "compare": f"/terms/compare?q={quote_plus(term)}",
        },
    )


def non_preferred_names(context: LintContext, reading: Reading) -> list[Finding]:
    """Alternative, outdated and deprecated names."""
    findings = []
    for use, count in _first_uses(reading, reading.uses).values():
        finding = (
            _deprecated(context, reading, use)
            or _outdated(context, reading, use)
            or _alternative(context, reading, use)
        )
        if finding is not None:
            finding.occurrences = count
            findings.append(finding)
    return findings


def _deprecated(context: LintContext, reading: Reading, use: TermUse) -> Finding | None:
    if not all(p in context.deprecated for p in use.concepts):
        return None
    concept = context.index.concepts[use.concepts[0]]
    successors = context.successors_of_deprecated(use.concepts[0])
    instead = [context.reference(p) for p in successors]
    tail = f"; use {', '.join(_name(r) for r in instead)}" if instead else ""
    return reading.finding(
        "non-preferred-name",
        use.start,
        use.end,
        f"{_quoted(reading.text(use))} names {concept.curie or concept.iri}, which "
        f"{context.title(concept.initiative)} marks deprecated{tail}",
        suggestions=instead,
        replacement=instead[0].label if len(instead) == 1 else None,
        details={"reason": "deprecated"},
    )


def _outdated(context: LintContext, reading: Reading, use: TermUse) -> Finding | None:
    index = context.index
    initiatives = {index.concepts[p].initiative for p in use.concepts}
    if not initiatives or not all(i in context.replaced_by for i in initiatives if i):
        return None
    old = index.concepts[use.concepts[0]]
    successors = [s for p in use.concepts for s in context.successors_in_newer(p)]
    instead = [context.reference(p) for p in dict.fromkeys(successors)]
    newer = ", ".join(context.title(i) for i in context.replaced_by[old.initiative or ""])
    if instead:
        tail = f"; there it is {', '.join(_name(r) for r in instead)}"
    else:
        tail = "; it has no counterpart there"
    return reading.finding(
        "non-preferred-name",
        use.start,
        use.end,
        f"{_quoted(reading.text(use))} is the name in {context.title(old.initiative)} "
        f"({old.curie or old.iri}), which {newer} replaces{tail}",
        suggestions=instead,
        replacement=instead[0].label if len(instead) == 1 else None,
        details={"reason": "outdated-edition", "edition": old.edition},
    )


def _alternative(context: LintContext, reading: Reading, use: TermUse) -> Finding | None:
    if use.match.identifier or len(use.senses) != 1:
        return None
    index = context.index
    said = reading.text(use)
    preferred: dict[str, int] = {}
    for position in use.concepts:
        concept = index.concepts[position]
        labels = [e for e in concept.labels if normalise(e.text) == normalise(said)]
        if not labels or any(e.property not in ("altLabel", "hiddenLabel") for e in labels):
            return None
        if is_acronym_of(said, concept.label) or normalise(concept.label) == normalise(said):
            return None
        preferred.setdefault(concept.label, position)
    if not preferred:
        return None
    instead = [context.reference(p) for p in preferred.values()]
    return reading.finding(
        "non-preferred-name",
        use.start,
        use.end,
        f"{_quoted(said)} is an alternative name: "
        + "; ".join(
            f"{context.title(r.initiative)} calls it {_quoted(r.label)} ({r.curie or r.iri})"
            for r in instead
        ),
        severity="note",
        suggestions=instead,
        replacement=instead[0].label if len(instead) == 1 else None,
        details={"reason": "alternative-label"},
    )


def _name(reference: Reference) -> str:
    cited = reference.identifier or reference.curie or reference.iri
    return f"{_quoted(reference.label)} ({cited})"


def unlinked_concepts(context: LintContext, reading: Reading) -> list[Finding]:
    """Terms the draft relies on but never cites or links, with references to add."""
    findings = []
    defined = {_term_key(reading, d.use) for d in reading.definitions}
    for key, (use, count) in _first_uses(reading, reading.uses).items():
        relied_on = count >= 2 or key in defined or reading.in_heading(use)
        if not relied_on or reading.cites_any(use.senses):
            continue
        references = context.references(use)
        if not references:
            continue
        listed = ", ".join(
            f"{r.identifier or r.curie or r.iri}"
            + ("" if r.identifier else f" {_quoted(r.label)}")
            + f" ({r.source or r.page})"
            for r in references
        )
        findings.append(
            reading.finding(
                "unlinked-concept",
                use.start,
                use.end,
                f"{_quoted(reading.text(use))} is used {count} "
                f"time{'s' if count != 1 else ''} but never cited or linked; "
                f"references: {listed}",
                occurrences=count,
                suggestions=references,
            )
        )
    return findings


def unknown_identifiers(context: LintContext, reading: Reading) -> list[Finding]:
    """Identifier-shaped tokens that name no concept (every occurrence)."""
    findings = []
    for unknown in context.shapes.find_unknown(reading.document):
        findings.append(_unknown(context, reading, unknown))
    return findings


def _unknown(context: LintContext, reading: Reading, unknown: UnknownIdentifier) -> Finding:
    owners = [context.title(i) for i in unknown.initiatives]
    who = " and ".join(owners) if owners else "an initiative"
    return reading.finding(
        "unknown-identifier",
        unknown.start,
        unknown.end,
        f"{unknown.text} is not an identifier of any concept; {who} "
        f"use{'s' if len(owners) <= 1 else ''} {unknown.first} to {unknown.last}",
        details={"shape": unknown.shape, "initiatives": list(unknown.initiatives)},
    )
