"""Curation: the review workflow of mappings, its RDF, and SSSOM in and out."""
