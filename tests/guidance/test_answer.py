"""Building answers: obligations of a regulation, narrower counterparts, the picture and table
of an answer, over the guidance fixture's facts (changed in memory where a case needs it)."""

from __future__ import annotations

import dataclasses

import pytest

from mosaic.guidance.answer import ask
from mosaic.guidance.facts import Crosswalk, GuidanceFacts, Provenance, read_facts
from mosaic.guidance.models import GuidanceAnswer, Row
from mosaic.guidance.picture import MAX_ROWS, to_svg
from mosaic.rdf.identifiers import load_converter
from mosaic.settings import Settings
from mosaic.sparql.catalog import Catalog
from mosaic.store.protocol import GraphStore
from mosaic.terms.index_holder import LabelIndexHolder
from mosaic.terms.label_index import LabelIndex

AL = "https://w3id.org/mosaic/id/alpha/"
BE = "https://w3id.org/mosaic/id/beta/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@pytest.fixture
def index_and_facts(
    guidance_settings: Settings, guidance_store: GraphStore
) -> tuple[LabelIndex, GuidanceFacts]:
    catalog = Catalog.from_folder(guidance_settings.queries_dir)
    converter = load_converter(guidance_settings.ontology_dir / "prefixes.json")
    index = LabelIndexHolder(guidance_store, catalog, converter, folder=None).current()
    return index, read_facts(guidance_store, catalog)


def rows(answer: GuidanceAnswer) -> dict[str, Row]:
    return {row.members[0].curie or "": row for row in answer.rows}


def test_requirements_of_a_regulation_are_obligations_not_controls(
    index_and_facts: tuple[LabelIndex, GuidanceFacts],
) -> None:
    index, facts = index_and_facts
    law = dataclasses.replace(facts, regulations=frozenset({"beta"}))
    row = rows(ask(index, law, threat="al:T1"))["al:C1"]
    assert [r.curie for r in row.obligations] == ["be:R1"]
    assert row.verified_by == []
    # A law's concept joins a control's sense only as what the control helps meet.
    assert [m.curie for m in row.members] == ["al:C1"]
    plain = rows(ask(index, facts, threat="al:T1"))["al:C1"]
    assert [r.curie for r in plain.verified_by] == ["be:R1"]
    assert plain.obligations == []


def test_a_narrow_match_counterpart_is_a_narrower_threat(
    index_and_facts: tuple[LabelIndex, GuidanceFacts],
) -> None:
    index, facts = index_and_facts
    narrower = Crosswalk(
        AL + "T1", SKOS + "narrowMatch", BE + "B8", Provenance(graph="test", author=None)
    )
    crosswalks = [c for c in facts.crosswalks if c.object != AL + "T1" or c.subject != BE + "B8"]
    changed = GuidanceFacts(facts.statements, [*crosswalks, narrower], facts.incidents, frozenset())
    answer = ask(index, changed, threat="al:T1")
    scope = {c.curie: c.relation for c in answer.scope}
    assert scope["be:B8"] == "narrower"
    assert rows(answer)["be:K3"].members[0].reached == "narrower"
    # A narrower threat's controls are expected of both initiatives: beta's now counts.
    assert rows(answer)["be:K3"].gaps == ["alpha"]


def test_the_picture_draws_at_most_its_rows(
    index_and_facts: tuple[LabelIndex, GuidanceFacts],
) -> None:
    index, facts = index_and_facts
    answer = ask(index, facts, threat="al:T1")
    many = answer.model_copy(update={"rows": answer.rows * 10})
    svg = to_svg(many)
    assert svg.count('<g class="row">') == MAX_ROWS
    assert f"{len(many.rows) - MAX_ROWS} more are in the table" in svg


def test_labels_are_escaped_in_the_picture(
    index_and_facts: tuple[LabelIndex, GuidanceFacts],
) -> None:
    index, facts = index_and_facts
    answer = ask(index, facts, threat="al:T1")
    answer.rows[0].label = '<script>alert("x")</script>'
    svg = to_svg(answer)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
