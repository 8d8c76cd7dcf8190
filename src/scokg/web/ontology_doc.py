"""HTML documentation of the ontology and the shapes, built from their graphs (no pyLODE needed).

Every term of the ontology's namespace gets an entry (anchor = its local name, so the hash IRI
``…/ontology#City`` lands on it) with its label and definition in the reader's language, domain,
range, super-terms, alignments to other vocabularies, and how often the release uses it: a class's
instances (with its subclasses', linking to their list) and a property's triples.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from ..namespaces import SCO
from .browse_view import class_href, classes
from .i18n import UI, format_number
from .views import curie, href, label, literals_by_lang, pick

LANGS = ("en", "de")
DEFINITION_PROPS = (SKOS.definition, RDFS.comment, DCTERMS.description)
ALIGNMENT_PROPS = (OWL.equivalentClass, OWL.equivalentProperty, SKOS.exactMatch, SKOS.closeMatch,
                   SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch, RDFS.seeAlso)
KINDS = (
    ("classes", (OWL.Class, RDFS.Class)),
    ("object_properties", (OWL.ObjectProperty,)),
    ("datatype_properties", (OWL.DatatypeProperty,)),
    ("other_properties", (OWL.AnnotationProperty, RDF.Property, OWL.FunctionalProperty,
                          OWL.TransitiveProperty, OWL.SymmetricProperty)),
)


def _refs(graph: Graph, subject, prop) -> list[dict]:
    out = []
    for o in sorted(graph.objects(subject, prop), key=str):
        if isinstance(o, URIRef):
            out.append({"href": href(o), "label": label(o, graph), "curie": curie(str(o)), "iri": str(o)})
        elif isinstance(o, BNode):  # owl:unionOf lists and restrictions: name their members
            members = [m for lst in graph.objects(o, OWL.unionOf) for m in graph.items(lst)]
            out.extend({"href": href(m), "label": label(m, graph), "curie": curie(str(m)), "iri": str(m)}
                       for m in members)
    return out


def term_entry(graph: Graph, term: URIRef, lang: str = "en", stats=None) -> dict:
    labels = literals_by_lang(graph, term, (RDFS.label, SKOS.prefLabel))
    definitions = literals_by_lang(graph, term, DEFINITION_PROPS)
    members = classes().get(str(term), {}).get("members")
    uses = (stats.property_counts.get(str(term)) if stats is not None else None) or 0
    alignments = []
    for prop in (*ALIGNMENT_PROPS, RDFS.subClassOf, RDFS.subPropertyOf):
        for ref in _refs(graph, term, prop):
            if not ref["iri"].startswith(str(SCO)):
                alignments.append({"prop": curie(str(prop)), **ref})
    return {
        "iri": str(term), "anchor": str(term)[len(str(SCO)):], "curie": curie(str(term)),
        "labels": {code: labels.get(code) for code in LANGS},
        "definitions": {code: definitions.get(code) for code in LANGS},
        "label": pick(labels, lang)[0] or str(term)[len(str(SCO)):],
        "label_lang": pick(labels, lang)[1] or None,
        "definition": pick(definitions, lang)[0], "definition_lang": pick(definitions, lang)[1] or None,
        "instances": len(members) if members else 0, "instances_href": class_href(term) if members else None,
        "uses": format_number(str(uses), lang) if uses else None,
        "domain": _refs(graph, term, RDFS.domain), "range": _refs(graph, term, RDFS.range),
        "parents": [r for r in _refs(graph, term, RDFS.subClassOf) + _refs(graph, term, RDFS.subPropertyOf)
                    if r["iri"].startswith(str(SCO))],
        "alignments": alignments,
        "types": [curie(str(t)) for t in sorted(graph.objects(term, RDF.type), key=str)],
    }


def ontology_view(graph: Graph, lang: str, stats=None) -> dict:
    """Sections of terms (classes, object/datatype/other properties) plus the ontology's own header."""
    onto = next((s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    seen: set = set()
    sections = []
    for key, types in KINDS:
        terms = sorted({s for t in types for s in graph.subjects(RDF.type, t)
                        if isinstance(s, URIRef) and str(s).startswith(str(SCO)) and s not in seen},
                       key=lambda s: str(s).lower())
        seen.update(terms)
        if terms:
            sections.append({"key": key, "terms": [term_entry(graph, t, lang, stats) for t in terms]})
    # terms of our namespace that carry no type still deserve an anchor
    rest = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(SCO))
                   and str(s) != str(SCO) and s not in seen}, key=str)
    if rest:
        sections.append({"key": "other_properties", "terms": [term_entry(graph, t, lang, stats) for t in rest]})
    header: dict = {}
    if onto is not None:
        header = {
            "iri": str(onto),
            "titles": literals_by_lang(graph, onto, (DCTERMS.title, RDFS.label)),
            "descriptions": literals_by_lang(graph, onto, (DCTERMS.description, RDFS.comment)),
            "version": next((str(v) for v in graph.objects(onto, OWL.versionInfo)), None),
            "version_iri": next((str(v) for v in graph.objects(onto, OWL.versionIRI)), None),
            "license": next((str(v) for v in graph.objects(onto, DCTERMS.license)), None),
            "imports": [str(v) for v in graph.objects(onto, OWL.imports)],
        }
    return {"kind": "ontology", "header": header, "sections": sections, "rel": "/ontology",
            "title": (header.get("titles") or {}).get(lang) or (header.get("titles") or {}).get("en") or "Ontology"}


def shapes_view(graph: Graph, lang: str) -> dict:
    """Each node shape with its targets and property constraints, in a readable table."""
    shapes = []
    for shape in sorted({s for s in graph.subjects(RDF.type, SH.NodeShape)}, key=str):
        props = []
        for ps in graph.objects(shape, SH.property):
            constraints = []
            for p, o in sorted(graph.predicate_objects(ps), key=str):
                if p in (SH.path, SH.message, SH.name, SH.description) or isinstance(o, BNode):
                    continue
                text = curie(str(o)) if isinstance(o, URIRef) else str(o)
                constraints.append(f"{curie(str(p))} {text}")
            path = next(iter(graph.objects(ps, SH.path)), None)
            messages = literals_by_lang(graph, ps, (SH.message,))
            path_label = curie(str(path)) if isinstance(path, URIRef) else "(complex path)"
            props.append({"path": {"href": href(path) if isinstance(path, URIRef) else None, "label": path_label},
                          "label": path_label,
                          "constraints": constraints,
                          **_message(messages, lang)})
        targets = [{"href": href(t), "label": label(t, graph)}
                   for t in sorted(graph.objects(shape, SH.targetClass), key=str)]
        messages = literals_by_lang(graph, shape, (SH.message, RDFS.comment))
        shapes.append({"iri": str(shape), "anchor": str(shape).rsplit("#", 1)[-1], "curie": curie(str(shape)),
                       "targets": targets, "properties": sorted(props, key=lambda p: str(p["label"])),
                       **_message(messages, lang)})
    return {"kind": "shapes", "shapes": shapes, "rel": "/shapes", "title": UI[lang]["shapes"], "header": {},
            "sections": [], "english_only": lang != "en" and any(
                s["message_lang"] == "en" or any(p["message_lang"] == "en" for p in s["properties"]) for s in shapes)}


def _message(messages: dict, lang: str) -> dict:
    """A shape's message in the reader's language, else English (then marked as English on the page)."""
    for key in (lang, "", "en"):
        if messages.get(key):
            return {"message": messages[key], "message_lang": key or None}
    return {"message": None, "message_lang": None}

