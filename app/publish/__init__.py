"""Publishing MOSAIC as linked data: dereferenceable IRIs, dataset descriptions, releases.

- :mod:`mosaic.publish.resources`: which IRIs MOSAIC mints, the path each answers at under the
  server's origin, and the description of a resource (what dereferencing it returns);
- :mod:`mosaic.publish.description`: the VoID and DCAT description of the dataset, of each
  initiative graph and of each mapping set, computed from the graph;
- :mod:`mosaic.publish.release` and :mod:`mosaic.publish.citation`: ``mosaic release``, a versioned,
  reproducible bundle with its checksums and a CITATION.cff;
- :mod:`mosaic.publish.releases`: the releases a server lists and serves, and in which release a
  concept last changed.
"""
