"""W3C syntax tests through /sparql: a well-formed query is answered (200), a malformed one refused with 400 and
scokg's JSON error, and nothing is ever a server error. Each query is sent both ways the protocol allows for its
text: as the body of a POST (application/sparql-query) and percent-encoded in a GET.

A well-formed query with SERVICE passes when refused for its endpoint (the allow-list is empty, so federation is
off): 400 with a hint that names the allow-list. Updates go to an app started with an update token.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin

import pyoxigraph as ox
import pytest

from .harness import ACCEPT_ANY, W3CApp
from .w3c_manifest import select
from .w3c_results import code_only, read_response

QUERY_CASES = select("positive-syntax", "negative-syntax")
UPDATE_CASES = select("positive-update-syntax", "negative-update-syntax")
SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:-])", re.I)
LOAD = re.compile(r"(?<![\w?$:])LOAD(?![\w:-])", re.I)
IRI_REF = re.compile(r"<([^<>\"{}|^`\\\s]*)>")


def _params(cases):
    return [pytest.param(case, id=case.test_id) for case in cases]


def _json_error(response) -> dict:
    assert response.mimetype == "application/json", response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is False and body["status"] == response.status_code, body
    assert isinstance(body["error"], str) and body["error"], body
    return body


def _refused_for_allow_list(response, text: bytes, keyword: re.Pattern, hint: str) -> bool:
    """A well-formed request that names an endpoint (SERVICE) or a document (LOAD) off the allow-list, refused
    with 400 and a hint that says so."""
    if response.status_code != 400 or not keyword.search(code_only(text.decode("utf-8", "replace"))):
        return False
    return hint in (_json_error(response).get("hint") or "")


def _check_query(case, response, text: bytes, how: str) -> None:
    detail = f"{how}: {response.status_code} {response.get_data(as_text=True)}"
    assert response.status_code < 500, detail
    if case.kind == "positive-syntax":
        if not _refused_for_allow_list(response, text, SERVICE, "allow-list"):
            assert response.status_code == 200, detail
            read_response(response.content_type, response.data)  # a well-formed answer, too
    else:
        assert response.status_code == 400, detail
        _json_error(response)


@pytest.mark.parametrize("case", _params(QUERY_CASES))
def test_query_syntax(case):
    text = case.action_path.read_bytes()
    app = W3CApp(case.action)
    _check_query(case, app.query(text), text, "POST")
    try:
        query_string = "query=" + quote(text.decode("utf-8"), safe="")
    except UnicodeDecodeError:
        query_string = "query=" + quote(text, safe="")
    _check_query(case, app.client.get("/sparql?" + query_string, headers={"Accept": ACCEPT_ANY}), text, "GET")
    assert not app.guard.tripped, "a SERVICE clause reached the engine"


def _graphs_named(text: str, base: str) -> list[str]:
    return [urljoin(base, iri) for iri in IRI_REF.findall(code_only(text, keep_iris=True))]


@pytest.mark.parametrize("case", _params(UPDATE_CASES))
def test_update_syntax(case):
    """Over an empty store; a well-formed update that fails there for want of a graph (DROP GRAPH <g>, which the
    standard says fails when <g> does not exist) must then succeed over a store where every IRI it names is a graph."""
    text = case.action_path.read_bytes()
    app = W3CApp(case.action, allow_updates=True)
    response = app.update(text)
    detail = f"{response.status_code} {response.get_data(as_text=True)}"
    assert response.status_code < 500, detail
    if case.kind == "positive-update-syntax":
        if (_refused_for_allow_list(response, text, LOAD, "allow-list")
                or _refused_for_allow_list(response, text, SERVICE, "allow-list")):
            pass
        elif response.status_code != 204:
            assert response.status_code == 400, detail
            graphs = _graphs_named(text.decode("utf-8"), case.action)
            quads = [ox.Quad(ox.NamedNode("urn:w3c:s"), ox.NamedNode("urn:w3c:p"), ox.NamedNode("urn:w3c:o"),
                             ox.NamedNode(g)) for g in graphs]
            retry = W3CApp(case.action, quads, allow_updates=True).update(text)
            assert retry.status_code == 204, f"{detail}; over a store with graphs {graphs}: {retry.status_code} " \
                                             f"{retry.get_data(as_text=True)}"
    else:
        assert response.status_code == 400, detail
        _json_error(response)
    assert not app.guard.tripped, "a SERVICE or LOAD reached the engine"
