"""The shipped model over the real bundle: reproducible from it, and sensible on new terms."""

from __future__ import annotations

import numpy as np
import pytest

from mosaic.cli.train import seeded_index
from mosaic.terms.devsets import FULL
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import MODELS_DIR, AlignmentModel, load_model
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.sides import SourceTerm
from mosaic.terms.train import fit_final, prepare

pytestmark = pytest.mark.slow
ATLAS = "https://w3id.org/mosaic/id/mitre-atlas/"


@pytest.fixture(scope="module")
def bundle_index() -> LabelIndex:
    return seeded_index()


def test_training_on_the_bundle_reproduces_the_shipped_model(bundle_index: LabelIndex) -> None:
    """Retraining gives the shipped model: same data, same features, the same rankings.

    Byte equality holds on one machine (``test_train.py``) but not across them: another BLAS
    can move a rounded feature by one step, and boosting amplifies that into other split
    values. So the data-fixed parts are compared exactly (the statistics of the lexical and
    embedding similarities the no-match model learns from, which change with any new or removed
    mapping) and the final ranker by what it does on every curated query. The leave-one-out
    rankers, which only judge the model, are not refitted here (``test_train.py`` runs them).
    """
    data = prepare(bundle_index)
    retrained, shipped = fit_final(data), load_model(MODELS_DIR)
    stale = "the shipped model is stale: run `mosaic train` and commit the model files"

    best = np.asarray([rows.best for rows in data.no_match_rows()], dtype=np.float64)
    similarities = slice(0, best.shape[1])  # the inputs before the ranker's top score and margin
    kept = shipped.no_match
    assert np.allclose(best.mean(axis=0), kept.mean[similarities], rtol=0, atol=1e-6), stale
    assert np.allclose(best.std(axis=0), kept.scale[similarities], rtol=0, atol=1e-6), stale
    assert retrained.num_trees() == shipped.booster.num_trees(), stale
    assert data.kinds == shipped.kinds, stale  # the kind table is plain counting: exact

    queries = data.positive_items[FULL]
    fresh = AlignmentModel(booster=retrained, no_match=kept)
    same_top, correlations = 0, []
    for _, rows in queries:
        new, old = fresh.score(rows.features), shipped.score(rows.features)
        same_top += int(np.argmax(new) == np.argmax(old))
        if len(new) > 1:
            correlations.append(float(np.corrcoef(new, old)[0, 1]))
    assert same_top >= 0.95 * len(queries), f"top-1 agrees on {same_top}/{len(queries)}; {stale}"
    assert np.mean(correlations) >= 0.95, stale


def test_a_new_glossary_against_atlas(bundle_index: LabelIndex) -> None:
    injection = SourceTerm(
        "urn:new:1",
        "Hidden instructions in retrieved pages",
        "A web page or document the assistant reads carries commands that the language model "
        "then follows instead of the user's request.",
    )
    deployer = SourceTerm(
        "urn:new:2",
        "Tender procedure",
        "The formal steps a public authority follows to buy services from a supplier.",
    )
    found, none = rank_candidates(bundle_index, [injection, deployer], "mitre-atlas")

    assert found.is_answered
    assert any(c.concept.iri.startswith(f"{ATLAS}AML.T0051") for c in found.candidates[:3])
    assert found.candidates[0].explanation is not None
    assert not none.is_answered
    assert none.candidates == []


def test_a_threat_is_not_offered_the_controls_that_answer_it(bundle_index: LabelIndex) -> None:
    """ATLAS's mitigations share a threat's words; no review ever matched the two kinds."""
    threat = SourceTerm(
        "urn:new:3",
        "Poisoned training data",
        "An attacker slips crafted records into the data a model is trained on, so that the "
        "model later misbehaves; sanitising and validating training data limits it.",
        kind="threat",
    )
    [typed] = rank_candidates(bundle_index, [threat], "mitre-atlas", k=20, abstain=False)
    [untyped] = rank_candidates(
        bundle_index,
        [SourceTerm(threat.key, threat.label, threat.definition)],
        "mitre-atlas",
        k=20,
        abstain=False,
    )

    assert typed.candidates[0].concept.kind != "control"
    assert all(
        c.concept.kind in {"attack-technique", "tactic", "threat", "vulnerability", "term"}
        for c in typed.candidates
    )
    assert any(c.concept.kind == "control" for c in untyped.candidates)  # nothing known: all kinds
