"""Every quote occurs letter for letter in the text of the article it names, in that article's language."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Namespace

ROOT = Path(__file__).resolve().parents[1]
SCO = Namespace("https://w3id.org/scokg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")


def _data() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        g.parse(path)
    return g


DATA = _data()
QUOTES = sorted(DATA.subjects(RDF.type, SCO.Quote))


def _text_of(source) -> str:
    url = DATA.value(source, DCAT.downloadURL)
    assert url is not None, f"{source} has no dcat:downloadURL naming its text"
    return (ROOT / "data" / "sources" / str(url).rsplit("/", 1)[1]).read_text(encoding="utf-8")


def test_there_are_quotes_in_both_languages():
    langs = {DATA.value(q, SCO.quoteText).language for q in QUOTES}
    assert langs == {"en", "de"}


@pytest.mark.parametrize("quote", QUOTES, ids=[str(q).rsplit("/", 1)[1] for q in QUOTES])
def test_quote_occurs_in_its_source(quote):
    words = DATA.value(quote, SCO.quoteText)
    source = DATA.value(quote, PROV.wasQuotedFrom)
    assert str(words) in _text_of(source), f"{quote}: not found letter for letter in its source"
    assert words.language == str(DATA.value(source, DCTERMS.language))


def test_every_quote_supports_something():
    used = set(DATA.objects(None, SCO.evidence))
    assert set(QUOTES) - used == set()
