"""The MOSAIC ontology files, shipped as package data; read with importlib.resources."""
