"""The test suite's own grouping under pytest-xdist keeps a module's shared fixture on one worker.

scripts/test runs pytest with ``-n auto --dist loadgroup``, and tests/conftest.py marks the
tests that share a module-scoped fixture (a live server) as one group. pytest-xdist groups
through a suffix on the node id, which pytest 9.2 silently drops (pytest-xdist issue 1386):
the group's tests were then spread over the workers, each starting its own server, and the
README tour's upload and the command after it met different servers. This runs a small module
the same way, with the same marking, and checks that one worker ran the whole group in order.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.paths import PROJECT_ROOT

CONFTEST = """
from tests.conftest import pytest_collection_modifyitems  # the suite's own marking
"""

MODULE = """
import pytest

seen = []

@pytest.fixture(scope="module")
def shared():
    return seen

@pytest.mark.parametrize("step", range(8))
def test_steps_build_on_each_other(shared, step):
    assert shared == list(range(step))
    shared.append(step)

@pytest.mark.parametrize("n", range(8))
def test_alone(n):
    pass
"""


def test_a_module_sharing_a_fixture_runs_whole_on_one_worker_in_order(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_shared.py").write_text(MODULE, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:cacheprovider",
            "--no-cov",
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_shared.py"),
        ],
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    workers = set(re.findall(r"\[(gw\d+)\] .*PASSED .*test_steps_build_on_each_other", done.stdout))
    assert len(workers) == 1, f"the group ran on {sorted(workers)}:\n{done.stdout[-3000:]}"
    alone = re.findall(r"PASSED .*test_alone", done.stdout)
    assert len(alone) == 8
