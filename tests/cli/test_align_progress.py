"""``mosaic align`` shows progress on stderr when it is a terminal, and its stdout (the SSSOM
TSV) is byte for byte the same with the progress bar, with ``--quiet`` and with no terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import DATA

pytestmark = pytest.mark.slow


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        "MOSAIC_ONTOLOGY_DIR": str(DATA / "ontology"),
        "MOSAIC_DATA_DIR": str(DATA / "bundle"),
        "MOSAIC_STORE": str(tmp_path / "store"),
        "MOSAIC_AUDIT_LOG": "",
        "PATH": "/usr/bin:/bin",
        "TERM": "xterm",
        "COLUMNS": "100",
    }


def _align(tmp_path: Path, *options: str, terminal: bool) -> tuple[bytes, bytes]:
    """Run ``mosaic align alpha beta``; stderr on a pseudo-terminal when ``terminal``."""
    command = [sys.executable, "-m", "app", "align", "alpha", "beta", *options]
    env = _environment(tmp_path)
    if not terminal:
        done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
        return done.stdout, done.stderr
    controller, terminal_end = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=terminal_end)
    os.close(terminal_end)
    chunks: list[bytes] = []

    def drain() -> None:  # read the terminal while the command runs, so it never blocks
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the command closed its end
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    assert process.stdout is not None
    with process.stdout:
        out = process.stdout.read()
    assert process.wait(timeout=300) == 0
    reader.join(timeout=30)
    os.close(controller)
    return out, b"".join(chunks)


def test_progress_goes_to_the_terminal_and_never_into_the_output(tmp_path: Path) -> None:
    _align(tmp_path, "--quiet", terminal=False)  # seeds the store first
    with_progress, terminal = _align(tmp_path, terminal=True)
    quiet, quiet_terminal = _align(tmp_path, "--quiet", terminal=True)
    piped, piped_err = _align(tmp_path, terminal=False)
    assert with_progress.startswith(b"#")  # the SSSOM metadata block, then the rows
    assert with_progress == quiet == piped
    assert b"label index" in terminal or b"scoring candidates" in terminal
    assert b"label index" not in quiet_terminal + piped_err
    assert b"scoring candidates" not in quiet_terminal + piped_err
