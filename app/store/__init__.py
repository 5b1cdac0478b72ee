"""Where the graph is kept: the embedded store, a remote SPARQL store, backups and sharing."""
