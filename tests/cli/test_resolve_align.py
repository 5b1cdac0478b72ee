from __future__ import annotations

import io
import json

import pytest
import sssom_pydantic
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(); point it at the test bundle and a temporary store."""
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["resolve", "align"])
def test_commands_have_help(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0
    assert "--store" in out and "--format" in out


def test_resolve_prints_senses_and_matches(runner: CliRunner) -> None:
    code, out, err = run(runner, "resolve", "PI")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "sense al:A1: Prompt injection (alpha)"
    assert lines[1].split() == [
        "0.98",
        "exact",
        "al:A1",
        "Prompt",
        "injection",
        "[alpha,",
        "threat]",
        "via",
        "altLabel",
        "'PI'",
    ]


def test_resolve_as_json_is_the_api_model(runner: CliRunner) -> None:
    code, out, _ = run(runner, "resolve", "prompt injection", "--format", "json", "--limit", "2")
    assert code == 0
    body = json.loads(out)
    assert body["limit"] == 2
    assert body["senses"][0]["concepts"][0]["curie"] == "al:A1"
    assert sum(len(s["concepts"]) for s in body["senses"]) == 2


def test_resolve_with_no_match_says_so_on_stderr(runner: CliRunner) -> None:
    code, out, err = run(runner, "resolve", "xyzzy frobnicate")
    assert (code, out) == (0, "")
    assert "no concept matches 'xyzzy frobnicate'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resolve", "  "], "<term>:0:0: TERM must not be empty"),
        (
            ["resolve", "prompt", "--limit", "0"],
            "mosaic resolve: Invalid value for '--limit': 0 is not in the range 1<=x<=100.",
        ),
        (
            ["resolve", "prompt", "--kind", "nope"],
            "mosaic resolve: Invalid value for '--kind': 'nope' is not one of",
        ),
        (["resolve", "prompt", "--initiative", "omega"], "<term>:0:0: unknown initiative 'omega'"),
        (["align", "alpha", "omega"], "<align>:0:0: unknown initiative 'omega'"),
        (
            ["align", "alpha", "beta", "--min-score", "2"],
            "mosaic align: Invalid value for '--min-score': 2.0 is not in the range 0.0<=x<=1.0.",
        ),
    ],
)
def test_bad_argument_is_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    code, out, err = run(runner, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(message)


def test_align_writes_valid_sssom_tsv(runner: CliRunner) -> None:
    code, out, err = run(runner, "align", "alpha", "beta", "--min-score", "0.5")
    assert code == 0, err
    mappings, _converter, mapping_set, errors = sssom_pydantic.read(
        io.StringIO(out), return_errors=True
    )
    assert errors == []
    assert str(mapping_set.id).endswith("/candidates/alpha-beta")
    assert (mappings[0].subject.curie, mappings[0].object.curie) == ("al:A1", "be:B7")


def test_align_defaults_to_the_ranker_and_lists_gaps_on_request(runner: CliRunner) -> None:
    code, out, _ = run(runner, "align", "alpha", "beta", "--format", "json")
    assert code == 0
    body = json.loads(out)
    assert body["per_concept"] == 5 and body["items"]
    for item in body["items"]:
        assert item["mapping_justification"] == "semapv:CompositeMatching"
        assert item["reasons"]
        assert item["object_id"] != "sssom:NoTermFound"
    code, out, _ = run(runner, "align", "alpha", "beta", "--format", "json", "--include-no-match")
    assert code == 0
    listed = json.loads(out)
    gaps = [i for i in listed["items"] if i["object_id"] == "sssom:NoTermFound"]
    assert len(gaps) == listed["no_match"] == body["no_match"] >= 1
    assert not {i["subject_id"] for i in gaps} & {i["subject_id"] for i in body["items"]}


def test_align_min_score_drops_weaker_rows(runner: CliRunner) -> None:
    code, out, _ = run(runner, "align", "alpha", "beta", "--format", "json")
    every = json.loads(out)["items"]
    cut = max(item["confidence"] for item in every)
    code, out, _ = run(
        runner, "align", "alpha", "beta", "--format", "json", "--min-score", str(cut)
    )
    assert code == 0
    kept = json.loads(out)["items"]
    assert kept and all(item["confidence"] >= cut for item in kept)
    assert len(kept) < len(every)


def test_align_json_honours_per_concept_and_limit(runner: CliRunner) -> None:
    code, out, _ = run(
        runner,
        "align",
        "alpha",
        "beta",
        "--format",
        "json",
        "--min-score",
        "0",
        "--per-concept",
        "1",
        "--limit",
        "2",
    )
    assert code == 0
    body = json.loads(out)
    assert (body["per_concept"], body["limit"], len(body["items"])) == (1, 2, 2)
    subjects = [item["subject_id"] for item in body["items"]]
    assert len(subjects) == len(set(subjects))
    assert body["total"] >= 2


def test_align_without_the_trained_model_exits_2(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mosaic.errors import ModelUnavailableError
    from mosaic.terms import ranking

    def missing() -> None:
        raise ModelUnavailableError("ranker.txt is missing; run mosaic train")

    monkeypatch.setattr(ranking, "shipped_model", missing)
    code, out, err = run(runner, "align", "alpha", "beta", "--format", "json")
    assert code == 2
    assert out == ""
    assert "ranker.txt is missing" in err
