"""The home page: the six priorities in the article's order with their initiatives, the agenda apart from them, and
the graph in numbers, each class linking to its list."""

from __future__ import annotations

from rdflib.namespace import SKOS

from ..namespaces import SCO
from .browse_view import class_tree
from .runtime import cached
from .views import href, label, page_lang

PRIORITY_QUERY = f"""SELECT ?p ?order WHERE {{ ?p a <{SCO}Priority> OPTIONAL {{ ?p <{SCO}order> ?order }} }}"""
SCHEME_QUERY = f"""SELECT DISTINCT ?scheme WHERE {{ ?p a <{SCO}Priority> ; <{SKOS}inScheme> ?scheme }}"""
INITIATIVE_QUERY = f"""SELECT ?p ?i WHERE {{ ?i <{SCO}servesPriority> ?p }}"""
AGENDA_QUERY = f"""SELECT ?a ?i WHERE {{ ?a a <{SCO}Agenda> OPTIONAL {{ ?i <{SCO}partOfAgenda> ?a }} }}"""


def _order(row) -> tuple:
    try:
        return (0, float(row["order"]), str(row["p"]))
    except (KeyError, TypeError, ValueError):
        return (1, 0.0, str(row["p"]))


def home_data(store) -> dict:
    """Priorities in the article's order with their initiatives, and the agendas apart from them: once per release."""
    schemes = [str(r["scheme"]) for r in store.select(SCHEME_QUERY)]
    priorities = [str(r["p"]) for r in sorted(store.select(PRIORITY_QUERY), key=_order)]
    initiatives: dict[str, list[str]] = {p: [] for p in priorities}
    for r in store.select(INITIATIVE_QUERY):
        initiatives.setdefault(str(r["p"]), []).append(str(r["i"]))
    agendas: dict[str, list[str]] = {}
    for r in store.select(AGENDA_QUERY):
        agendas.setdefault(str(r["a"]), [])
        if "i" in r:
            agendas[str(r["a"])].append(str(r["i"]))
    return {"scheme": schemes[0] if len(schemes) == 1 else None, "priorities": priorities,
            "initiatives": initiatives, "agendas": agendas}


def _links(iris) -> list[dict]:
    return sorted(({"href": href(i), "label": label(i)} for i in iris), key=lambda d: d["label"].lower())


def home_view(stats) -> dict:
    data = cached("home", home_data)
    priorities = [{"iri": p, "href": href(p), "label": label(p), "initiatives": _links(data["initiatives"][p])}
                  for p in data["priorities"]]
    agendas = [{"iri": a, "href": href(a), "label": label(a), "initiatives": _links(items)}
               for a, items in sorted(data["agendas"].items())]
    return {"priorities": priorities, "agendas": agendas, "stats": stats, "classes": class_tree(page_lang()),
            "scheme": {"href": href(data["scheme"]), "label": label(data["scheme"])} if data["scheme"] else None}
