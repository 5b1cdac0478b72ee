"""Validation: the SHACL rules of shapes/, compiled to SPARQL and run against the store."""
