"""Run the CLI with ``python -m app``."""

from mosaic.cli import main

main()
