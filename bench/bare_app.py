"""The floor for ``bench.sparql``: a FastAPI app that answers a constant small JSON.

Run as ``python -m bench.bare_app --port P``. It is served by ``uvicorn.run`` with the same
arguments ``mosaic serve`` passes (host, port, log level; one process, uvicorn's default HTTP
and loop implementations, access log on), so the gap between this and MOSAIC's ``/sparql``
is what MOSAIC adds on top of FastAPI + uvicorn, and not a difference of server settings.
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="bare FastAPI baseline")

#: Built once so that the handler measures the framework, not the building of the answer.
CONSTANT = {"ok": True, "service": "bare"}


@app.get("/bare")
async def bare() -> dict[str, object]:
    """A constant small JSON: FastAPI routing, validation and JSON encoding, nothing else."""
    return CONSTANT


def main(argv: list[str] | None = None) -> None:
    """Serve :data:`app` the way ``mosaic serve`` serves MOSAIC (see ``mosaic.cli.serve``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
