"""Starting the server or any command does not import the aligner's heavy libraries.

scikit-learn (pulled in by LightGBM too) takes about a second to import on this machine: that
second went into every `mosaic` command and every server start, though only aligning and
training use it. They are imported with their first use instead.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "lightgbm", "scipy.stats")


def test_the_app_and_the_cli_import_without_the_aligners_libraries() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, mosaic.api, mosaic.cli\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == ""


def test_aligning_still_finds_them() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from mosaic.terms.model import load_model\n"
            "from mosaic.terms.signals import _word_vectorizer\n"
            "print(type(load_model().booster).__name__, type(_word_vectorizer()).__name__)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == ["Booster", "TfidfVectorizer"]
