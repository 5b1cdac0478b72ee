"""Run the CLI with ``python -m mosaic``."""

from mosaic.cli import main

main()
