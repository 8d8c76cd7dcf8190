"""Giving back to Wikidata: the statements Wikidata can hold, as QuickStatements (version 1, tab-separated), each
with its reference: the quoted words (P1683) in the language of the article they come from, and the article's
title (P1476) where the article has one.

Only a statement whose subject and value both carry a verified Wikidata item (``owl:sameAs``, checked against the
snapshot by the gate) and whose property has a counterpart of the same meaning in ``PROPERTIES`` is written;
nothing for an entity without a verified item. The article's URL is not known and it has no item of its own, so no
``stated in`` (P248) or ``reference URL`` (P854); the language of work (P407) would need the items of English and
German, which are not on the team's verified list, so the quote's language tag says it instead.

>>> line("Q9361", "P1376", "Q813", "Bishkek, the capital", "en", None)
'Q9361\\tP1376\\tQ813\\tS1683\\ten:"Bishkek, the capital"'
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import SCO, WD

# scokg property → the Wikidata property that means the same. Only these are given back. P17 is on the team's
# verified list; P1376, P276 and the references' P1683 and P1476 are not (the README says to check them).
PROPERTIES = {
    str(SCO.capitalOf): "P1376",  # capital of
    str(SCO.inCountry): "P17",  # country
    str(SCO.locatedIn): "P276",  # location
}
QUERY = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?qs ?p ?qo ?words ?title WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?quote .
  ?s ?p ?o .
  ?s owl:sameAs ?qs . ?o owl:sameAs ?qo .
  ?quote oa:hasSelector ?selector ; prov:wasQuotedFrom ?source . ?selector oa:exact ?words .
  OPTIONAL { ?source dcterms:title ?title FILTER(LANG(?title) = LANG(?words)) }
  VALUES ?p { %s }
  FILTER(STRSTARTS(STR(?qs), "%s") && STRSTARTS(STR(?qo), "%s"))
} ORDER BY ?qs ?p ?qo ?words"""
MAX_TEXT = 1500  # Wikidata's limit on a string or monolingual text


def _text(lang: str, value: str) -> str | None:
    """A monolingual text value, or None when QuickStatements cannot carry it (a double quote, a tab, a line end)."""
    if any(c in value for c in '"\t\r\n') or len(value) > MAX_TEXT:
        return None
    return f'{lang}:"{value}"'


def line(subject: str, prop: str, value: str, words: str, lang: str, title: str | None) -> str | None:
    """One QuickStatements v1 line: the claim and one reference made of the quote (and the title)."""
    quote = _text(lang, words)
    if quote is None:
        return None
    fields = [subject, prop, value, "S1683", quote]
    if title and (text := _text(lang, title)):
        fields += ["S1476", text]
    return "\t".join(fields)


def quickstatements(store: ox.Store, default_graph=None) -> list[str]:
    """The lines for every statement Wikidata can hold, one per quote (a reference each)."""
    values = " ".join(f"<{p}>" for p in PROPERTIES)
    kwargs = {"default_graph": default_graph} if default_graph is not None else {}
    rows = store.query(QUERY % (values, WD, WD), **kwargs)
    assert isinstance(rows, ox.QuerySolutions)
    out: list[str] = []
    for row in rows:
        qs, p, qo, words, title = (row[i] for i in range(5))
        made = line(qs.value.removeprefix(str(WD)), PROPERTIES[p.value], qo.value.removeprefix(str(WD)), words.value,
                    words.language or "en", title.value if title is not None else None)
        if made is not None and made not in out:
            out.append(made)
    return out
