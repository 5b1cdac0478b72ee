"""The SHACL shapes of MOSAIC, shipped as package data; read with importlib.resources."""
