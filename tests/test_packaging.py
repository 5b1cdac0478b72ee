"""Packaging and setup: the licence as current setuptools reads it, and a setup that does nothing
when nothing changed (so ``scripts/serve`` starts in seconds)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.paths import PROJECT_ROOT


def test_licence_is_an_spdx_string_with_its_file() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    for pattern in project["project"]["license-files"]:
        assert list(PROJECT_ROOT.glob(pattern)), pattern
    # SPDX strings and license-files need setuptools 77 or newer.
    requires = project["build-system"]["requires"]
    floor = next(r for r in requires if r.startswith("setuptools"))
    match = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", floor)
    assert match is not None and int(match.group(1)) >= 77


def _fake_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of scripts/setup and pyproject.toml beside a .venv whose python logs pip calls."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "scripts" / "setup", root / "scripts" / "setup")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "pip.log"
    python = bin_dir / "python"
    python.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> {log}; '
        f"touch {bin_dir / 'mosaic'}; chmod +x {bin_dir / 'mosaic'}; exit 0; fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    python.chmod(0o755)
    # The dev mode looks for chromium (the browser tests'); a stand-in keeps apt out of this.
    chromium = bin_dir / "chromium"
    chromium.write_text("#!/bin/sh\nexit 0\n")
    chromium.chmod(0o755)
    return root, log


def _setup(root: Path, *args: str) -> int:
    """Run the copied setup; returns how many pip calls it made."""
    log = root.parent / "pip.log"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "PATH": f"{root / '.venv' / 'bin'}:/usr/bin:/bin",
    }
    subprocess.run([str(root / "scripts" / "setup"), *args], check=True, env=env, cwd=root)
    after = len(log.read_text().splitlines()) if log.exists() else 0
    return after - before


def test_setup_installs_once_and_again_only_when_pyproject_or_mode_changes(
    tmp_path: Path,
) -> None:
    root, _ = _fake_checkout(tmp_path)
    assert _setup(root) == 2  # pip itself, then the project
    assert _setup(root) == 0  # nothing changed: no pip at all
    assert _setup(root, "dev") == 2  # the dev tools are new
    assert _setup(root) == 0  # a dev install serves the runtime too
    assert _setup(root, "dev") == 0
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a change\n")
    assert _setup(root) == 2
    (root / ".venv" / "bin" / "mosaic").unlink()  # a broken venv is repaired
    assert _setup(root) == 2


def test_setup_relinks_when_a_package_file_is_added_or_removed(tmp_path: Path) -> None:
    """The strict editable install links each file: a new module needs a new link."""
    root, _ = _fake_checkout(tmp_path)
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    assert _setup(root) == 2
    assert _setup(root) == 0
    (root / "app" / "new_module.py").write_text("")
    assert _setup(root) == 2  # added: relinked
    assert _setup(root) == 0
    (root / "app" / "new_module.py").write_text("changed = True\n")
    assert _setup(root) == 0  # edited: the link already points at it
    (root / "app" / "new_module.py").unlink()
    assert _setup(root) == 2  # removed: relinked
