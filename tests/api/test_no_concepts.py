"""An upload that defines no concept is refused the same way on every path.

``POST /validate``, ``PUT /initiatives/{id}/graph``, ``mosaic load`` and ``mosaic validate FILE``
all answer an empty body, a header-only CSV or Turtle without any ``skos:Concept`` with the
``no-concepts`` problem (HTTP 400) or exit code 2 and one ``file:line:column: message`` line,
and the store is left as it was.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from mosaic.access.tokens import add_token
from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.store.protocol import GraphStore
from tests.conftest import DATA
from tests.paths import PROJECT_ROOT

PROBLEM = "application/problem+json"
NO_CONCEPTS = DATA / "rdf" / "no-concepts.ttl"
HEADER_ONLY = DATA / "csv" / "header-only.csv"
MESSAGE = "defines no concept"

UPLOADS = [
    pytest.param(b"", "text/turtle", id="empty-turtle"),
    pytest.param(b"", "application/n-triples", id="empty-ntriples"),
    pytest.param(NO_CONCEPTS.read_bytes(), "text/turtle", id="scheme-only-turtle"),
    pytest.param(HEADER_ONLY.read_bytes(), "text/csv", id="header-only-csv"),
]


def quads(store: GraphStore) -> list[str]:
    return sorted(str(q) for q in store.all_quads())


def assert_no_concepts_problem(response_status: int, body: dict[str, object]) -> None:
    assert response_status == 400, body
    assert body["type"] == "https://w3id.org/mosaic/problems/no-concepts"
    assert MESSAGE in str(body["detail"])


@pytest.mark.parametrize(("body", "media_type"), UPLOADS)
def test_validate_refuses_an_upload_without_concepts(
    client: TestClient, body: bytes, media_type: str
) -> None:
    params = {"initiative": "alpha"} if media_type == "text/csv" else {}
    response = client.post(
        "/validate", content=body, headers={"content-type": media_type}, params=params
    )
    assert response.headers["content-type"] == PROBLEM
    assert_no_concepts_problem(response.status_code, response.json())


def test_validate_of_a_document_with_a_concept_still_answers_a_report(client: TestClient) -> None:
    body = (DATA / "bundle" / "alpha" / "alpha.ttl").read_bytes()
    response = client.post("/validate", content=body, headers={"content-type": "text/turtle"})
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is True


@pytest.mark.parametrize(("body", "media_type"), UPLOADS)
def test_put_graph_refuses_an_upload_without_concepts_and_keeps_the_graph(
    writer: TestClient, store: GraphStore, tokens_file: Path, body: bytes, media_type: str
) -> None:
    token = add_token(tokens_file, "Ann Maintainer", "maintainer", ["alpha"])
    before = quads(store)
    response = writer.put(
        "/initiatives/alpha/graph",
        content=body,
        headers={"content-type": media_type, "authorization": f"Bearer {token}"},
    )
    assert response.headers["content-type"] == PROBLEM
    assert_no_concepts_problem(response.status_code, response.json())
    assert quads(store) == before


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)
    return settings


def invoke(runner: CliRunner, args: list[str]) -> Result:
    gc.collect()  # the store object of the previous command lets its RocksDB lock go
    return runner.invoke(cli, args)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["load", str(NO_CONCEPTS), "--initiative", "alpha"], id="load-turtle"),
        pytest.param(["load", str(HEADER_ONLY), "--initiative", "alpha"], id="load-csv"),
        pytest.param(["validate", str(NO_CONCEPTS)], id="validate-turtle"),
        pytest.param(["validate", str(NO_CONCEPTS), "--initiative", "alpha"], id="validate-as"),
        pytest.param(["validate", str(HEADER_ONLY), "--initiative", "alpha"], id="validate-csv"),
    ],
)
@pytest.mark.usefixtures("cli_settings")
def test_cli_refuses_a_file_without_concepts_with_exit_2(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    before = invoke(runner, ["export", "-o", str(tmp_path / "before.nq"), "--format", "nquads"])
    assert before.exit_code == 0, before.stderr
    result = invoke(runner, args)
    code, stderr = result.exit_code, result.stderr
    del result  # its traceback holds the command's store open
    assert code == 2, stderr
    (line,) = stderr.strip().splitlines()
    assert line.startswith(f"{args[1]}:0:0: ")
    assert MESSAGE in line
    after = invoke(runner, ["export", "-o", str(tmp_path / "after.nq"), "--format", "nquads"])
    assert after.exit_code == 0, after.stderr
    assert sorted((tmp_path / "before.nq").read_text().splitlines()) == sorted(
        (tmp_path / "after.nq").read_text().splitlines()
    )


@pytest.mark.usefixtures("cli_settings")
def test_cli_load_of_an_empty_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(b"")
    result = invoke(runner, ["load", str(empty), "--initiative", "newcomer"])
    assert result.exit_code == 2, result.output
    assert f"{empty}:0:0: " in result.stderr and MESSAGE in result.stderr


README = PROJECT_ROOT / "README.md"
EXAMPLES = PROJECT_ROOT / "docs" / "examples"


def test_the_readme_uploads_files_the_project_ships() -> None:
    text = README.read_text(encoding="utf-8")
    uploaded = re.findall(r"--data-binary @(\S+)", text)
    loaded = re.findall(r"^mosaic (?:load|validate) (\S+\.(?:csv|ttl))", text, re.MULTILINE)
    assert uploaded and loaded
    for name in uploaded + loaded:
        assert (PROJECT_ROOT / name).is_file(), name


def test_the_example_glossaries_validate_and_load(writer: TestClient, tokens_file: Path) -> None:
    turtle = (EXAMPLES / "glossary.ttl").read_bytes()
    response = writer.post("/validate", content=turtle, headers={"content-type": "text/turtle"})
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is True
    token = add_token(tokens_file, "Jane Doe", "maintainer", ["my-initiative"])
    response = writer.put(
        "/initiatives/my-initiative/graph",
        content=(EXAMPLES / "glossary.csv").read_bytes(),
        headers={"content-type": "text/csv", "authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["concepts"]["added"]) == 4
