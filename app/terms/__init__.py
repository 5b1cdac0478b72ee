"""Terms: the label index, resolve, compare and align; the annotator and the terminology check.

The label index (:mod:`mosaic.terms.label_index`) answers "what does this term mean"; the
annotator and lint answer "which terms does this text use, and does it use them well":

- :mod:`mosaic.terms.regions` finds the parts of a body that are prose (Markdown code and URLs,
  HTML tags and scripts left out) and keeps their offsets into the body as sent;
- :mod:`mosaic.terms.tokens` cuts prose into normalised words and the punctuation between them;
- :mod:`mosaic.terms.automaton` matches every label of every initiative at once over those words
  (an Aho-Corasick automaton over word ids, built once per label-index generation);
- :mod:`mosaic.terms.annotate` turns the matches into spans with the senses they may denote;
- :mod:`mosaic.terms.lint` and its helpers check a draft's terminology, and
  :mod:`mosaic.terms.sarif` writes the findings as SARIF 2.1.0.
"""
