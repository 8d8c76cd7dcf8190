"""Serialise SPARQL results from pyoxigraph terms, row by row, stopping at a row cap.

pyoxigraph's own serialisers cannot stop early, and the endpoint must announce (not hide) a
truncated answer, so SELECT results are written here, following the W3C result formats.

>>> import pyoxigraph as ox
>>> s = ox.Store()
>>> body, n, cut = write_select(s.query('SELECT ?x WHERE { VALUES ?x { 1 } }'), "text/csv", 10)
>>> body, n, cut
(b'x\\r\\n1\\r\\n', 1, False)
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

from ..errors import NotAcceptable
from ..formats import NOT_IN_XML, serialize_triples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject),
                                            "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    raise TypeError(f"unexpected term {term!r}")




def _xml_text(text: str) -> str:
    bad = NOT_IN_XML.search(text)
    if bad:
        raise NotAcceptable(f"the result holds U+{ord(bad.group()):04X}, which XML cannot carry",
                            hint="ask for SPARQL JSON (application/sparql-results+json), CSV or TSV")
    return escape(text)


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
                f"</predicate><object>{_term_xml(term.object)}</object></triple>")
    raise TypeError(f"unexpected term {term!r}")


def _csv_field(text: str) -> str:
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return _csv_field(term.value)


def _term_tsv(term) -> str:
    # TSV uses the Turtle/SPARQL syntax of each term; pyoxigraph's str() is exactly that.
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


# Result formats pyoxigraph writes exactly as ours (XML stays ours: it refuses characters XML cannot carry).
NATIVE = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
          "text/tab-separated-values": ox.QueryResultsFormat.TSV}


def star_order(tokens) -> tuple[str, ...] | None:
    """For ``SELECT *``, the variables in the order they first appear in the query's tokens (``inspect``'s one
    reading), as Jena orders them; None for any other query (an explicit projection keeps its own order).

    >>> from scokg.store.inspect import inspect_query
    >>> star_order(inspect_query('SELECT DISTINCT * { ?s ?p $o . BIND(1 AS ?a) }').tokens)
    ('s', 'p', 'o', 'a')
    >>> star_order(inspect_query('SELECT ?o ?s { ?s ?p ?o }').tokens) is None
    True
    """
    at = next((i for i, t in enumerate(tokens) if t.is_word("SELECT")), None)
    if at is None:
        return None
    at += 1
    while at < len(tokens) and tokens[at].is_word("DISTINCT", "REDUCED"):
        at += 1
    if at >= len(tokens) or tokens[at].kind != "punct" or tokens[at].text != "*":
        return None
    return tuple(dict.fromkeys(t.text[1:] for t in tokens if t.kind == "var"))


def column_order(names: list[str], order: tuple[str, ...] | None) -> list[int]:
    """Indexes of ``names`` (the engine's variables) in ``order``; names it lacks keep their place at the end.

    >>> column_order(["o", "p", "s"], ("s", "p", "o")), column_order(["a", "b"], None)
    ([2, 1, 0], [0, 1])
    """
    if not order:
        return list(range(len(names)))
    rank = {name: i for i, name in enumerate(order)}
    return sorted(range(len(names)), key=lambda i: rank.get(names[i], len(rank) + i))


def write_bounded_select(solutions, media_type: str, order: tuple[str, ...] | None = None) -> bytes | None:
    """pyoxigraph's own writer, with no row loop in Python, for an answer the row cap cannot cut (the query's
    LIMIT is within it); None when this format is written by ``write_select`` (or the columns are reordered)."""
    fmt = NATIVE.get(media_type)
    if order and column_order([v.value for v in solutions.variables], order) != list(
            range(len(solutions.variables))):
        return None
    return solutions.serialize(format=fmt) if fmt is not None else None


def write_select(solutions, media_type: str, max_rows: int, order: tuple[str, ...] | None = None
                 ) -> tuple[bytes, int, bool]:
    """Serialise SELECT solutions; returns (body, rows written, truncated). ``order``: the columns' order
    (``star_order``), else the engine's."""
    engine = [v.value for v in solutions.variables]
    picks = column_order(engine, order)
    names = [engine[i] for i in picks]
    rows: list = []
    truncated = False
    for i, row in enumerate(solutions):
        if i >= max_rows:
            truncated = True
            break
        rows.append([row[i] for i in picks])
    if media_type == "application/sparql-results+json":
        bindings = []
        for row in rows:
            b = {}
            for i, name in enumerate(names):
                t = row[i]
                if t is not None:
                    b[name] = term_json(t)
            bindings.append(b)
        body = orjson.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
    elif media_type == "application/sparql-results+xml":
        out = io.StringIO()
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                  "<head>")
        for name in names:
            out.write(f"<variable name={quoteattr(name)}/>")
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for i, name in enumerate(names):
                t = row[i]
                if t is not None:
                    out.write(f"<binding name={quoteattr(name)}>{_term_xml(t)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>\n")
        body = out.getvalue().encode("utf-8")
    elif media_type == "text/csv":
        lines = [",".join(_csv_field(n) for n in names)]
        lines += [",".join(_term_csv(row[i]) for i in range(len(names))) for row in rows]
        body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    elif media_type == "text/tab-separated-values":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join(_term_tsv(row[i]) for i in range(len(names))) for row in rows]
        body = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        raise ValueError(f"not a SELECT result type: {media_type}")
    return body, len(rows), truncated


def write_boolean(value: bool, media_type: str) -> bytes:
    if media_type == "application/sparql-results+json":
        return orjson.dumps({"head": {}, "boolean": bool(value)})
    if media_type == "application/sparql-results+xml":
        return ('<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    if media_type == "text/csv":
        return ("_askResult\r\n" + ("true" if value else "false") + "\r\n").encode()
    if media_type == "text/tab-separated-values":
        return ("?_askResult\n" + ("true" if value else "false") + "\n").encode()
    raise ValueError(f"not a boolean result type: {media_type}")


def write_triples(triples: Iterable, media_type: str, max_rows: int, prefixes: dict | None = None
                  ) -> tuple[bytes, int, bool]:
    """Serialise CONSTRUCT/DESCRIBE triples; returns (body, triples written, truncated)."""
    out = list(itertools.islice(triples, max_rows + 1))
    truncated = len(out) > max_rows
    del out[max_rows:]
    if media_type == "application/rdf+xml":
        _check_xml(out)
    return serialize_triples(out, None, media_type, prefixes) or b"", len(out), truncated


def _check_xml(triples: list) -> None:
    """RDF/XML cannot carry every string (XML 1.0 has no form for most control characters): such an answer is a
    406 naming the character and the formats that can carry it, as for SELECT."""
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            value = term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""
            bad = NOT_IN_XML.search(value)
            if bad:
                raise NotAcceptable(f"the result holds U+{ord(bad.group()):04X}, which XML cannot carry",
                                    hint="ask for Turtle (text/turtle), N-Triples or JSON-LD")
