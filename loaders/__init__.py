"""Upstream converters: an initiative's own published files turned into SKOS (``load --from``).

One module per initiative format (``mitre_atlas``, ``owasp_llm_top10``...), registered in
:mod:`mosaic.loaders.upstream` and as entry points of the ``mosaic.converters`` group, which is
how the app finds them (:mod:`mosaic.dataset.converters`): this package imports the app, never
the reverse. ``data/`` is the bundled dataset (the package ``mosaic.bundle``), written by us;
the build command :mod:`mosaic.loaders.build` rebuilds a bundled Turtle file from a checkout.
"""
