"""``mosaic token list`` and ``mosaic token remove``; a removed token is refused at once by a
running server (a real uvicorn on 127.0.0.1), and its refused write changes nothing."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from mosaic.cli import cli
from tests.conftest import DATA
from tests.live_server import live_server


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def add(runner: CliRunner, path: Path, name: str, *options: str) -> str:
    code, out, err = run(runner, "token", "add", name, *options, "--tokens-file", str(path))
    assert code == 0, err
    return out.strip()


def test_token_list_shows_the_tokens_without_secrets(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    ann = add(runner, path, "Ann", "--role", "maintainer", "--initiative", "alpha")
    root = add(runner, path, "Root", "--role", "admin")
    code, out, err = run(runner, "token", "list", "--tokens-file", str(path))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "INITIATIVES", "CREATED", "LAST", "USED"]
    assert lines[1].split()[:3] == ["Ann", "maintainer", "alpha"]
    assert lines[1].split()[-1] == "never"
    assert lines[2].split()[:3] == ["Root", "admin", "(all)"]
    for secret in (ann, root, "sha256"):
        assert secret not in out
    code, out, _ = run(runner, "token", "list", "--tokens-file", str(path), "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert [t["name"] for t in listed] == ["Ann", "Root"]
    assert set(listed[0]) == {"name", "role", "initiatives", "orcid", "created", "last_used"}


def test_token_remove_of_an_unknown_name_is_one_line_exit_2(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    add(runner, path, "Ann", "--role", "admin")
    before = path.read_bytes()
    code, out, err = run(runner, "token", "remove", "Bob", "--tokens-file", str(path))
    assert code == 2
    assert out == ""
    assert err == f"mosaic:0:0: no token named 'Bob' in {path} (known: Ann)\n"
    assert path.read_bytes() == before


def put_gamma(base: str, token: str, body: bytes) -> int:
    request = urllib.request.Request(
        base + "/initiatives/gamma/graph",
        data=body,
        method="PUT",
        headers={"content-type": "text/csv", "authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


@pytest.mark.slow
def test_a_removed_token_is_refused_at_once_by_a_running_server(
    runner: CliRunner, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    token = add(runner, tokens, "Ann", "--role", "admin")
    csv = (DATA / "csv/good.csv").read_bytes()
    with live_server(tmp_path / "store", env={"MOSAIC_TOKENS_FILE": str(tokens)}) as server:
        assert put_gamma(server.base, token, csv) == 201
        code, out, _ = run(runner, "token", "list", "--tokens-file", str(tokens))
        assert code == 0
        assert "never" not in out.splitlines()[1]  # the write was recorded as a use
        graph = get(server.base + "/initiatives/gamma/graph?format=nquads")
        code, out, err = run(runner, "token", "remove", "Ann", "--tokens-file", str(tokens))
        assert code == 0, err
        assert out == f"removed 1 token of Ann from {tokens}\n"
        changed = csv.replace(b"Data poisoning", b"Data tampering")
        assert put_gamma(server.base, token, changed) == 401
        assert get(server.base + "/initiatives/gamma/graph?format=nquads") == graph
