"""The README's "A short tour" runs as written, against a real server over the bundled data.

Each ``curl`` command of the tour's shell block is run (with curl, and replayed with httpx2 from
the parsed command line, the way a machine without curl would) against ``mosaic serve`` on
127.0.0.1 over a store seeded with the bundled initiatives; it must answer a 2xx, or the 4xx
its comment documents (``# 404 ...``). ``$TOKEN`` is a token the test writes, as the tour's
comment says to make one. So a README example that rots fails the tests.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest

from mosaic.access.tokens import add_token
from tests.live_server import LiveServer, live_server
from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

README = PROJECT_ROOT / "README.md"
README_BASE = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class TourCommand:
    """One command of the tour: its words (as the shell splits them) and the status expected."""

    line: str
    words: list[str]
    expected: int | None  # None: any 2xx


def tour_block(text: str) -> list[str]:
    """The lines of the first ``sh`` block under the "A short tour" heading."""
    section = text.split("## A short tour", 1)[1]
    block = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    return block.splitlines()


def tour_commands(text: str) -> list[TourCommand]:
    """The tour's commands: comment lines dropped, continued lines joined, ``open`` skipped."""
    lines = [
        line for line in tour_block(text) if line.strip() and not line.lstrip().startswith("#")
    ]
    joined: list[str] = []
    pending = ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    commands = []
    for line in joined:
        words = shlex.split(line, comments=True)
        if words[0] == "open":
            continue
        comment = line.split("  #", 1)[1] if "  #" in line else ""
        documented = re.match(r"\s*(4\d\d)\b", comment)
        commands.append(TourCommand(line, words, int(documented[1]) if documented else None))
    return commands


COMMANDS = tour_commands(README.read_text(encoding="utf-8"))


def test_the_tour_is_parsed_whole() -> None:
    assert len(COMMANDS) >= 25
    assert all(c.words[0] == "curl" for c in COMMANDS)
    assert [c.expected for c in COMMANDS if c.expected is not None] == [404, 400]
    assert any("$TOKEN" in " ".join(c.words) for c in COMMANDS)


@dataclass
class Tour:
    server: LiveServer
    token: str
    folder: Path

    def words(self, command: TourCommand) -> list[str]:
        """The command's words for this server and token, without an output redirection."""
        words = list(command.words[1:])
        if ">" in words:
            at = words.index(">")
            del words[at : at + 2]
        return [
            w.replace(README_BASE, self.server.base).replace("$TOKEN", self.token) for w in words
        ]


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    """A server over the bundled data (the seeded default store), with a tokens file."""
    folder = tmp_path_factory.mktemp("tour")
    tokens = folder / "tokens.json"
    token = add_token(tokens, "Jane Doe", "maintainer", ["my-initiative", "owasp-llm-top10-2025"])
    env = {
        "MOSAIC_ONTOLOGY_DIR": str(PROJECT_ROOT / "ontology"),
        "MOSAIC_DATA_DIR": str(PROJECT_ROOT / "loaders" / "data"),
        "MOSAIC_TOKENS_FILE": str(tokens),
    }
    with live_server(folder / "store", env) as server:
        yield Tour(server, token, folder)


def assert_status(command: TourCommand, status: int, body: bytes) -> None:
    if command.expected is not None:
        assert status == command.expected, (command.line, status, body[:500])
    else:
        assert 200 <= status < 300, (command.line, status, body[:500])


@contextmanager
def server_log_on_failure(server: LiveServer, lines: int = 40) -> Iterator[None]:
    """Add the end of the server's log to a failed assertion: what it did before answering."""
    try:
        yield
    except AssertionError as exc:
        tail = "\n".join(server.log_text().splitlines()[-lines:])
        raise AssertionError(f"{exc}\n--- server log, last {lines} lines ---\n{tail}") from None


@pytest.mark.parametrize("command", COMMANDS, ids=[c.line[:70] for c in COMMANDS])
def test_each_tour_command_answers_as_documented_with_curl(
    tour: Tour, command: TourCommand
) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed; the httpx2 replay below runs the same commands")
    out = tour.folder / "body"
    done = subprocess.run(
        [curl, "-sS", "-o", str(out), "-w", "%{http_code}", *tour.words(command)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (command.line, done.stderr)
    with server_log_on_failure(tour.server):
        assert_status(command, int(done.stdout), out.read_bytes())


def replay(words: list[str]) -> httpx2.Request:
    """The request a curl command line sends (-H, -G, -X, --data, --data-urlencode,
    --data-binary @file), built as curl builds it."""
    headers: list[tuple[str, str]] = []
    data: list[bytes] = []
    method: str | None = None
    as_query = False
    url = ""
    items = iter(words)
    for word in items:
        if word == "-H":
            name, _, value = next(items).partition(":")
            headers.append((name.strip(), value.strip()))
        elif word == "-G":
            as_query = True
        elif word == "-X":
            method = next(items)
        elif word in ("--data", "-d", "--data-binary"):
            value = next(items)
            if value.startswith("@"):
                raw = (PROJECT_ROOT / value[1:]).read_bytes()
                data.append(raw if word == "--data-binary" else raw.replace(b"\n", b""))
            else:
                data.append(value.encode())
        elif word == "--data-urlencode":
            name, sep, value = next(items).partition("=")
            encoded = urllib.parse.quote_plus(value) if sep else urllib.parse.quote_plus(name)
            data.append(f"{name}={encoded}".encode() if sep else encoded.encode())
        elif word.startswith("-"):
            raise AssertionError(f"the replay does not know curl's {word}")
        else:
            url = word
    body = b"&".join(data)
    if as_query:
        url += ("&" if "?" in url else "?") + body.decode()
        body = b""
    if body and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    verb = method or ("POST" if body else "GET")
    return httpx2.Request(verb, url, headers=headers, content=body or None)


@pytest.mark.parametrize("command", COMMANDS, ids=[c.line[:70] for c in COMMANDS])
def test_each_tour_command_answers_as_documented_replayed_with_httpx2(
    tour: Tour, command: TourCommand
) -> None:
    with httpx2.Client(timeout=120) as client:
        response = client.send(replay(tour.words(command)))
    with server_log_on_failure(tour.server):
        assert_status(command, response.status_code, response.content)
