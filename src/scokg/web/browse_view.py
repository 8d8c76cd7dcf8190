"""Lists of things by class, Datasette-style: one table per class of the ontology with the columns a reader of that
class wants, facets with counts, sorting, and every view a URL (``/browse/Initiative?priority=priority-security&
year=2024&sort=year``). The graph is small, so each release's triples are read once and the lists made from them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..namespaces import BASE, GEO, SCO
from . import provenance_view as prov
from .runtime import cached
from .views import Thing, href, label, link_view, literal_view, pick, things

YEAR_PROPS = (SCO.year, SCO.startYear, SCO.endYear, SCO.inferredYear)


@dataclass(frozen=True)
class Column:
    key: str  # its name in URLs (sort=, facets)
    kind: str  # name | kind | link | text | years | count | number | quote | language
    props: tuple = ()
    title: str | None = None  # a UI key; else the first property's name
    facet: bool = False


NAME = Column("name", "name", title="name")
KIND = Column("kind", "kind", title="kind", facet=True)
COLUMNS = {
    "Priority": (Column("order", "number", (SCO.order,), title="col_order"), NAME,
                 Column("initiatives", "count", (SCO.servesPriority,), title="initiatives")),
    "Initiative": (NAME, KIND,
                   Column("priority", "link", (SCO.servesPriority, SCO.partOfAgenda), title="col_priority", facet=True),
                   Column("place", "link", (SCO.locatedIn,), title="col_place", facet=True),
                   Column("status", "link", (SCO.status,), title="col_status", facet=True),
                   Column("year", "years", YEAR_PROPS, title="year", facet=True),
                   Column("proposer", "link", (SCO.proposedBy,), title="col_proposer", facet=True)),
    "Event": (NAME, KIND, Column("place", "link", (SCO.locatedIn,), title="col_place", facet=True),
              Column("date", "text", (SCO.dateAsWritten,), title="col_date"),
              Column("year", "years", YEAR_PROPS, title="year", facet=True),
              Column("organiser", "link", (SCO.organisedBy,), title="col_organiser", facet=True)),
    "Agent": (NAME, KIND,
              Column("part-of", "link", (SCO.subOrganisationOf, SCO.worksFor), title="col_part_of", facet=True),
              Column("job", "text", (SCO.jobTitle,), title="col_job")),
    "Location": (NAME, KIND, Column("in", "link", (SCO.capitalOf, SCO.inCountry), title="col_in"),
                 Column("here", "count", (SCO.locatedIn,), title="col_here"),
                 Column("lat", "number", (GEO.lat,), title="col_lat"),
                 Column("long", "number", (GEO.long,), title="col_long")),
    "Source": (NAME, KIND, Column("language", "text", (DCTERMS.language,), title="col_language", facet=True),
               Column("publisher", "link", (DCTERMS.publisher, DCTERMS.creator), title="col_publisher")),
    "Quote": (Column("words", "quote", title="quote_words"),
              Column("language", "language", title="col_language", facet=True),
              Column("source", "link", (PROV.wasQuotedFrom,), title="col_source", facet=True)),
}
DEFAULT_COLUMNS = (NAME, KIND, Column("description", "description", title="definition"))


def read_triples(store) -> dict[str, dict]:
    """Every IRI's outgoing triples and, under the key 'incoming', who points at it by which property."""
    out: dict = defaultdict(lambda: defaultdict(list))
    incoming: dict = defaultdict(lambda: defaultdict(list))
    # Without xsd:gMonthDay values: the lists show dates as written, and rdflib (7.6) fails to read "--10-26",
    # logging the failure with a traceback that holds the query's pyoxigraph iterator.
    for r in store.select(f"""SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?s))
                                FILTER(!isLiteral(?o) || DATATYPE(?o) != <{XSD.gMonthDay}>) }}"""):
        out[str(r["s"])][r["p"]].append(r["o"])
        if isinstance(r["o"], URIRef):
            incoming[str(r["o"])][r["p"]].append(str(r["s"]))
    return {"out": out, "in": incoming}


def triples() -> dict:
    return cached("triples", read_triples)


def read_classes(store) -> dict[str, dict]:
    """Our classes: their members (with subclasses), direct subclasses and parents."""
    members: dict = defaultdict(set)
    for r in store.select(f"""SELECT ?c ?x WHERE {{ ?x a ?t . ?t <{RDFS.subClassOf}>* ?c
                                FILTER(STRSTARTS(STR(?c), "{SCO}") && isIRI(?x)) }}"""):
        members[str(r["c"])].add(str(r["x"]))
    children: dict = defaultdict(set)
    parents: dict = defaultdict(set)
    for r in store.select(f"""SELECT ?c ?p WHERE {{ ?c <{RDFS.subClassOf}> ?p
                               FILTER(STRSTARTS(STR(?c), "{SCO}") && STRSTARTS(STR(?p), "{SCO}")) }}"""):
        children[str(r["p"])].add(str(r["c"]))
        parents[str(r["c"])].add(str(r["p"]))
    return {c: {"members": members[c], "children": children[c], "parents": parents[c]} for c in members}


def classes() -> dict[str, dict]:
    return cached("classes", read_classes)


def class_href(cls) -> str:
    return href(f"/browse/{str(cls)[len(str(SCO)):]}")


def class_tree(lang: str) -> list[dict]:
    """The classes with members, each under its parents (a class with two parents shows under both)."""
    known = classes()

    def node(c: str, depth: int) -> dict:
        kids = sorted((k for k in known[c]["children"] if k in known), key=lambda k: label(k, lang=lang).lower())
        return {"iri": c, "href": class_href(c), "label": label(c, lang=lang), "count": len(known[c]["members"]),
                "children": [node(k, depth + 1) for k in kids] if depth < 3 else []}

    roots = [c for c, v in known.items() if not any(p in known for p in v["parents"])]
    return sorted((node(c, 0) for c in roots), key=lambda n: -n["count"])


def columns_for(cls: str) -> tuple[Column, ...]:
    """The columns of the class or of its nearest ancestor that has some."""
    todo, seen = [cls], set()
    while todo:
        c = todo.pop(0)
        local = c[len(str(SCO)):]
        if local in COLUMNS:
            return COLUMNS[local]
        seen.add(c)
        todo += [p for p in sorted(classes().get(c, {}).get("parents", ())) if p not in seen]
    return DEFAULT_COLUMNS


def _years(values: list) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(str(v)[:4]))
        except ValueError:
            continue
    return out


def cell(column: Column, iri: str, cls: str, lang: str) -> dict:
    """One cell: what to show, how to sort it, and its facet values as (key, label) pairs."""
    props = triples()["out"].get(iri, {})
    thing = things().get(iri) or Thing()
    if column.kind == "name":
        text = label(iri, lang=lang)
        return {"links": [link_view(iri, lang)], "sort": text.lower(), "facets": []}
    if column.kind == "kind":
        sub = [t for t in thing.types if t.startswith(str(SCO)) and t != cls]
        sub = [t for t in sub if not any(t in classes().get(o, {}).get("parents", ()) for o in sub)] or sub
        return {"text": ", ".join(label(t, lang=lang) for t in sub), "sort": ",".join(sorted(sub)),
                "facets": [(t[len(str(SCO)):], label(t, lang=lang)) for t in sub]}
    values = [v for p in column.props for v in props.get(p, [])]
    if column.kind == "link":
        links = sorted((link_view(v, lang) for v in values if isinstance(v, URIRef)), key=lambda v: v["text"])
        return {"links": links, "sort": " ".join(v["text"].lower() for v in links),
                "facets": [(_slug(v["iri"]), v["text"]) for v in links]}
    if column.kind == "years":
        years = sorted(set(_years(values)))
        inferred = not any(props.get(p) for p in YEAR_PROPS[:3]) and bool(years)
        text = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
        span = range(years[0], years[-1] + 1) if years else range(0)
        return {"text": text, "inferred": inferred, "sort": years[0] if years else 9999,
                "facets": [(str(y), str(y)) for y in span]}
    if column.kind == "count":
        n = sum(len(v) for p, v in triples()["in"].get(iri, {}).items() if p in column.props)
        return {"text": str(n), "number": True, "sort": n, "facets": []}
    if column.kind == "number":
        shown = [literal_view(v, lang)["text"] for v in values if isinstance(v, Literal)]
        first = float(str(values[0])) if values else 1e9
        return {"text": ", ".join(shown), "number": True, "sort": first, "facets": []}
    if column.kind in ("quote", "language"):
        q = prov.quotes().get(iri)
        if column.kind == "language":
            code = (q.lang if q else None) or ""
            return {"text": code, "sort": code, "facets": [(code, code)] if code else []}
        return {"quote": q.text if q else label(iri, lang=lang), "lang": q.lang if q else None,
                "href": href(iri), "sort": (q.text if q else "").lower(), "facets": []}
    if column.kind == "description":
        description = pick(thing.descriptions, lang)[0] or ""
        return {"text": description, "sort": description.lower(), "facets": []}
    by_lang = {v.language or "": str(v) for v in values if isinstance(v, Literal)}
    value = pick(by_lang, lang)[0] or ""
    return {"text": value, "sort": value.lower(), "facets": [(value, value)] if value else []}


def _slug(iri: str) -> str:
    return iri[len(BASE + "id/"):] if iri.startswith(BASE + "id/") else iri


def class_table(cls: str, args, lang: str) -> dict:
    """The rows of a class's table after the facet filters in ``args``, sorted as asked, with the facets' counts."""
    columns = columns_for(cls)
    members = sorted(classes().get(cls, {}).get("members", ()))
    rows = [{"iri": m, "cells": {c.key: cell(c, m, cls, lang) for c in columns}} for m in members]
    facets = [c for c in columns if c.facet]
    chosen = {c.key: args.getlist(c.key) for c in facets if args.getlist(c.key)}
    shown = [r for r in rows if all(any(k in {f[0] for f in r["cells"][key]["facets"]} for k in keys)
                                    for key, keys in chosen.items())]
    sort = args.get("sort") if args.get("sort") in {c.key for c in columns} else columns[0].key
    descending = args.get("desc") == "1"
    shown.sort(key=lambda r: (str(type(r["cells"][sort]["sort"])), r["cells"][sort]["sort"]), reverse=descending)
    facet_views = []
    for c in facets:
        counts: Counter = Counter()
        # names from every row: a chosen value that no shown row has still reads as its name, not its key
        names: dict = {k: text for r in rows for k, text in r["cells"][c.key]["facets"]}
        for r in shown:
            for key in dict(r["cells"][c.key]["facets"]):
                counts[key] += 1
        if counts or c.key in chosen:
            values = sorted(counts.items(), key=lambda kv: (c.kind != "years" and -kv[1], kv[0]))
            facet_views.append({"column": c, "values": [{"key": k, "label": names.get(k, k), "count": n,
                                                         "chosen": k in chosen.get(c.key, [])} for k, n in values],
                                "chosen": [{"key": k, "label": names.get(k, k)} for k in chosen.get(c.key, [])]})
    return {"columns": columns, "rows": shown, "total": len(rows), "facets": facet_views, "sort": sort,
            "descending": descending, "chosen": chosen}


def in_class(iri: str, cls: str) -> bool:
    return iri in classes().get(cls, {}).get("members", ())


def types_of(iri: str) -> list[str]:
    return [str(t) for t in triples()["out"].get(iri, {}).get(RDF.type, [])]
