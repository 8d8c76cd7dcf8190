"""One inspection of a query or update before it runs: how deep it nests, whether it names its own dataset
(FROM / FROM NAMED), and which endpoints its SERVICE clauses and documents its LOAD operations would reach.

Which endpoints a request may make the server call is a security decision, so it is taken from a SPARQL parse
(rdflib's grammar over the text exactly as sent), never from a pattern over the text. Two cheap facts keep the
parse off the common path: a query whose text does not contain the letters ``service`` (in any case, also after
expanding ``\\u`` escapes) has no SERVICE clause, and one without ``from`` has no dataset clause. When the text
could hold SERVICE but the parse fails, or finds fewer SERVICE clauses than a scan of the text outside strings,
IRIs and comments, the targets count as unknown and the request is refused.

>>> i = inspect_query('PREFIX w: <http://x/> SELECT * { SERVICE<http://127.0.0.1:9/> {} OPTIONAL { SERVICE w:y {} } }')
>>> i.services
('http://127.0.0.1:9/', 'http://x/y')
>>> inspect_query('SELECT * FROM NAMED <urn:g> { ?s ?p ?o }').has_dataset
True
>>> inspect_query('SELECT ?from { ?s <urn:service> ?from }').services
()
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql import parser as sparql_parser
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

# Strings, IRIs and comments, so that keywords inside them are not taken for syntax.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*',
    re.S,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE_WORD = re.compile(r"(?<![\w:?$])SERVICE(?![\w:-])", re.I)
_FROM_WORD = re.compile(r"(?<![\w:?$])FROM(?![\w:-])", re.I)
_BRACKETS = re.compile(r"[{}()\[\]]")
_FORM = re.compile(r"(?<![\w:?$])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.I)
_LIMIT = re.compile(r"(?<![\w:?$])LIMIT\s+(\d+)", re.I)
_UPDATE_WORDS = re.compile(r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)(?![\w:-])", re.I)
_DATASET_WORDS = re.compile(r"(?<![\w:?$])(USING|WITH)(?![\w:-])", re.I)
CACHE_SIZE = 4096


@dataclass(frozen=True)
class Inspection:
    """What a request will do, known before it runs.

    ``services`` holds absolute IRIs, or ``?name`` for a variable endpoint; ``unknown`` says why the SERVICE or
    LOAD targets could not be established (the request must then be refused).
    """

    depth: int
    limit: int | None = None  # the top-level LIMIT: the answer has at most this many rows
    form: str = ""  # SELECT, ASK, CONSTRUCT or DESCRIBE, as the text says (for the metrics; the engine decides)
    has_dataset: bool = False
    services: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    names_dataset: bool = False
    unknown: str | None = None


def expand_escapes(text: str) -> str:
    r"""SPARQL's code point escapes, expanded once, everywhere (a superset of where engines expand them).

    >>> expand_escapes(r'SERVI\u0043E')
    'SERVICE'
    """
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16)
                       < 0x110000 else m.group(0), text)


def code_only(text: str) -> str:
    """The text with strings, IRIs and comments blanked, positions unchanged.

    >>> code_only('ASK { <urn:a> ?p "SERVICE" } # SERVICE')
    'ASK {         ?p           }          '
    """
    return _TOKEN.sub(lambda m: " " * len(m.group(0)), text)


def nesting_depth(code: str) -> int:
    """How deep braces, parentheses and brackets nest in ``code`` (see ``code_only``).

    >>> nesting_depth(code_only('SELECT * { ?s ?p "{{{" FILTER((?o)) }'))
    3
    """
    depth = deepest = 0
    for ch in _BRACKETS.findall(code):  # only the brackets: a Python step per bracket, not per character
        if ch in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth = max(0, depth - 1)
    return deepest


def looks_like_update(text: str) -> bool:
    """True when the text, outside strings, IRIs and comments, uses an update keyword.

    >>> looks_like_update('INSERT DATA { <a> <b> <c> }'), looks_like_update('SELECT ?insert { ?s <urn:delete> ?o }')
    (True, False)
    """
    return bool(_UPDATE_WORDS.search(code_only(text)))


def _walk(node, found: dict[str, list]) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name in found:
                found[item.name].append(item)
            stack.extend(reversed(list(item.values())))  # document order
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(reversed(list(item)))


def _targets(prologue, nodes, key: str) -> list[str]:
    out = []
    for node in nodes:
        term = node.get(key)
        if isinstance(term, Variable):
            out.append("?" + str(term))
        else:
            out.append(str(prologue.absolutize(term)))
    return out


def top_level_limit(code: str) -> int | None:
    """The LIMIT outside every brace of ``code`` (see ``code_only``): the query's own, not a subquery's.

    >>> top_level_limit(code_only("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 5 } } LIMIT 10"))
    10
    >>> top_level_limit(code_only("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 5 } }")) is None
    True
    """
    for m in _LIMIT.finditer(code):
        before = code[: m.start()]
        if before.count("{") == before.count("}"):
            return int(m.group(1))
    return None


@lru_cache(maxsize=CACHE_SIZE)
def inspect_query(text: str, base_iri: str | None = None) -> Inspection:
    code = code_only(text)
    depth = nesting_depth(code)
    limit = top_level_limit(code)
    found_form = _FORM.search(code)
    form = found_form.group(1).upper() if found_form else ""
    lowered = expand_escapes(text).lower()
    maybe_service, maybe_from = "service" in lowered, "from" in lowered
    if not (maybe_service or maybe_from):
        return Inspection(depth, limit, form)
    try:
        parsed = sparql_parser.Query.parse_string(text, parse_all=True)
        prologue = translatePrologue(parsed[0], base_iri)
    except (ParseException, RecursionError, ValueError, TypeError) as exc:
        has_dataset = bool(_FROM_WORD.search(code))
        if maybe_service:
            return Inspection(depth, limit, form, has_dataset, unknown=f"the query does not parse ({_short(exc)})")
        return Inspection(depth, limit, form, has_dataset)
    found: dict[str, list] = {"ServiceGraphPattern": [], "DatasetClause": []}
    _walk(parsed[1], found)
    try:
        services = _targets(prologue, found["ServiceGraphPattern"], "term")
    except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for an undeclared prefix
        return Inspection(depth, limit, form, bool(found["DatasetClause"]),
                          unknown=f"a SERVICE target does not resolve ({_short(exc)})")
    unknown = None
    if len(_SERVICE_WORD.findall(code)) > len(services):
        unknown = "the query's SERVICE clauses could not all be told apart"
    return Inspection(depth, limit, form, bool(found["DatasetClause"]), tuple(services), unknown=unknown)


@lru_cache(maxsize=256)
def inspect_update(text: str, base_iri: str | None = None) -> Inspection:
    code = code_only(text)
    depth = nesting_depth(code)
    names_dataset = bool(_DATASET_WORDS.search(code))
    lowered = expand_escapes(text).lower()
    if "service" not in lowered and "load" not in lowered:
        return Inspection(depth, names_dataset=names_dataset)  # reaches nothing outside; the engine judges syntax
    try:
        parsed = sparql_parser.UpdateUnit.parse_string(text, parse_all=True)[0]
    except (ParseException, RecursionError, ValueError, TypeError) as exc:
        return Inspection(depth, names_dataset=names_dataset, unknown=f"the update does not parse ({_short(exc)})")
    services: list[str] = []
    loads: list[str] = []
    prologue = None
    try:
        for prologue_node, request in zip(parsed.get("prologue", []), parsed.get("request", []), strict=False):
            # prefixes and BASE carry over from one operation to the next
            prologue = translatePrologue(prologue_node, base_iri, prologue=prologue)
            found: dict[str, list] = {"ServiceGraphPattern": [], "Load": []}
            _walk(request, found)
            services += _targets(prologue, found["ServiceGraphPattern"], "term")
            loads += _targets(prologue, found["Load"], "iri")
    except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for an undeclared prefix
        return Inspection(depth, names_dataset=names_dataset, unknown=f"a target does not resolve ({_short(exc)})")
    unknown = None
    if len(_SERVICE_WORD.findall(code)) > len(services):
        unknown = "the update's SERVICE clauses could not all be told apart"
    return Inspection(depth, services=tuple(services), loads=tuple(loads), names_dataset=names_dataset,
                      unknown=unknown)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__

