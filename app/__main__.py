"""Run the CLI with ``python -m app``."""

from app.cli import main

main()
