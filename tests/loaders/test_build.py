"""The one build command of the upstream converters (``python -m mosaic.loaders.build``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mosaic import resources
from mosaic.loaders import build
from mosaic.loaders.bundle_build import write_bundle
from mosaic.loaders.upstream import UPSTREAM_FORMATS
from mosaic.rdf.source import LoadResult
from mosaic.rdf.vocab import SKOS, concept_namespace


@pytest.mark.parametrize("name", sorted(UPSTREAM_FORMATS))
def test_each_format_builds_into_its_initiative_bundle(name: str, tmp_path: Path) -> None:
    fmt = UPSTREAM_FORMATS[name]
    bundle = build.build_bundle(name, str(tmp_path / "absent"))
    expected = resources.bundle_dir() / fmt.initiative_id / f"{fmt.initiative_id}.ttl"
    assert bundle.output == expected
    assert concept_namespace(fmt.initiative_id).iri in bundle.prefixes.values()
    assert bundle.result.issues  # nothing to read there


def test_a_clean_result_is_written_with_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ns = concept_namespace("example")
    result = LoadResult(
        "example.ttl", "turtle", triples=[ox.Triple(ns["a"], SKOS["inScheme"], ns["scheme"])]
    )
    output = tmp_path / "new" / "out.ttl"
    assert write_bundle(result, output, {"ex": ns.iri}) == 0
    assert "ex:a skos:inScheme ex:scheme" in output.read_text(encoding="utf-8")
    assert capsys.readouterr().out == f"wrote {output}: 1 concepts, 1 triples\n"


@pytest.mark.parametrize("argv", [[], ["atlas"], ["no-such-format", "somewhere"]])
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build.main(argv)
    assert exc.value.code == 2
    assert "usage: python -m mosaic.loaders.build" in capsys.readouterr().err


def test_upstream_errors_are_listed_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.ttl"
    assert build.main(["avid", str(tmp_path / "absent"), "-o", str(output)]) == 1
    assert not output.exists()
    err = capsys.readouterr().err
    assert any(line.startswith("error: ") for line in err.splitlines())
    assert err.endswith(f"error(s); {output} not written\n")
