"""OSCAL documents from the graph: an initiative's controls as a catalog, a crosswalk as a mapping.

GRC tools read NIST OSCAL (Open Security Controls Assessment Language); these modules write
OSCAL 1.2 JSON from what the graph holds, as plain dictionaries (the service needs no OSCAL
library; the tests check every document with compliance-trestle's models of NIST's schema):

- :mod:`mosaic.oscal.ids`: notations to OSCAL ids (a token syntax), deterministically;
- :mod:`mosaic.oscal.controls`: the controls and requirements of an initiative, read once;
- :mod:`mosaic.oscal.catalog`: the ``catalog`` document;
- :mod:`mosaic.oscal.mapping`: the ``mapping-collection`` of the curated mappings between the
  controls of two initiatives.
"""

#: The OSCAL release the documents follow (the one compliance-trestle 5.2 models).
OSCAL_VERSION = "1.2.1"
#: The namespace of MOSAIC's own props (``ns`` of an OSCAL prop); names are documented in
#: docs/oscal.md.
MOSAIC_NS = "https://w3id.org/mosaic/ns/oscal"
