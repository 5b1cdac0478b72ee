"""``mosaic lint``: formats, exit codes (0 clean, 1 findings at --fail-on, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.dataset.seed import ensure_seeded
from mosaic.settings import Settings, get_settings
from mosaic.store.embedded import open_store
from tests.annotate_data import DRAFTS, load_lexicons


@pytest.fixture(autouse=True)
def _lexicon_store(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads get_settings(): the test bundle with lexnew and lexold, in a closed store."""
    store = open_store(settings.store_path, settings.base_iri)
    ensure_seeded(store, settings)
    load_lexicons(store, settings)
    store.close()
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["lint", *args])
    return result.exit_code, result.stdout, result.stderr


def draft(name: str) -> str:
    return str(DRAFTS / name)


def test_help_names_the_formats_and_fail_on(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    assert "--fail-on" in out and "sarif" in out


def test_a_clean_draft_exits_0(runner: CliRunner) -> None:
    code, out, err = run(runner, draft("clean.md"), "--fail-on", "note")
    assert (code, out) == (0, "")
    assert err.strip() == "0 errors, 0 warnings, 0 notes in 1 file"


def test_an_error_exits_1_with_file_line_column_lines(runner: CliRunner) -> None:
    code, out, _ = run(runner, draft("unknown-identifier.md"))
    assert code == 1
    assert out.splitlines() == [
        f"{draft('unknown-identifier.md')}:1:5: error unknown-identifier LXN.9999 is not an "
        "identifier of any concept; lexnew uses LXN.1001 to LXN.1010"
    ]


def test_fail_on_decides_which_findings_fail(runner: CliRunner) -> None:
    # non-preferred.md has two warnings and a note, no error.
    assert run(runner, draft("non-preferred.md"))[0] == 0
    assert run(runner, draft("non-preferred.md"), "--fail-on", "warning")[0] == 1
    assert run(runner, draft("unlinked.md"), "--fail-on", "warning")[0] == 0
    assert run(runner, draft("unlinked.md"), "--fail-on", "note")[0] == 1


def test_several_files_in_one_report(runner: CliRunner) -> None:
    code, out, err = run(
        runner, draft("clean.md"), draft("unknown-identifier.md"), "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert [f["file"] for f in report["files"]] == [
        draft("clean.md"),
        draft("unknown-identifier.md"),
    ]
    assert report["counts"]["error"] == 1
    assert "in 2 files" in err


def test_sarif_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "lint.sarif"
    code, out, _ = run(runner, draft("non-preferred.md"), "--format", "sarif", "-o", str(target))
    assert (code, out) == (0, "")
    log = json.loads(target.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    assert {r["ruleId"] for r in log["runs"][0]["results"]} == {"non-preferred-name"}


def test_plain_text_and_html_by_extension_or_option(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>See <code>LXN.9999</code> and LXN.9998.</p>", encoding="utf-8")
    code, out, _ = run(runner, str(page))
    assert code == 1 and [line.split(": ")[1] for line in out.splitlines()] == [
        "error unknown-identifier LXN.9998 is not an identifier of any concept; lexnew uses "
        "LXN.1001 to LXN.1010"
    ]
    # Read as plain text, the code element's identifier counts too.
    code, out, _ = run(runner, str(page), "--input-format", "text")
    assert len(out.splitlines()) == 2


def test_stdin(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["lint", "-", "--format", "json"], input="LXN.9999\n")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"][0]["file"] == "-"


def test_missing_and_undecodable_files_exit_2_naming_each(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"fine\nnot \xff fine\n")
    missing = tmp_path / "missing.md"
    code, out, err = run(runner, str(bad), str(missing), draft("clean.md"))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{bad}:2:5: not valid utf-8 text (byte 0xff)",
        f"{missing}:0:0: No such file or directory",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-on", "fatal"], "--fail-on"),
        (["--format", "pdf"], "--format"),
        (["--initiative", "Not An Id"], "invalid initiative id"),
    ],
)
def test_bad_options_exit_2_in_one_line(runner: CliRunner, args: list[str], message: str) -> None:
    code, _, err = run(runner, draft("clean.md"), *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err


def test_an_unknown_initiative_exits_2(runner: CliRunner) -> None:
    code, _, err = run(runner, draft("clean.md"), "--initiative", "nobody")
    assert code == 2
    assert "unknown initiative 'nobody'" in err
