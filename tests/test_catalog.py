from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic.errors import NotFoundError, ParameterError
from mosaic.rdf.sparql_text import bind_values, is_update, query_form
from mosaic.rdf.terms import term_text
from mosaic.sparql.catalog import Catalog, CatalogError, read_query
from mosaic.store.protocol import GraphStore
from tests.paths import PROJECT_ROOT

QUERIES = PROJECT_ROOT / "queries"
ALL_FILES = sorted(QUERIES.glob("*.rq")) + sorted((QUERIES / "internal").glob("*.rq"))
SAMPLE_VALUES = {
    "iri": "https://w3id.org/mosaic/graph/alpha",
    "string": "alpha",
    "integer": "3",
    "boolean": "true",
}


def projected_variables(sparql: str) -> set[str]:
    select = re.search(r"SELECT\s+(.*?)\s+WHERE", sparql, re.S | re.I)
    assert select is not None
    return set(re.findall(r"\?(\w+)", select.group(1)))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_query_has_header_parses_and_projects_its_params(
    path: Path, store: GraphStore
) -> None:
    query = read_query(path, internal=path.parent.name == "internal")
    assert query.summary
    values = {p.name: SAMPLE_VALUES[p.type] for p in query.params if p.required}
    if is_update(query.sparql):
        # Updates take their values by a VALUES block (pyoxigraph's update has no substitutions).
        assert path.parent.name == "internal" and not query.returns
        store.update(bind_values(query.sparql, query.bind(values)))
        return
    if query_form(query.sparql) != "SELECT":
        # ASK and CONSTRUCT bind any variable of their pattern and project none.
        assert not query.returns
        store.run(query.sparql, query.bind(values))
        return
    variables = projected_variables(query.sparql)
    for param in query.params:
        # pyoxigraph substitutions only bind projected variables.
        assert param.name in variables, f"{path.name}: parameter {param.name} is not projected"
    for column in query.returns:
        assert column in variables, f"{path.name}: returns {column} is not projected"
    store.select(query.sparql, query.bind(values))


def test_catalog_lists_public_queries_only() -> None:
    catalog = Catalog.from_folder(QUERIES)
    public = {q.name for q in catalog.public()}
    assert "concepts-by-initiative" in public
    assert "concept-statements" not in public
    assert "concept-statements" in catalog
    with pytest.raises(NotFoundError):
        catalog.public_query("concept-statements")


def test_named_query_runs_with_bound_parameter(store: GraphStore) -> None:
    query = Catalog.from_folder(QUERIES)["concepts-by-initiative"]
    rows = store.select(query.sparql, query.bind({"initiative": "alpha"}))
    assert [term_text(r["notation"]) for r in rows] == ["A1", "A1.1", "A2"]
    kinds = {term_text(r["notation"]): term_text(r["kind"]) for r in rows if "kind" in r}
    assert kinds["A1"] == "https://w3id.org/mosaic/ontology#Threat"


def test_binding_checks_values(store: GraphStore) -> None:
    query = Catalog.from_folder(QUERIES)["concepts-by-initiative"]
    with pytest.raises(ParameterError, match="needs parameter"):
        query.bind({})
    with pytest.raises(ParameterError, match="no parameter"):
        query.bind({"initiative": "a", "other": "b"})
    injection = '"} ; DROP ALL ; SELECT * {'
    rows = store.select(query.sparql, query.bind({"initiative": injection}))
    assert rows == []


def test_missing_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(CatalogError, match="header"):
        read_query(path, internal=False)


def test_unknown_param_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.rq"
    path.write_text(
        "#+ summary: x\n#+ params:\n#+   - name: a\n#+     type: date\nSELECT ?a WHERE { ?a ?p ?o }"
    )
    with pytest.raises(CatalogError, match="unknown type"):
        read_query(path, internal=False)


@pytest.mark.parametrize(
    ("kind", "raw"), [("iri", "not an iri"), ("integer", "x"), ("boolean", "maybe")]
)
def test_typed_parameters_reject_bad_values(tmp_path: Path, kind: str, raw: str) -> None:
    path = tmp_path / "x.rq"
    path.write_text(
        f"#+ summary: x\n#+ params:\n#+   - name: a\n#+     type: {kind}\nSELECT ?a WHERE {{ ?a ?p ?o }}"
    )
    with pytest.raises(ParameterError):
        read_query(path, internal=False).bind({"a": raw})
    assert isinstance(
        read_query(path, internal=False).bind({"a": SAMPLE_VALUES[kind]})["a"],
        ox.NamedNode | ox.Literal,
    )


def test_internal_updates_run_joined_in_one_request(store: GraphStore) -> None:
    # The store appends the write-stamp update to others with ";" in one request, and pyoxigraph
    # refuses a PREFIX after a ";": every internal update must parse when joined after another.
    catalog = Catalog.from_folder(QUERIES)
    updates = [q for name, q in catalog.items() if is_update(q.sparql)]
    assert len(updates) >= 2
    texts = []
    for query in updates:
        values = {p.name: SAMPLE_VALUES[p.type] for p in query.params if p.required}
        texts.append(bind_values(query.sparql, query.bind(values)))
    store.update(" ;\n".join(texts + texts))
