"""Terms in running text: the annotator, the terminology check (lint) and their outputs.

The label index (:mod:`app.label_index`) answers "what does this term mean"; this package
answers "which terms does this text use, and does it use them well":

- :mod:`app.terms.regions` finds the parts of a body that are prose (Markdown code and URLs,
  HTML tags and scripts left out) and keeps their offsets into the body as sent;
- :mod:`app.terms.tokens` cuts prose into normalised words and the punctuation between them;
- :mod:`app.terms.automaton` matches every label of every initiative at once over those words
  (an Aho-Corasick automaton over word ids, built once per label-index generation);
- :mod:`app.terms.annotate` turns the matches into spans with the senses they may denote;
- :mod:`app.terms.lint` and its helpers check a draft's terminology, and
  :mod:`app.terms.sarif` writes the findings as SARIF 2.1.0.
"""
