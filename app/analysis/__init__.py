"""Analysis: coverage, gaps and conflicts between initiatives, from the mappings held."""
