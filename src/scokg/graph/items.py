"""The data as reviewable items, each with a digest of its canonical content.

Every triple of ``data/`` belongs to at least one item, so no edit of the data leaves every digest as it was:

- a **statement** (an ``rdf:Statement``): its subject, predicate and value, whether the data asserts that fact, the
  exact words and selectors of each quote it cites, its notes and every other annotation (a link to Wikidata is a
  statement too, of kind **link**);
- an **entity** (an IRI that is not a quote): its names, descriptions, types and every other triple about it that
  no statement describes;
- a **quote**: its words, source, selectors and labels;
- a **file** of ``data/`` that is not RDF (the source texts, the Wikidata snapshot): its bytes.

Content is canonical: IRIs and literals in N-Triples form, blank nodes by what they hold, lists sorted; so a file
re-serialised, reordered or split differently gives the same digests.

>>> items = items_of_triples(list(ox.parse(b'''
... @prefix sco: <https://w3id.org/scokg/ontology#> .
... @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
... <urn:a> sco:locatedIn <urn:b> ; <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .
... [] a rdf:Statement ; rdf:subject <urn:a> ; rdf:predicate sco:locatedIn ; rdf:object <urn:b> .''',
... format=ox.RdfFormat.TURTLE)))
>>> sorted((i.kind, i.key) for i in items)
[('entity', '<urn:a>'), ('statement', '<urn:a> <https://w3id.org/scokg/ontology#locatedIn> <urn:b>')]
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..formats import SOURCE_SUFFIXES
from ..namespaces import PROV, RDF, SCO, WD
from .load import SOURCE_GRAPHS, parse_file, source_files

OA_NS = "http://www.w3.org/ns/oa#"
STATEMENT = ox.NamedNode(str(RDF.Statement))
TYPE = ox.NamedNode(str(RDF.type))
SUBJECT, PREDICATE, OBJECT = (ox.NamedNode(str(RDF[n])) for n in ("subject", "predicate", "object"))
DERIVED = ox.NamedNode(str(PROV.wasDerivedFrom))
QUOTE = ox.NamedNode(str(SCO.Quote))
SELECTOR = ox.NamedNode(OA_NS + "hasSelector")
EXACT, PREFIX, SUFFIX = (ox.NamedNode(OA_NS + n) for n in ("exact", "prefix", "suffix"))
START, END = ox.NamedNode(OA_NS + "start"), ox.NamedNode(OA_NS + "end")
QUOTED_FROM = ox.NamedNode(str(PROV.wasQuotedFrom))
HAS_SOURCE = ox.NamedNode(OA_NS + "hasSource")


@dataclass(frozen=True)
class Item:
    """One reviewable item: ``kind`` (statement, link, entity, quote, file), ``key`` (what it is about: the same
    across versions of a statement whose value did not change), its canonical ``content`` and its ``digest``."""

    kind: str
    key: str
    content: dict = field(hash=False, compare=False)
    digest: str = ""

    @property
    def loose_key(self) -> str:
        """The key without the value: a statement whose value changed is still the same statement."""
        if self.kind in ("statement", "link"):
            return " ".join(self.key.split(" ")[:2])
        return self.key


def digest_of(kind: str, content: dict) -> str:
    text = json.dumps([kind, content], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def make_item(kind: str, key: str, content: dict) -> Item:
    return Item(kind, key, content, digest_of(kind, content))


class _Graph:
    def __init__(self, triples):
        self.out: dict = defaultdict(list)
        for t in triples:
            self.out[t.subject].append((t.predicate, t.object))

    def one(self, s, p):
        values = [o for q, o in self.out.get(s, ()) if q == p]
        return values[0] if len(values) == 1 else None

    def objects(self, s, p) -> list:
        return [o for q, o in self.out.get(s, ()) if q == p]

    def term(self, t, seen: frozenset = frozenset()) -> str:
        """A term's canonical form; a blank node by the sorted canonical forms of what it holds."""
        if isinstance(t, ox.BlankNode):
            if t in seen:
                return "[…]"  # a cycle of blank nodes: cut, not followed for ever
            inner = sorted(f"{p} {self.term(o, seen | {t})}" for p, o in self.out.get(t, ()))
            return "[" + " ; ".join(inner) + "]"
        return str(t)


def _quote(g: _Graph, q) -> dict:
    words = [s for s in g.objects(q, SELECTOR) if g.one(s, EXACT) is not None]
    places = [s for s in g.objects(q, SELECTOR) if g.one(s, START) is not None]
    exact = g.one(words[0], EXACT) if len(words) == 1 else None
    start, end = (g.one(places[0], START), g.one(places[0], END)) if len(places) == 1 else (None, None)

    def text(term) -> str | None:
        return term.value if isinstance(term, ox.Literal) else None

    def iri(term) -> str:
        return term.value if isinstance(term, ox.NamedNode) else ""

    return {"quote": iri(q), "source": iri(g.one(q, QUOTED_FROM)), "text": iri(g.one(q, HAS_SOURCE)),
            "words": text(exact), "lang": exact.language if isinstance(exact, ox.Literal) else None,
            "start": text(start), "end": text(end),
            "prefix": text(g.one(words[0], PREFIX)) if len(words) == 1 else None,
            "suffix": text(g.one(words[0], SUFFIX)) if len(words) == 1 else None}


def items_of_triples(triples: list) -> list[Item]:
    """The items of one graph's triples (``data/`` parsed)."""
    g = _Graph(triples)
    quotes = {s for s, pos in g.out.items() if (TYPE, QUOTE) in pos}
    statements = [s for s, pos in g.out.items() if (TYPE, STATEMENT) in pos]
    facts = {(t.subject, t.predicate, t.object) for t in triples}
    described: set = set()
    items: list[Item] = []
    for st in statements:
        s, p, o = g.one(st, SUBJECT), g.one(st, PREDICATE), g.one(st, OBJECT)
        described.add((s, p, o))
        cited = [q for q in g.objects(st, DERIVED) if q in quotes]
        others = sorted(f"{q} {g.term(v)}" for q, v in g.out[st]
                        if q not in (SUBJECT, PREDICATE, OBJECT) and not (q == DERIVED and v in quotes)
                        and not (q == TYPE and v == STATEMENT))
        content = {"subject": g.term(s) if s is not None else None, "predicate": g.term(p) if p is not None else None,
                   "object": g.term(o) if o is not None else None, "asserted": (s, p, o) in facts,
                   "quotes": sorted((_quote(g, q) for q in cited), key=lambda d: d["quote"]),
                   "annotations": others}
        kind = "link" if isinstance(o, ox.NamedNode) and o.value.startswith(str(WD)) else "statement"
        items.append(make_item(kind, f"{content['subject']} {content['predicate']} {content['object']}", content))
    for s, pos in g.out.items():
        if isinstance(s, ox.BlankNode):
            continue
        kind = "quote" if s in quotes else "entity"
        own = sorted(f"{p} {g.term(o)}" for p, o in pos if (s, p, o) not in described)
        if own or kind == "quote":
            items.append(make_item(kind, str(s), {"triples": own}))
    # a blank node nothing points at and that is no statement: an item of its own, so no triple goes unseen
    pointed = {o for pos in g.out.values() for _, o in pos if isinstance(o, ox.BlankNode)}
    for s in g.out:
        if isinstance(s, ox.BlankNode) and s not in pointed and s not in statements:
            items.append(make_item("node", g.term(s), {"node": g.term(s)}))
    return sorted(items, key=lambda i: (i.kind, i.key, i.digest))


def items_of_tree(root: str | Path) -> list[Item]:
    """Every item of a project's ``data/``: its RDF files' triples and its other files."""
    root = Path(root)
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for f in source_files(root) if f.graph == SOURCE_GRAPHS["data"] for q in parse_file(f)]
    items = items_of_triples(triples)
    for path in sorted((root / "data").rglob("*")):
        if path.is_file() and path.suffix not in SOURCE_SUFFIXES and path.name != LEDGER_NAME:
            data = path.read_bytes()
            items.append(make_item("file", path.relative_to(root / "data").as_posix(),
                                   {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}))
    return items


LEDGER_NAME = "review-ledger.jsonl"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def names_of_tree(root: str | Path, lang: str = "en") -> dict[str, str]:
    """IRI → its label in ``lang`` (data and ontology), for telling items in words."""
    names: dict[str, str] = {}
    for f in source_files(root):
        if f.graph == SOURCE_GRAPHS["shapes"]:
            continue
        for q in parse_file(f):
            o = q.object
            if q.predicate == LABEL and isinstance(o, ox.Literal) and o.language == lang:
                names.setdefault(q.subject.value if isinstance(q.subject, ox.NamedNode) else "", o.value)
    return names
