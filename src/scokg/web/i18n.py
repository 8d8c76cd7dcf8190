"""The pages' own words in English and German, names for the standard vocabularies' properties (the ontology names
its own), and numbers and dates in the reader's format.

German follows the German article: "SOZ", „…“ quotes.

>>> format_number("1234.5", "de"), format_number("1234.5", "en")
('1.234,5', '1,234.5')
>>> format_date("--10-26", "de"), format_date("2026-11-24", "en")
('26. Oktober', '24 November 2026')
"""

from __future__ import annotations

import re

from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID

from ..namespaces import DCAT3, GEO, SCHEMA

LANGS = ("en", "de")
LANGUAGE_NAMES = {"en": {"en": "English", "de": "German"}, "de": {"en": "Englisch", "de": "Deutsch"}}
# What a quote's source is called under it, by the quote's language
ARTICLE_NAMES = {"en": {"en": "English article", "de": "German article"},
                 "de": {"en": "englischer Artikel", "de": "deutscher Artikel"}}

UI = {
    "en": {
        "home": "Home", "browse": "Browse", "query": "Query", "ontology": "Ontology", "dataset": "Dataset",
        "dumps": "Downloads", "timeline": "Timeline", "map": "Map", "search": "Search",
        "search_hint": "Search names", "search_label": "Search the names of things", "no_hits": "Nothing matches",
        "hits": "{n} found for “{q}”", "matched": "matched", "not_found": "Not found",
        "statements": "Statements", "incoming": "What links here", "type": "Type", "identifiers": "Identifiers",
        "also_known_as": "Also known as", "iri": "IRI", "formats": "This description as", "wikidata": "Wikidata",
        "location": "Location", "coordinates": "Coordinates", "other_language": "Deutsch",
        "missing_in_lang": "not given in English; shown in {language}", "only_in": "only in {language}",
        "source": "Source", "quote_in": "in the {language} article", "in_context": "read it in the article",
        "inference": "How scokg concluded this", "version_note": "About the language versions",
        "no_quote": "No quote in the article names this value.", "supports": "What these words state",
        "quote_words": "The exact words", "position": "characters {start}–{end}", "from_list": "from",
        "priorities": "The six priorities", "initiatives": "Initiatives", "beyond": "Beyond the six priorities",
        "counts": "In numbers", "triples": "triples", "entities": "things", "links": "links to Wikidata",
        "classes": "Classes", "object_properties": "Object properties", "datatype_properties": "Datatype properties",
        "other_properties": "Other properties", "domain": "Domain", "range": "Range", "alignments": "Alignments",
        "superclass": "Subclass of", "superproperty": "Subproperty of", "label": "Label", "definition": "Definition",
        "instances": "Instances", "uses": "Uses", "shapes": "Shapes", "targets": "Targets",
        "shapes_english": "", "rights_note": "", "matched_in": "({language} name)",
        "about": "About this dataset", "licence": "Licence", "sources": "Sources", "endpoint": "SPARQL endpoint",
        "all_things": "Everything in the graph", "items": "{n} items", "showing": "Showing {n} of {total}",
        "chosen_filters": "Filters chosen", "remove_filter": "Remove the filter {name}",
        "nothing_matches": "Nothing matches these filters.",
        "scroll_hint": "The table is wider than the screen: scroll it sideways.",
        "legend": "Legend", "legend_year": "a year the article names", "legend_span": "a period of several years",
        "legend_inferred": "a year inferred, not stated", "reset_view": "Reset the view",
        "filters": "Filter", "clear_filters": "Clear all filters", "kind": "Kind", "name": "Name", "any": "any",
        "sort_by": "Sort by", "ascending": "ascending", "descending": "descending", "year": "Year",
        "open": "open", "no_coordinates": "No coordinates in the graph", "places": "Places", "spans": "periods",
        "timeline_intro": "The initiatives and events with a year, from the article; spans are the periods it names.",
        "map_intro": "The places with coordinates (from Wikidata) and what the article puts there.",
        "inferred": "inferred", "page_not_found_hint": "Perhaps one of these:",
        "skip": "Skip to the content", "lang_switch": "Language", "license_note": "Data: CC BY 4.0",
        "site_source": "Source: The Astana Times", "favicon_title": "scokg",
        "home_title": "The priorities of Kazakhstan's SCO chairmanship",
        "site_title": "Kazakhstan's SCO chairmanship priorities",
        "meta_description": "Kazakhstan's priorities for its SCO chairmanship as linked open data: the initiatives, "
                            "places and people named in the article, each with its words, in English and German, "
                            "with a SPARQL endpoint.",
        "err_prefix": "the prefix “{prefix}:” is not declared", "err_end": "the query ends too early: a bracket or "
        "a clause is not closed", "err_from": "the query cannot be read from “{token}” on",
        "err_unexpected": "unexpected “{token}”{hint}",
        "err_missing": "a value is missing before “{token}”", "err_expected": " (expected {what})",
        "col_order": "No.", "col_priority": "Priority", "col_place": "Place", "col_status": "Status",
        "col_proposer": "Proposed by", "col_date": "Date as written", "col_organiser": "Organised by",
        "col_part_of": "Part of", "col_job": "Job title", "col_in": "In", "col_here": "Things here",
        "col_lat": "Latitude", "col_long": "Longitude", "col_language": "Language", "col_publisher": "Publisher",
        "col_source": "Source",
    },
    "de": {
        "home": "Start", "browse": "Stöbern", "query": "Abfrage", "ontology": "Ontologie", "dataset": "Datensatz",
        "dumps": "Downloads", "timeline": "Zeitleiste", "map": "Karte", "search": "Suchen",
        "search_hint": "Namen suchen", "search_label": "In den Namen der Dinge suchen", "no_hits": "Keine Treffer",
        "hits": "{n} Treffer für „{q}“", "matched": "gefunden als", "not_found": "Nicht gefunden",
        "statements": "Aussagen", "incoming": "Verweise hierher", "type": "Typ", "identifiers": "Kennungen",
        "also_known_as": "Auch bekannt als", "iri": "IRI", "formats": "Diese Beschreibung als",
        "wikidata": "Wikidata", "location": "Lage", "coordinates": "Koordinaten", "other_language": "English",
        "missing_in_lang": "nicht auf Deutsch angegeben; hier auf {language}", "only_in": "nur auf {language}",
        "source": "Quelle", "quote_in": "im {language}en Artikel", "in_context": "im Artikel lesen",
        "inference": "Wie scokg darauf schließt", "version_note": "Zu den Sprachfassungen",
        "no_quote": "Kein Zitat des Artikels nennt diesen Wert.", "supports": "Was diese Worte belegen",
        "quote_words": "Der genaue Wortlaut", "position": "Zeichen {start}–{end}", "from_list": "aus",
        "priorities": "Die sechs Prioritäten", "initiatives": "Initiativen",
        "beyond": "Über die sechs Prioritäten hinaus", "counts": "In Zahlen", "triples": "Tripel",
        "entities": "Dinge", "links": "Verknüpfungen mit Wikidata", "classes": "Klassen",
        "object_properties": "Objekteigenschaften", "datatype_properties": "Dateneigenschaften",
        "other_properties": "Weitere Eigenschaften", "domain": "Definitionsbereich", "range": "Wertebereich",
        "alignments": "Entsprechungen", "superclass": "Unterklasse von", "superproperty": "Untereigenschaft von",
        "label": "Bezeichnung", "definition": "Definition", "instances": "Instanzen", "uses": "Verwendungen",
        "shapes": "Formen (SHACL-Shapes)", "targets": "Ziele",
        "shapes_english": "Die Meldungen der Formen gibt es nur auf Englisch; sie sind als englischer Text "
                          "ausgezeichnet.",
        "rights_note": "Daten: CC BY 4.0. Die Zitate sind kurze Auszüge des Quellartikels (© The Astana Times), "
                       "wiedergegeben als Herkunftsnachweis der Fakten, die sie belegen.",
        "matched_in": "({language} Name)", "about": "Über diesen Datensatz", "licence": "Lizenz",
        "sources": "Quellen", "endpoint": "SPARQL-Endpunkt", "all_things": "Alles im Graphen",
        "items": "{n} Einträge", "showing": "{n} von {total} angezeigt",
        "chosen_filters": "Gewählte Filter", "remove_filter": "Filter {name} aufheben",
        "nothing_matches": "Nichts passt zu diesen Filtern.",
        "scroll_hint": "Die Tabelle ist breiter als der Bildschirm: seitlich scrollen.",
        "legend": "Legende", "legend_year": "ein Jahr, das der Artikel nennt",
        "legend_span": "ein Zeitraum mehrerer Jahre", "legend_inferred": "ein erschlossenes, nicht genanntes Jahr",
        "reset_view": "Ansicht zurücksetzen", "filters": "Filtern",
        "clear_filters": "Alle Filter aufheben", "kind": "Art", "name": "Name", "any": "alle",
        "sort_by": "Sortieren nach", "ascending": "aufsteigend", "descending": "absteigend", "year": "Jahr",
        "open": "öffnen", "no_coordinates": "Keine Koordinaten im Graphen", "places": "Orte", "spans": "Zeiträume",
        "timeline_intro": "Die Initiativen und Ereignisse mit einer Jahresangabe aus dem Artikel; Balken sind die "
                          "Zeiträume, die er nennt.",
        "map_intro": "Die Orte mit Koordinaten (aus Wikidata) und was der Artikel dort verortet.",
        "inferred": "erschlossen", "page_not_found_hint": "Vielleicht eines davon:",
        "skip": "Zum Inhalt springen", "lang_switch": "Sprache", "license_note": "Daten: CC BY 4.0",
        "site_source": "Quelle: The Astana Times", "favicon_title": "scokg",
        "home_title": "Die Prioritäten des kasachischen SOZ-Vorsitzes",
        "site_title": "Prioritäten des kasachischen SOZ-Vorsitzes",
        "meta_description": "Die Prioritäten des kasachischen SOZ-Vorsitzes als verknüpfte offene Daten: die "
                            "Initiativen, Orte und Personen aus dem Artikel, jeweils mit seinen Worten, auf Deutsch "
                            "und Englisch, mit SPARQL-Endpunkt.",
        "err_prefix": "das Präfix „{prefix}:“ ist nicht deklariert", "err_end": "die Abfrage endet zu früh: eine "
        "Klammer oder ein Teil ist nicht geschlossen", "err_from": "die Abfrage ist ab „{token}“ nicht lesbar",
        "err_unexpected": "unerwartet: „{token}“{hint}", "err_missing": "vor „{token}“ fehlt ein Wert",
        "err_expected": " (erwartet: {what})",
        "col_order": "Nr.", "col_priority": "Priorität", "col_place": "Ort", "col_status": "Stand",
        "col_proposer": "Vorgeschlagen von", "col_date": "Datum im Wortlaut", "col_organiser": "Veranstalter",
        "col_part_of": "Gehört zu", "col_job": "Funktion", "col_in": "In", "col_here": "Dinge hier",
        "col_lat": "Breite", "col_long": "Länge", "col_language": "Sprache", "col_publisher": "Verlag",
        "col_source": "Quelle",
    },
}

# Names of the standard vocabularies' properties the pages show (the ontology labels its own, in both languages).
PROPERTY_NAMES = {
    RDF.type: ("type", "Typ"), RDFS.label: ("label", "Bezeichnung"), SKOS.prefLabel: ("name", "Name"),
    SKOS.altLabel: ("also known as", "auch bekannt als"), DCTERMS.description: ("description", "Beschreibung"),
    SKOS.definition: ("definition", "Definition"), RDFS.comment: ("comment", "Kommentar"),
    DCTERMS.title: ("title", "Titel"), DCTERMS.creator: ("author", "Verfasser"),
    DCTERMS.publisher: ("publisher", "Verlag"), DCTERMS.language: ("language", "Sprache"),
    DCTERMS.subject: ("subject", "Thema"), DCTERMS.license: ("licence", "Lizenz"),
    DCTERMS.source: ("source", "Quelle"), DCTERMS.issued: ("issued", "veröffentlicht"),
    DCTERMS.modified: ("modified", "geändert"), DCTERMS.rights: ("rights", "Rechte"),
    DCTERMS.created: ("created", "erstellt"), OWL.sameAs: ("same as", "identisch mit"),
    SKOS.inScheme: ("in scheme", "im Schema"), SKOS.topConceptOf: ("top concept of", "oberster Begriff von"),
    SKOS.hasTopConcept: ("top concepts", "oberste Begriffe"), SKOS.exactMatch: ("exact match", "entspricht"),
    SKOS.closeMatch: ("close match", "ähnlich"), PROV.wasDerivedFrom: ("derived from", "abgeleitet aus"),
    PROV.wasQuotedFrom: ("quoted from", "zitiert aus"), DCAT.downloadURL: ("download", "Download"),
    DCAT.mediaType: ("media type", "Medientyp"), DCAT.keyword: ("keyword", "Schlagwort"),
    DCAT.landingPage: ("landing page", "Startseite"), DCAT.distribution: ("distribution", "Distribution"),
    DCAT3.hasVersion: ("release", "Version"), DCAT3.hasCurrentVersion: ("current release", "aktuelle Version"),
    DCAT3.version: ("version number", "Versionsnummer"),
    DCAT.compressFormat: ("compressed as", "komprimiert als"),
    FOAF.homepage: ("home page", "Homepage"), FOAF.name: ("name", "Name"),
    GEO.lat: ("latitude", "Breite"), GEO.long: ("longitude", "Länge"), SCHEMA.name: ("name", "Name"),
    VOID.sparqlEndpoint: ("SPARQL endpoint", "SPARQL-Endpunkt"), VOID.triples: ("triples", "Tripel"),
    VOID.entities: ("things", "Dinge"), VOID.dataDump: ("data dump", "Datendatei"),
    VOID.exampleResource: ("example", "Beispiel"), VOID.vocabulary: ("vocabulary", "Vokabular"),
    VOID.uriSpace: ("IRI space", "IRI-Raum"), VOID.uriRegexPattern: ("IRI pattern", "IRI-Muster"),
    VOID.rootResource: ("root resource", "Wurzelressource"), VOID.classes: ("classes", "Klassen"),
    VOID.properties: ("properties", "Eigenschaften"), VOID.subset: ("subset", "Teilmenge"),
}
OA = "http://www.w3.org/ns/oa#"
LOC = "http://id.loc.gov/vocabulary/iso639-1/"
# Outside IRIs the pages name (the dataset's languages and vocabularies): in words, not as raw IRIs
IRI_NAMES = {
    LOC + "en": ("English", "Englisch"), LOC + "de": ("German", "Deutsch"),
    "http://purl.org/dc/terms/": ("DCMI Metadata Terms", "DCMI-Metadatenbegriffe"),
    "http://purl.org/vocab/vann/": ("VANN (vocabulary annotations)", "VANN (Vokabular-Annotationen)"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": ("RDF", "RDF"),
    "http://www.w3.org/2000/01/rdf-schema#": ("RDF Schema", "RDF-Schema"),
    "http://www.w3.org/2002/07/owl#": ("OWL", "OWL"),
    "http://www.w3.org/2003/01/geo/wgs84_pos#": ("WGS84 positions", "WGS84-Positionen"),
    "http://www.w3.org/2004/02/skos/core#": ("SKOS", "SKOS"),
    "http://www.w3.org/ns/dcat#": ("DCAT (data catalogues)", "DCAT (Datenkataloge)"),
    "http://www.w3.org/ns/oa#": ("Web Annotation", "Web-Annotation"),
    "http://www.w3.org/ns/prov#": ("PROV (provenance)", "PROV (Herkunft)"),
    "https://schema.org/": ("schema.org", "schema.org"),
    "https://w3id.org/scokg/ontology#": ("the scokg ontology", "die scokg-Ontologie"),
    "https://w3id.org/scokg/dataset#wikidata-links": ("the links to Wikidata", "die Verknüpfungen mit Wikidata"),
    "https://w3id.org/scokg/dataset#publisher": ("The scokg project", "Das scokg-Projekt"),
}
# Where the pages name an ontology term otherwise than its label, until the ontology says so (sco:involves is
# labelled "nutzt", "uses", in German: an initiative involves an organisation, it does not use it)
LABEL_OVERRIDES = {"https://w3id.org/scokg/ontology#involves": ("involves", "bezieht ein")}
PROPERTY_NAMES_BY_IRI = {str(k): v for k, v in PROPERTY_NAMES.items()} | {
    OA + "hasSource": ("text", "Text"), OA + "hasSelector": ("selector", "Selektor"),
    OA + "exact": ("exact words", "genauer Wortlaut"),
}

# How a link pointing here reads, for properties the ontology gives no inverse of: "Initiatives located here".
INVERSE_NAMES = {
    "capitalOf": ("capital", "Hauptstadt"), "inCountry": ("places in this country", "Orte in diesem Land"),
    "coversArea": ("covering this area", "gilt für dieses Gebiet"), "status": ("with this status", "mit diesem Stand"),
    "partOfAgenda": ("on this agenda", "auf dieser Agenda"), "priorityOf": ("priorities", "Prioritäten"),
    "toBeAdoptedAt": ("to be adopted here", "hier zu verabschieden"), "partner": ("partner in", "Partner in"),
    "involves": ("involved in", "einbezogen in"),
    "underAuspicesOf": ("under its auspices", "unter seiner Schirmherrschaft"),
    "organisedBy": ("organised", "veranstaltet"), "chair": ("chair of", "Vorsitz in"),
    "chairmanshipOf": ("chairmanships", "Vorsitze"), "worksFor": ("people working here", "Mitarbeiter"),
    "subOrganisationOf": ("parts", "Teile"), "reportsOn": ("reported on in", "berichtet in"),
    "coincidesWith": ("at the same time", "zeitgleich"), str(DCTERMS.publisher): ("published", "veröffentlichte"),
    str(DCTERMS.creator): ("wrote", "verfasste"), str(PROV.wasQuotedFrom): ("quotes from it", "Zitate daraus"),
    str(SKOS.inScheme): ("in this scheme", "in diesem Schema"),
    str(SKOS.topConceptOf): ("top concepts", "oberste Begriffe"), str(DCTERMS.subject): ("about it", "darüber"),
    str(SKOS.hasTopConcept): ("top concept of", "oberster Begriff von"),
    str(PROV.wasDerivedFrom): ("derived from it", "daraus abgeleitet"),
}

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def property_name(iri: str, lang: str) -> str | None:
    names = PROPERTY_NAMES_BY_IRI.get(str(iri)) or IRI_NAMES.get(str(iri))
    return names[LANGS.index(lang)] if names else None


def inverse_name(iri: str, lang: str) -> str | None:
    local = str(iri).rsplit("#", 1)[-1]
    names = INVERSE_NAMES.get(str(iri)) or INVERSE_NAMES.get(local)
    return names[LANGS.index(lang)] if names else None


def format_number(text: str, lang: str) -> str:
    """Thousands grouped and the decimal mark of the reader's language; anything else unchanged."""
    if not NUMBER.match(text):
        return text
    whole, _dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('+-')):,}"
    if lang == "de":
        grouped = grouped.replace(",", ".")
    mark = "," if lang == "de" else "."
    return sign + grouped + (mark + fraction if fraction else "")


def format_date(text: str, lang: str) -> str:
    """xsd:date and xsd:gMonthDay in words; other values as they are."""
    m = re.fullmatch(r"(?:(\d{4})|-)-(\d{2})-(\d{2})", text)
    if not m:
        return text
    year, month, day = m.group(1), m.group(2), m.group(3)
    name = MONTHS[lang][int(month) - 1]
    words = f"{int(day)}. {name}" if lang == "de" else f"{int(day)} {name}"
    return f"{words} {year}" if year else words
