"""Our alternative labels are package data read by the converters, not Python tables."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from mosaic.loaders import mitre_atlas
from mosaic.loaders.altlabels_data import alt_labels, parse_alt_labels
from mosaic.rdf.vocab import SKOS

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "upstream"
    / "mitre-atlas"
    / "dist"
    / "ATLAS.yaml"
)


def test_the_atlas_labels_come_from_the_shipped_file() -> None:
    shipped = resources.files("mosaic.loaders.altlabels").joinpath("mitre-atlas.yaml")
    assert shipped.is_file()
    labels = alt_labels("mitre-atlas")
    assert labels["AML.T0024.002"] == ("model stealing", "model extraction")
    assert labels == mitre_atlas.ALT_LABELS


def test_an_initiative_without_a_file_has_none() -> None:
    assert alt_labels("no-such-initiative") == {}


@pytest.mark.parametrize(
    "text", ["- a list\n", "X1: one label\n", "X1: []\n", "X1:\n  - ''\n", "X1:\n  - 3\n"]
)
def test_a_malformed_file_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"bad\.yaml: expected a mapping of id to a list"):
        parse_alt_labels(text, "bad.yaml")


def test_the_converter_writes_the_labels_it_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mitre_atlas, "ALT_LABELS", {"AML.T9000": ("first", "second")})
    result = mitre_atlas.convert(str(FIXTURE))
    written = [
        str(t.object)
        for t in result.triples
        if t.subject == mitre_atlas.ATLAS["AML.T9000"] and t.predicate == SKOS["altLabel"]
    ]
    assert sorted(written) == ['"first"@en', '"second"@en']
