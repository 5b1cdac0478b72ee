"""The named SPARQL queries (internal/: the app's own); package data read by importlib.resources."""
