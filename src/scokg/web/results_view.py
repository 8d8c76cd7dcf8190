"""A query's answer as people read it: names beside IRIs (``Almaty`` linking to /id/almaty, ``id:almaty`` beside),
language tags as quiet badges, numbers right-aligned in the reader's format; the points of a result with coordinates
for a map and its rows with years for a timeline; and a syntax error as its line with a caret under the column.

>>> error = syntax_error("SELECT * WHERE {\\n  ?s ?p\\n}", "malformed query: error at 3:2: expected one of LATERAL")
>>> print(error["text"]); print(error["caret"]); print(error["message"])
}
^
a value is missing before “}”
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import current_app
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

from ..errors import QuerySyntaxError
from ..namespaces import PREFIXES
from ..store.lexer import tokens_of
from .i18n import LANGUAGE_NAMES, UI, format_number
from .result_charts import chart_view, graph_view
from .views import NUMERIC, curie, href, listed_names, local_path, things

POINT = re.compile(r"^\s*POINT\s*\(\s*([-+\d.eE]+)\s+([-+\d.eE]+)\s*\)\s*$", re.IGNORECASE)
LAT_NAMES = re.compile(r"^(lat|latitude)$", re.IGNORECASE)
LONG_NAMES = re.compile(r"^(long|lon|lng|longitude)$", re.IGNORECASE)
YEAR_NAMES = re.compile(r"year|from|to|start|end|begin|date", re.IGNORECASE)
YEAR_TYPES = {"http://www.w3.org/2001/XMLSchema#gYear", "http://www.w3.org/2001/XMLSchema#date",
              "http://www.w3.org/2001/XMLSchema#dateTime"}
POSITION = re.compile(r"(?:at|line)\s+(\d+):(\d+)")
PREFIXED = re.compile(r"(?<![\w:/#?$<])([A-Za-z][\w.-]*|):(?=[\w%\\]|[\s)};,.]|$)")


def cell_view(term: dict | None, lang: str) -> dict | None:
    """One SPARQL JSON term for the table."""
    if term is None:
        return None
    value = term["value"]
    if term["type"] == "uri":
        found = things().get(value)
        name = (found.labels.get(lang) or found.labels.get("en") or next(iter(found.labels.values()), None)) \
            if found else listed_names().get(value)
        return {"kind": "iri", "href": href(value), "label": name, "curie": curie(value), "iri": value,
                "external": local_path(value) is None}
    if term["type"] == "bnode":
        return {"kind": "bnode", "text": "_:" + value}
    datatype = term.get("datatype")
    number = datatype in NUMERIC
    tag = term.get("xml:lang")
    return {"kind": "literal", "text": format_number(value, lang) if number else value, "raw": value,
            "number": number, "lang": tag, "language_name": LANGUAGE_NAMES[lang].get(tag or "", tag),
            "datatype": curie(datatype) if datatype and not number and not datatype.endswith("#string") else None}


def _is_number(cell: dict | None) -> bool:
    return cell is None or (cell["kind"] == "literal" and cell["number"])


def _name_of_row(cells: list) -> str:
    for c in cells:
        if c and c["kind"] == "iri":
            return c["label"] or c["curie"]
    for c in cells:
        if c and c["kind"] == "literal" and not c["number"]:
            return c["text"]
    return ""


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def map_points(names: list[str], rows: list[list], raw: list[list]) -> list[dict]:
    """Points of rows with a WKT point or with latitude and longitude columns."""
    lat_col = next((i for i, n in enumerate(names) if LAT_NAMES.match(n)), None)
    long_col = next((i for i, n in enumerate(names) if LONG_NAMES.match(n)), None)
    points = []
    for cells, terms in zip(rows, raw, strict=True):
        where = None
        for term in terms:
            m = POINT.match(term["value"]) if term and term["type"] == "literal" else None
            if m:
                where = (_float(m.group(2)), _float(m.group(1)))
                break
        if where is None and lat_col is not None and long_col is not None and terms[lat_col] and terms[long_col]:
            where = (_float(terms[lat_col]["value"]), _float(terms[long_col]["value"]))
        if where and None not in where:
            first = next((c for c in cells if c and c["kind"] == "iri" and not c["external"]), None)
            points.append({"lat": where[0], "long": where[1], "label": _name_of_row(cells),
                           "href": first["href"] if first else None})
    return points


def timeline_rows(names: list[str], rows: list[list], raw: list[list]) -> dict:
    """Rows with years (typed as years or dates, or four digits in a column named for a year)."""
    out: list[dict[str, Any]] = []
    for cells, terms in zip(rows, raw, strict=True):
        years = []
        for name, term in zip(names, terms, strict=True):
            if not term or term["type"] != "literal":
                continue
            typed = term.get("datatype") in YEAR_TYPES
            if (typed or YEAR_NAMES.search(name)) and re.match(r"^\d{4}(\b|-)", term["value"]):
                years.append(int(term["value"][:4]))
        if years:
            first = next((c for c in cells if c and c["kind"] == "iri"), None)
            out.append({"link": {"href": first["href"] if first else None, "text": _name_of_row(cells)},
                        "start": min(years), "end": max(years)})
    if not out:
        return {"rows": [], "years": []}
    first_year, last_year = min(r["start"] for r in out), max(r["end"] for r in out)
    last_year = min(last_year, first_year + 11)
    for r in out:
        r["col"] = min(r["start"], last_year) - first_year + 1
        r["span"] = min(r["end"], last_year) - min(r["start"], last_year) + 1
    out.sort(key=lambda r: (r["start"], -r["span"], r["link"]["text"].lower()))
    return {"rows": out, "years": list(range(first_year, last_year + 1))}


def result_view(answer, lang: str) -> dict:
    if answer.kind == "graph":
        body = answer.body.decode("utf-8") if isinstance(answer.body, bytes) else answer.body
        return {"kind": "graph", "text": body, "count": answer.count, "graph": graph_view(body, lang)}
    doc = json.loads(answer.body)
    if answer.kind == "ask":
        return {"kind": "ask", "boolean": doc["boolean"]}
    names = doc["head"]["vars"]
    raw = [[b.get(n) for n in names] for b in doc["results"]["bindings"]]
    rows = [[cell_view(t, lang) for t in terms] for terms in raw]
    numeric = [bool(rows) and all(_is_number(r[i]) for r in rows) for i in range(len(names))]
    return {"kind": "select", "vars": names, "rows": rows, "numeric": numeric, "truncated": answer.truncated,
            "max_rows": current_app.config["SCOKG_SETTINGS"].max_rows, "points": map_points(names, rows, raw),
            "timeline": timeline_rows(names, rows, raw), "chart": chart_view(names, rows, numeric)}


def code_of(query: str) -> str:
    """The query with comments, strings and IRIs blanked (same length), to look for prefixed names."""
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    code = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', blank, query)
    code = re.sub(r"<[^<>\"{}|^`\\\s]*>", blank, code)
    return re.sub(r"#[^\n]*", blank, code)


def undeclared_prefixes(query: str) -> list[tuple[str, int]]:
    """(prefix, offset of its first use) for each prefix the query uses without declaring it."""
    code = code_of(query)
    declared = set(re.findall(r"PREFIX\s+([A-Za-z][\w.-]*|)\s*:", code, re.IGNORECASE))
    out: dict[str, int] = {}
    for m in PREFIXED.finditer(code):
        if m.group(1) not in declared and m.group(1).upper() not in ("PREFIX", "BASE"):
            out.setdefault(m.group(1), m.start(1))
    return sorted(out.items(), key=lambda kv: kv[1])


def with_known_prefixes(query: str) -> str | None:
    """The query with PREFIX lines added for the known prefixes it uses undeclared; None if none is missing or a
    missing one is unknown."""
    missing = [p for p, _at in undeclared_prefixes(query)]
    if not missing or any(p not in PREFIXES for p in missing):
        return None
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + query


def syntax_error(query: str, message: str, lang: str = "en") -> dict | None:
    """The line of a syntax error with a caret under its column and a short message in the reader's language."""
    missing = undeclared_prefixes(query)
    if missing:
        prefix, offset = missing[0]
        line = query.count("\n", 0, offset) + 1
        column = offset - (query.rfind("\n", 0, offset) + 1) + 1
        short = ("err_prefix", {"prefix": prefix})
    else:
        m = POSITION.search(message)
        if not m:
            return None
        prefix = None
        line, column, short = _short_message(query, int(m.group(1)), int(m.group(2)), message)
    lines = query.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    column = max(1, min(column, len(text) + 1))
    key, params = short
    if params.get("hint"):
        params = {**params, "hint": UI[lang]["err_expected"].format(what=params["hint"])}
    return {"line": line, "column": column, "text": text, "caret": " " * (column - 1) + "^",
            "message": UI[lang][key].format(**{"hint": "", **params}), "prefix": prefix}


TERMS = ("var", "iri", "string", "number", "bnode")
OPERATORS = ("=", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/", ",", "!")


def missing_value(query: str) -> int | None:
    """Where a value is missing, read from the query's tokens: the offset of the token that stands where a triple's
    object (or predicate) or an expression should be (``{ ?s ?p }``, ``FILTER(?o = )``, ``FILTER()``); None when
    no such place is seen. The engine reports where its backtracking ended, often the end of the query.

    >>> q = 'SELECT * WHERE { ?s ?p }'
    >>> q[missing_value(q):]
    '}'
    >>> q = 'ASK { ?s ?p ?o FILTER(?o = ) VALUES ?x { 1 2 } }'
    >>> q[missing_value(q):]
    ') VALUES ?x { 1 2 } }'
    >>> missing_value('SELECT * { ?s a ?t ; ?p ?o , ?x . FILTER(NOW() > ?o) VALUES (?a ?b) { (1 2) } }') is None
    True
    """
    try:
        tokens = tokens_of(query)
    except QuerySyntaxError:
        return None
    count: int | None = None  # terms of the triple being read; None where no triple is being read
    values = typed = False
    for i, t in enumerate(tokens):
        before = tokens[i - 1] if i else None
        punct = t.text if t.kind == "punct" else None
        if punct == ")" and before is not None and before.kind == "punct" and before.text in (*OPERATORS, "("):
            opener = tokens[i - 2] if i > 1 else None
            if before.text != "(" or opener is None or opener.is_word("FILTER") or opener.kind == "punct":
                return t.start
        if t.kind in TERMS or t.is_word("A"):
            if count is not None and not typed:
                count += 1
            typed = False
        elif punct == "^^":
            typed = True
        elif punct in ("}", ".", ";"):
            if count in (1, 2):
                return t.start
            values = values and punct != "}"
            count = 1 if punct == ";" else (None if values else 0)
        elif punct == ",":
            count = 2 if count is not None else None
        elif punct == "{":
            count = None if values else 0
        elif t.is_word("VALUES"):
            values, count = True, None
        elif t.kind in ("word", "punct") and t.kind != "lang" and punct not in ("/", "|", "^", "*", "+", "?", "!"):
            count = None
    return None


def _second_opinion(query: str) -> tuple[int, int] | None:
    """rdflib's parser stops where the construct it could not read begins (the engine often reports the end)."""
    try:
        parseQuery(query)
    except ParseException as exc:
        return (exc.lineno, exc.col) if query[exc.loc:].strip() else None
    except Exception:  # noqa: BLE001 - rdflib raises bare Exception for what it reads but cannot resolve
        return None
    return None


def _short_message(query: str, line: int, column: int, message: str) -> tuple[int, int, tuple[str, dict]]:
    """Where a value is missing (``missing_value``), else where the engine stopped, or rdflib's reading where it stops
    earlier (the engine often reports the end of the query after backtracking), and what is wrong there in a few
    words."""
    gap = missing_value(query)
    if gap is not None and gap <= _offset(query, line, column):
        at_line = query.count("\n", 0, gap) + 1
        token = re.match(r"[\w:?$]+|\S", query[gap:]).group(0)  # type: ignore[union-attr]
        return at_line, gap - (query.rfind("\n", 0, gap) + 1) + 1, ("err_missing", {"token": token})
    better = _second_opinion(query)
    if better is not None and _offset(query, *better) < _offset(query, line, column):
        token = re.match(r"[\w:?$]+|\S", query[_offset(query, *better):].strip()).group(0)  # type: ignore[union-attr]
        return better[0], better[1], ("err_from", {"token": token})
    rest = query[_offset(query, line, column):].strip()
    if not rest:
        return line, column, ("err_end", {})
    token = re.match(r"[\w:?$]+|\S", rest).group(0)  # type: ignore[union-attr]
    expected = re.search(r"expected ([^,\[]+)$", message)
    hint = expected.group(1).strip() if expected and len(expected.group(1)) < 30 else ""
    return line, column, ("err_unexpected", {"token": token, "hint": hint})


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    return sum(len(ln) + 1 for ln in lines[: line - 1]) + column - 1
