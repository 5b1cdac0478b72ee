"""The shipped model over the real bundle: reproducible from it, and sensible on new terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaic.cli.train import seeded_index
from mosaic.terms.label_index import LabelIndex
from mosaic.terms.model import MODELS_DIR, NO_MATCH_FILE, RANKER_FILE, save_model
from mosaic.terms.ranking import rank_candidates
from mosaic.terms.sides import SourceTerm
from mosaic.terms.train import train

pytestmark = pytest.mark.slow
ATLAS = "https://w3id.org/mosaic/id/mitre-atlas/"


@pytest.fixture(scope="module")
def bundle_index() -> LabelIndex:
    return seeded_index()


def test_training_on_the_bundle_reproduces_the_shipped_files(
    bundle_index: LabelIndex, tmp_path: Path
) -> None:
    run = train(bundle_index)
    save_model(run.model, tmp_path)

    for name in (RANKER_FILE, NO_MATCH_FILE):
        assert (tmp_path / name).read_bytes() == (MODELS_DIR / name).read_bytes(), (
            f"{name} differs: run `mosaic train` and commit the model files"
        )


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
