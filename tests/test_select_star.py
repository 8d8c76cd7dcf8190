"""Issue 22: the columns of SELECT * come in the order the query first names its variables (as Jena orders them),
in every result format, by every path (a LIMIT within the row cap takes the engine's own writer); an explicit
projection keeps its own order."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
QUERIES = {  # query -> the columns expected
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3": ["s", "p", "o"],
    "SELECT * WHERE { ?s ?p ?o FILTER(isIRI(?o)) }": ["s", "p", "o"],
    "SELECT DISTINCT * WHERE { ?zeta a ?alpha . BIND(1 AS ?middle) } LIMIT 2": ["zeta", "alpha", "middle"],
    "SELECT * { { SELECT ?thing (COUNT(?v) AS ?n) { ?thing ?q ?v } GROUP BY ?thing } } LIMIT 2": ["thing", "n"],
    "SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 2": ["o", "s"],
}


def columns(body: bytes, fmt: str) -> list[str]:
    if fmt == "json":
        return json.loads(body)["head"]["vars"]
    if fmt == "xml":
        return [v.get("name") for v in ET.fromstring(body).iter(RESULTS + "variable")]
    if fmt == "csv":
        return next(csv.reader(io.StringIO(body.decode())))
    return [v.lstrip("?") for v in body.decode().split("\n", 1)[0].split("\t")]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("query", list(QUERIES))
def test_select_star_columns_in_the_order_of_the_query(client, query, fmt):
    r = client.get("/sparql?query=" + quote(query) + f"&format={fmt}")
    assert r.status_code == 200, r.data[:300]
    assert columns(r.data, fmt) == QUERIES[query]


def test_the_rows_follow_their_columns(client):
    r = client.get("/sparql?query=" + quote("SELECT * { BIND(1 AS ?b) BIND(2 AS ?a) }") + "&format=csv")
    assert r.data.decode().splitlines() == ["b,a", "1,2"]
    r = client.get("/sparql?query=" + quote("SELECT * { BIND(1 AS ?b) BIND(2 AS ?a) }") + "&format=json")
    assert r.json["results"]["bindings"][0]["b"]["value"] == "1"
