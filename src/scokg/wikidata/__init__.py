"""Links to Wikidata, checked and suggested against a Wikidata SPARQL endpoint: beside the graph wing, importing
only the core.

``client`` asks the endpoint the way Wikimedia's User-Agent policy wants (a descriptive User-Agent with contact
information, batches of at most 50 items in one ``VALUES`` query sent by POST, a timeout, retries with backoff on
429 and 5xx that honour ``Retry-After``); ``links`` compares our links with what Wikidata says (``check_links``) and
proposes links for entities without one (``suggest_links``). Library functions return values; ``scokg link``
prints them.
"""

from .client import BATCH, WIKIDATA_SPARQL, WikidataClient
from .links import Candidate, LinkReport, check_links, suggest_links, write_review_file

__all__ = ["BATCH", "WIKIDATA_SPARQL", "Candidate", "LinkReport", "WikidataClient", "check_links", "suggest_links",
           "write_review_file"]
