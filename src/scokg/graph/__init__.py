"""The graph as files: reading the sources, checking them against the shapes, and writing a release.

``load`` reads ``ontology/``, ``data/`` and ``shapes/``; ``validate`` is the release gate (pyshacl, or the shapes
compiled to SPARQL by ``shacl_sparql``), reporting through ``report``; ``build`` writes the dumps and the
dataset description of ``metadata``. This wing works on files and pyoxigraph directly: it imports only the core
(``scokg.config``, ``errors``, ``namespaces``, ``formats``), never ``store``, ``web`` or ``cli``.
"""
