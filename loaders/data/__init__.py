"""The bundled dataset, one folder per initiative; package data read with importlib.resources."""
