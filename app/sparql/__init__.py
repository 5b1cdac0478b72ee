"""Running SPARQL: the query catalog, screening, result writers, worker pool and forwarding."""
