"""Terms: the label index, resolving and comparing terms, aligning two initiatives.

The learned aligner's modules, in the order the data flows::

    signals      TF-IDF word and character n-grams, wordllama: texts -> L2-normalised rows
    sides        the texts of a query's sources and of a target initiative (links, parents)
    features     the 45 features of (source, target) pairs, in batches, with blocking
    nomatch      the logistic "no match" model on six numbers per source
    model        the shipped files (booster text, no-match JSON): load, save, fail loudly
    explain      readable reasons from the ranker's feature contributions
    ranking      rank_candidates: the public entry point
    devsets      training and evaluation sets from the store's curated mappings
    metrics      hit@k, MRR, abstention, bootstrap intervals
    train        ``mosaic train``: fit, write the model files, print the figures
"""
