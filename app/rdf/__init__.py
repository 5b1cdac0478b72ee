"""RDF basics every layer may use: vocabulary, identifiers, terms, RDF in and out, negotiation."""
