"""Where the checkout is, for tests that read its files (README, docs, ../shared/upstream)."""

from __future__ import annotations

from pathlib import Path

#: The repository root: the folder that holds pyproject.toml and tests/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
