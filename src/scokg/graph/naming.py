"""The gate's first line on statements: the words a statement cites name what it is about, and its value.

Some name of a statement's subject (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel`` or ``skos:hiddenLabel``)
must stand in its quotes of at least one language, and some name of its value in its quotes of each language they
are in (a translation may say "at the Council" where the other says "the Council's meeting", but no quote in any
language may be about something else altogether). A name stands in the words when each of its content words is
there in some form: words are compared by their lemma (simplemma) and their stem (Snowball), for English and
German, so "Kirgisischen Republik" names the Kyrgyz Republic labelled "Kirgisische Republik", "plant" names the
status "geplant" and "Proposals" names "proposed", without inflected forms written in as names.

A value that follows without being named (a pronoun, "the country") carries an ``sco:inferenceNote``; the note is
part of what a reviewer approves (``review``), so a value changed under an old note is refused until read again.

>>> names_in("Kazakhstan’s proposed idea of establishing an SCO Investment Fund", "SCO Investment Fund", "en")
True
>>> names_in("Das Land plant, die Annahme", "geplant", "de")
True
>>> names_in("Kazakhstan aims to consolidate", "proposed", "en")
False
"""

from __future__ import annotations

import re
from functools import lru_cache

import rdflib
import simplemma
import snowballstemmer
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import PROV, RDFS, SKOS

from ..namespaces import SCO
from .anchor import OA
from .report import Violation, short_name

NAMING_RULE = "gate:NamingRule"
NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
WORD = re.compile(r"\w+")
STEMMERS = {"en": "english", "de": "german"}
STOPWORDS = {
    "en": {"a", "an", "the", "of", "for", "and", "or", "in", "on", "at", "to", "be", "by", "with", "its", "it", "as",
           "from", "into", "under"},
    "de": {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder",
           "für", "von", "zu", "zur", "zum", "im", "in", "am", "an", "auf", "mit", "bei", "als", "sein", "ihr", "ihre"},
}


@lru_cache(maxsize=65536)
def forms(word: str, lang: str) -> frozenset[str]:
    """The forms a word is compared by: itself, its lemma, and the stems of both (lower case)."""
    lower = word.lower()
    out = {lower}
    if lang in STEMMERS:
        lemma = simplemma.lemmatize(word, lang=lang).lower()
        stem = _stemmer(lang).stemWord
        out |= {lemma, stem(lower), stem(lemma)}
    return frozenset(out)


@lru_cache(maxsize=4)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(STEMMERS[lang])


def names_in(words: str, name: str, lang: str) -> bool:
    """Whether ``name`` stands in ``words``: each of its content words in some form."""
    present: set[str] = set()
    for w in WORD.findall(words):
        present |= forms(w, lang)
    content = [w for w in WORD.findall(name) if w.lower() not in STOPWORDS.get(lang, set())] or WORD.findall(name)
    return bool(content) and all(forms(w, lang) & present for w in content)


def names_of(g: rdflib.Graph, term, lang: str) -> list[str]:
    return [str(n) for p in NAME_PREDICATES for n in g.objects(term, p)
            if isinstance(n, Literal) and n.language == lang and str(n).strip()]


def check_naming(data: rdflib.Graph, origin: dict | None = None) -> list[Violation]:
    """One violation per statement whose quotes, in one of their languages, do not name its subject or its value."""
    origin = origin or {}
    out = []
    for st in sorted(set(data.subjects(RDF.type, RDF.Statement)), key=str):
        by_lang: dict[str, list[str]] = {}
        subject = data.value(st, RDF.subject)
        documents: set = set()
        for q in data.objects(st, PROV.wasDerivedFrom):
            if (q, RDF.type, SCO.Quote) not in data:
                continue
            documents.update(data.objects(q, PROV.wasQuotedFrom))
            for selector in data.objects(q, OA.hasSelector):
                for exact in data.objects(selector, OA.exact):
                    if isinstance(exact, Literal) and exact.language:
                        by_lang.setdefault(exact.language, []).append(str(exact))
        value = data.value(st, RDF.object)
        inferred = (st, SCO.inferenceNote, None) in data
        named_somewhere = False
        names_anywhere = []
        for lang, quotes in sorted(by_lang.items()):
            words = " ".join(quotes)
            if isinstance(subject, URIRef) and subject not in documents:
                names = names_of(data, subject, lang)
                names_anywhere += names
                named_somewhere = named_somewhere or any(names_in(words, n, lang) for n in names)
            names = names_of(data, value, lang) if isinstance(value, URIRef) and not inferred else []
            if names and not any(names_in(words, n, lang) for n in names):
                out.append(_violation(data, st, subject, value, "value", value, names, lang, origin))
        if names_anywhere and not named_somewhere:
            out.append(_violation(data, st, subject, value, "subject", subject, names_anywhere,
                                  "/".join(sorted(by_lang)), origin))
    return out


def _violation(data, st, subject, value, role, term, names, lang, origin) -> Violation:
    predicate = short_name(data.value(st, RDF.predicate))
    advice = "" if role == "subject" else (", correct the value, or, where it follows without being named, say why "
                                           "in sco:inferenceNote (en and de)")
    return Violation(
        focus=short_name(subject), path=predicate, constraint=NAMING_RULE, severity="Violation", shape=NAMING_RULE,
        source_file=origin.get(subject, ""),
        message=f"The {lang} quotes of ({short_name(subject)} {predicate} {short_name(value)}) do not name its {role} "
                f"{short_name(term)} ({' / '.join(names)}): cite the words that state the fact{advice}.")
