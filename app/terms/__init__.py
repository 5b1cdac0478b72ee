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

The learned aligner's modules, in the order the data flows::

    signals      TF-IDF word and character n-grams, wordllama: texts -> L2-normalised rows
    char_ngrams  the character n-gram TF-IDF, counted once per distinct word
    sides        the texts of a query's sources and of a target initiative (links, parents)
    cosines      products, pairwise and grouped cosines of dense or sparse rows
    features     the 45 features of (source, target) pairs, in batches, with blocking
    nomatch      the logistic "no match" model on six numbers per source
    model        the shipped files (booster text, no-match JSON): load, save, fail loudly
    explain      readable reasons from the ranker's feature contributions
    ranking      rank_candidates: the public entry point
    devsets      training and evaluation sets from the store's curated mappings
    metrics      hit@k, MRR, abstention, bootstrap intervals
    train        ``mosaic train``: fit, write the model files, print the figures
"""
