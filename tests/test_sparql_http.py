"""The HTTP side of /sparql: negotiation with q-values and format=, 406, charset, Vary, CORS and preflight,
ETag and 304, Cache-Control, and a row cap that is announced rather than silent."""

from __future__ import annotations

from urllib.parse import quote

import rdflib

from conftest import ROOT
from scokg.config import load_settings
from scokg.web.app import create_app

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/scokg/ontology#Quote> }"


def _get(client, query, **headers):
    return client.get("/sparql?query=" + quote(query), headers=headers)


def test_accept_with_q_values_and_wildcards(client):
    assert _get(client, SELECT, Accept="text/csv;q=0.4, application/sparql-results+xml;q=0.9").mimetype == \
        "application/sparql-results+xml"
    assert _get(client, SELECT, Accept="text/*").mimetype in ("text/csv", "text/tab-separated-values")
    assert _get(client, SELECT, Accept="*/*").mimetype == "application/sparql-results+json"
    assert _get(client, SELECT).mimetype == "application/sparql-results+json"
    construct = "CONSTRUCT WHERE { ?s a <https://w3id.org/scokg/ontology#City> }"
    assert _get(client, construct, Accept="*/*").mimetype == "text/turtle"
    assert _get(client, construct, Accept="application/ld+json").mimetype == "application/ld+json"


def test_format_parameter_overrides_accept(client):
    r = client.get("/sparql?format=csv&query=" + quote(SELECT), headers={"Accept": "application/sparql-results+xml"})
    assert r.mimetype == "text/csv"
    # format= is a preference, not a demand: a name nobody knows leaves the choice to Accept
    r = client.get("/sparql?format=bogus&query=" + quote(SELECT), headers={"Accept": "text/tab-separated-values"})
    assert r.status_code == 200 and r.mimetype == "text/tab-separated-values"


def test_nothing_acceptable_is_a_406_with_a_message(client):
    r = _get(client, SELECT, Accept="image/png")
    assert r.status_code == 406 and r.get_json()["error"]
    r = _get(client, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="text/csv")
    assert r.status_code == 406


def test_content_type_charset_and_vary(client):
    r = _get(client, SELECT, Accept="text/csv")
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "Accept" in r.headers["Vary"]


def test_cors_and_preflight(client):
    assert _get(client, SELECT).headers["Access-Control-Allow-Origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "Content-Type"})
    assert r.status_code == 204
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]


def test_etag_and_304(client):
    first = _get(client, SELECT)
    etag = first.headers["ETag"]
    assert "max-age=" in first.headers["Cache-Control"]
    again = _get(client, SELECT, **{"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other_format = _get(client, SELECT, **{"If-None-Match": etag, "Accept": "text/csv"})
    assert other_format.status_code == 200, "the ETag depends on the format"


def test_row_cap_is_announced():
    app = create_app(load_settings({"root": str(ROOT), "max_rows": 5, "service_allowlist": ""}, environ={}))
    try:
        client = app.test_client()
        r = _get(client, SELECT, Accept="application/sparql-results+json")
        assert len(r.get_json()["results"]["bindings"]) == 5
        assert r.headers["X-Max-Rows"] == "5" and r.headers["X-Result-Truncated"] == "true"
        small = _get(client, "SELECT ?p WHERE { ?p a <https://w3id.org/scokg/ontology#Priority> } LIMIT 3")
        assert "X-Result-Truncated" not in small.headers
        sd = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
        assert any("capped at 5 rows" in str(o) for o in sd.objects())
    finally:
        app.extensions["scokg"].runtime.close()
