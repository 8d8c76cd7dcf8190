"""The web: the Flask app factory (``app``), what a running server holds (``runtime``), one blueprint per URL
family (``sparql`` for /sparql, ``pages`` for /, /id/, /ontology, /dataset, /search, ``dumps`` for /dumps/ and
/sources/), negotiation (``conneg``), the service description, the views and templates behind the pages, the one
error renderer (``errors_view``), the response cache beneath Flask (``fastpath``), and running the server
(``server``, ``reload``).

This wing imports ``store``, ``graph`` and the core; only ``cli`` imports it.
"""
