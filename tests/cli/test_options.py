"""Every option is checked before any work: a bad value is one line and exit code 2, and the
store is not even opened; ``--help`` states each range."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from mosaic.settings import Settings, get_settings
from mosaic.terms.align import MAX_LIMIT, MAX_PER_CONCEPT
from mosaic.terms.resolve import MAX_LIMIT as RESOLVE_MAX_LIMIT


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    monkeypatch.setattr("mosaic.cli.context.get_settings", lambda: settings)


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["align", "alpha", "beta", "--limit", "100000"],
            f"mosaic align: Invalid value for '--limit': 100000 is not in the range "
            f"1<=x<={MAX_LIMIT}.",
        ),
        (["align", "alpha", "beta", "--limit", "0"], "'--limit': 0 is not in the range"),
        (
            ["align", "alpha", "beta", "--per-concept", str(MAX_PER_CONCEPT + 1)],
            f"'--per-concept': {MAX_PER_CONCEPT + 1} is not in the range",
        ),
        (["align", "alpha", "beta", "--min-score", "-0.1"], "'--min-score': -0.1 is not in"),
        (["align", "Alpha", "beta"], "Invalid value for 'SOURCE': invalid initiative id 'Alpha'"),
        (["align", "alpha", "beta", "--limit", "many"], "'many' is not a valid integer"),
        (["resolve", "x", "--limit", str(RESOLVE_MAX_LIMIT + 1)], "'--limit': 101 is not in"),
        (["resolve", "x", "--initiative", "a b"], "'--initiative': invalid initiative id"),
        (["serve", "--port", "70000"], "'--port': 70000 is not in the range 1<=x<=65535."),
        (["serve", "--port", "0"], "'--port': 0 is not in the range"),
        (["serve", "--workers", "0"], "'--workers': 0 is not in the range 1<=x<=64."),
        (["serve", "--query-timeout", "0"], "'--query-timeout': 0.0 is not in the range"),
        (["serve", "--query-workers", "65"], "'--query-workers': 65 is not in the range"),
        (["serve", "--store-url", "ftp://x"], "invalid setting: store_url"),
        (["load", "x.ttl", "--initiative", "../x"], "'--initiative': invalid initiative id"),
        (["load", "x.tsv", "--mapping-set", "A"], "'--mapping-set': invalid mapping set id"),
        (["load", "x.ttl", "--initiative", "g", "--input-format", "yaml"], "'--input-format'"),
        (["export", "--initiative", "No"], "'--initiative': invalid initiative id 'No'"),
        (["export", "--mappings", "--mapping-set", "a_b"], "'--mapping-set': invalid"),
        (["validate", "--initiative", "x_y"], "'--initiative': invalid initiative id"),
        (["validate", "--format", "yaml"], "'--format': 'yaml' is not one of"),
        (["query", "ASK {}", "--format", "yaml"], "'--format': 'yaml' is not one of"),
        (["token", "add", "Ann", "--role", "admin", "--initiative", "X"], "invalid initiative"),
        (["token", "add", "Ann", "--role", "owner"], "'--role': 'owner' is not one of"),
        (["align", "alpha", "beta", "--no-such-option"], "No such option '--no-such-option'"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_bad_option_is_one_line_exit_2_before_any_work(
    runner: CliRunner, settings: Settings, args: list[str], message: str
) -> None:
    code, out, err = run(runner, *args)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("mosaic")
    assert message in err
    assert not settings.store_path.exists()  # nothing was opened, seeded or computed


@pytest.mark.parametrize(
    ("command", "ranges"),
    [
        (["align"], [f"1<=x<={MAX_LIMIT}", f"1<=x<={MAX_PER_CONCEPT}", "0.0<=x<=1.0"]),
        (["resolve"], [f"1<=x<={RESOLVE_MAX_LIMIT}"]),
        (["serve"], ["1<=x<=65535", "1<=x<=64", "0<x<=3600"]),
    ],
)
def test_help_states_every_range(runner: CliRunner, command: list[str], ranges: list[str]) -> None:
    code, out, _ = run(runner, *command, "--help")
    assert code == 0
    flat = " ".join(out.split())
    for text in ranges:
        assert text in flat
