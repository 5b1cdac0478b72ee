"""Facts a reader needs to compare two benchmark runs, and where reports are written.

Shared by ``bench.resolve`` and ``bench.align``: the machine, the package versions, the commit
measured (and whether ``app/`` had uncommitted changes, in which case it is not that commit).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def version(package: str) -> str:
    """The installed version of a distribution, or ``not installed``."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


#: The packages whose versions :func:`machine` reports unless told otherwise.
PACKAGES = ("fastapi", "uvicorn", "pyoxigraph", "rapidfuzz", "wordllama", "numpy")


def machine(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """CPU, cores, memory, OS and the versions of the packages the figures depend on."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    if "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB"
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}",
        "python": platform.python_version(),
        "packages": ", ".join(f"{p} {version(p)}" for p in packages),
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def git_state() -> str:
    """The commit measured, flagged when ``app/`` has uncommitted changes."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "app"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return head.stdout.strip() + (" + uncommitted changes in app/" if dirty else "")


def results_file(stem: str) -> Path:
    """A new ``bench/results/<stem>-<date>[-n].md`` (never overwrites an earlier run)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    base = f"{stem}-{datetime.date.today().isoformat()}"
    path = RESULTS_DIR / f"{base}.md"
    number = 2
    while path.exists():
        path = RESULTS_DIR / f"{base}-{number}.md"
        number += 1
    return path
