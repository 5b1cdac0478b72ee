"""MOSAIC: the shared knowledge graph of AI-security standards and guidelines."""

__version__ = "0.1.0"
