"""Quotes anchored in their sources: the W3C Web Annotation selectors of every quote, computed from its words.

A quote is written once, as its exact words (``oa:exact`` of its ``oa:TextQuoteSelector``) and its source
(``prov:wasQuotedFrom``). Everything else in ``data/quotes.ttl`` follows from those and from the source's text, and is
rewritten here: the published text (``oa:hasSource``), the words before and after (``oa:prefix``, ``oa:suffix``),
the position (``oa:TextPositionSelector``: ``oa:start``, ``oa:end``, in Unicode characters of the file decoded as
UTF-8, as RFC 5147's ``#char=start,end`` counts them) and the labels. The file is written sorted, so the same
quotes always give the same bytes. Words found nowhere in the text, or in several places that the given prefix
does not tell apart, are refused: positions are never typed by hand.

>>> locate("one two one", "one", "")
Traceback (most recent call last):
...
scokg.errors.LoadError: the words occur 2 times in the text: give an oa:prefix that tells them apart
>>> locate("one two one", "one", "two ")
8
>>> context("abcdefgh", 3, 5, width=2)
('bc', 'fg')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, Literal
from rdflib.namespace import DCAT, DCTERMS, PROV

from ..errors import LoadError
from ..namespaces import BASE, ID, SCO

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
SOURCES_BASE = BASE + "sources/"
QUOTES_FILE = Path("data") / "quotes.ttl"
CONTEXT = 32  # characters of oa:prefix and oa:suffix, more where that is not enough to make the quote unique
LABEL_WORDS = 57
LANGUAGE_NAMES = {"en": ("English", "englischen"), "de": ("German", "deutschen")}
HEADER = """\
# Quote nodes: the words of the source articles that state the facts (statements point here with
# prov:wasDerivedFrom). Written by `scokg anchor` from each quote's exact words (oa:exact) and source
# (prov:wasQuotedFrom): edit those, then run `scokg anchor`; selectors, positions and labels are computed.
# Positions count Unicode characters of the source file decoded as UTF-8 (RFC 5147: #char=start,end).
@prefix sco: <https://w3id.org/scokg/ontology#> .
@prefix id: <https://w3id.org/scokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@dataclass(frozen=True)
class Anchor:
    """One quote and where its words stand in its source's text."""

    iri: str
    source: str  # the sco:Source it is quoted from
    text_iri: str  # the published text (the source's dcat:downloadURL)
    lang: str
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class AnchorResult:
    path: Path
    anchors: list[Anchor]
    changed: bool


def source_text(sources_dir: Path, text_iri: str) -> str:
    """The text a quote's oa:hasSource names, decoded as UTF-8 (newlines kept as they are in the file)."""
    if not text_iri.startswith(SOURCES_BASE):
        raise LoadError(f"{text_iri} is not a published source text ({SOURCES_BASE}<file>)")
    path = sources_dir / text_iri.removeprefix(SOURCES_BASE)
    if "/" in text_iri.removeprefix(SOURCES_BASE) or not path.is_file():
        raise LoadError(f"no text {path.name} in {sources_dir}")
    return path.read_bytes().decode("utf-8")


def locate(text: str, exact: str, prefix: str) -> int:
    """Where ``exact`` starts in ``text``: its only occurrence, or the only one preceded by ``prefix``."""
    starts = [i for i in range(len(text)) if text.startswith(exact, i)] if exact else []
    if len(starts) > 1 and prefix:
        starts = [i for i in starts if text[:i].endswith(prefix)]
    if len(starts) != 1:
        if not starts:
            raise LoadError("the words do not occur in the text" + (" after the given oa:prefix" if prefix else ""))
        raise LoadError(f"the words occur {len(starts)} times in the text: give an oa:prefix that tells them apart")
    return starts[0]


def context(text: str, start: int, end: int, width: int = CONTEXT) -> tuple[str, str]:
    """The words before and after, ``width`` characters each, more where needed to make the quote unique."""
    while True:
        prefix, suffix = text[max(0, start - width):start], text[end:end + width]
        whole = prefix + text[start:end] + suffix
        if text.count(whole) == 1 or (start - width <= 0 and end + width >= len(text)):
            return prefix, suffix
        width *= 2


def _one(g: rdflib.Graph, s, p):
    values = list(g.objects(s, p))
    return values[0] if len(values) == 1 else None


def read_anchors(data: rdflib.Graph, sources_dir: Path) -> list[Anchor]:
    """Every quote of the data, anchored afresh in its source's text; LoadError names the first that cannot be."""
    anchors = []
    for quote in sorted(set(data.subjects(RDF.type, SCO.Quote)), key=str):
        source = _one(data, quote, PROV.wasQuotedFrom)
        selectors = [s for s in data.objects(quote, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in data]
        exact = _one(data, selectors[0], OA.exact) if len(selectors) == 1 else None
        if source is None or not isinstance(exact, Literal):
            raise LoadError(f"{quote}: give one prov:wasQuotedFrom and one oa:TextQuoteSelector with its oa:exact")
        text_iri = _one(data, source, DCAT.downloadURL)
        if text_iri is None:
            raise LoadError(f"{quote}: its source {source} has no dcat:downloadURL naming its text")
        hint = str(_one(data, selectors[0], OA.prefix) or "")
        try:
            text = source_text(sources_dir, str(text_iri))
            start = locate(text, str(exact), hint)
        except LoadError as exc:
            raise LoadError(f"{quote}: {exc.message}", hint="copy the words letter for letter from the source "
                            "text, and add an oa:prefix where they occur more than once") from None
        end = start + len(str(exact))
        prefix, suffix = context(text, start, end)
        lang = exact.language or str(_one(data, source, DCTERMS.language) or "")
        anchors.append(Anchor(str(quote), str(source), str(text_iri), lang, str(exact), prefix, suffix, start, end))
    return anchors


def _string(text: str) -> str:
    """A Turtle string literal: backslash, quote and line breaks escaped."""
    for char, escape in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(char, escape)
    return f'"{text}"'


def _term(iri: str) -> str:
    return "id:" + iri.removeprefix(str(ID)) if iri.startswith(str(ID)) else f"<{iri}>"


def _labels(a: Anchor) -> str:
    english, german = LANGUAGE_NAMES.get(a.lang, (a.lang, a.lang))
    words = a.exact if len(a.exact) <= LABEL_WORDS + 2 else a.exact[:LABEL_WORDS] + "…"
    return (f"{_string(f'Quote from the {english} article: “{words}”')}@en, "
            f"{_string(f'Zitat aus dem {german} Artikel: „{words}“')}@de")


def render_quotes(anchors: list[Anchor]) -> str:
    """The quotes file, one block per quote in IRI order."""
    blocks = [HEADER]
    for a in sorted(anchors, key=lambda a: a.iri):
        blocks.append(
            f"{_term(a.iri)} a sco:Quote, oa:SpecificResource ;\n"
            f"    rdfs:label {_labels(a)} ;\n"
            f"    prov:wasQuotedFrom {_term(a.source)} ;\n"
            f"    oa:hasSource {_term(a.text_iri)} ;\n"
            f"    oa:hasSelector [ a oa:TextQuoteSelector ;\n"
            f"            oa:exact {_string(a.exact)}@{a.lang} ;\n"
            f"            oa:prefix {_string(a.prefix)} ;\n"
            f"            oa:suffix {_string(a.suffix)} ] ,\n"
            f"        [ a oa:TextPositionSelector ;\n"
            f'            oa:start "{a.start}"^^xsd:nonNegativeInteger ;\n'
            f'            oa:end "{a.end}"^^xsd:nonNegativeInteger ] .\n')
    return "\n".join(blocks)


def anchor_quotes(root: str | Path, *, write: bool = True) -> AnchorResult:
    """(Re)compute the selectors of every quote in ``data/quotes.ttl`` and rewrite the file when they changed."""
    root = Path(root)
    path = root / QUOTES_FILE
    data = rdflib.Graph()
    for f in sorted((root / "data").rglob("*.ttl")):
        try:
            data.parse(f)
        except (SyntaxError, ValueError) as exc:  # rdflib's parse errors
            raise LoadError(str(exc), path=str(f)) from None
    anchors = read_anchors(data, root / "data" / "sources")
    if not anchors:
        raise LoadError(f"no sco:Quote in {root / 'data'}")
    text = render_quotes(anchors)
    changed = not path.is_file() or path.read_text(encoding="utf-8") != text
    if changed and write:
        path.write_text(text, encoding="utf-8")
    return AnchorResult(path, anchors, changed)


def fragment_link(text_iri: str, start: int, end: int) -> str:
    """The RFC 5147 link to a quote's place in its text: ``…/sources/<file>#char=start,end``.

    >>> fragment_link("https://w3id.org/scokg/sources/a.txt", 3, 9)
    'https://w3id.org/scokg/sources/a.txt#char=3,9'
    """
    return f"{text_iri}#char={start},{end}"


__all__ = ["OA", "Anchor", "AnchorResult", "anchor_quotes", "fragment_link", "locate", "read_anchors",
           "render_quotes", "source_text"]
