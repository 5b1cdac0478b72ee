"""The Model Context Protocol server: MOSAIC's answers for AI assistants.

- :mod:`mosaic.mcp.tools`: the tools, one typed function each over the domain code;
- :mod:`mosaic.mcp.services`: what the tools read, from the HTTP app or from ``mosaic mcp``;
- :mod:`mosaic.mcp.server`: the server, its resources, stdio and the ``/mcp`` path of the app.
"""
