"""Terms: the label index, resolving and comparing terms, and aligning two initiatives."""
