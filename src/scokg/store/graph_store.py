"""Upload a release to a remote store through the SPARQL 1.1 Graph Store HTTP Protocol: one PUT per named
graph (ontology, data, shapes), after the same validation gate as ``build``.

A last PUT writes the release digest (the embedded store's dataset version) into ``graph/release``: the remote
backend reads it as its version, so every web host over one store agrees on ETags, and a new upload shows in them.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ..errors import UpstreamError
from ..graph.load import SOURCE_GRAPHS, parse_file, release_digest, source_files
from ..graph.validate import gate
from ..namespaces import RELEASE_GRAPH, VERSION_PREDICATE


@dataclass(frozen=True)
class Upload:
    graph: str
    triples: int
    status: int


def graph_payloads(root: str | Path) -> dict[str, bytes]:
    """N-Triples of each named graph of a release, parsed (and so checked) file by file."""
    out: dict[str, list] = {iri: [] for iri in SOURCE_GRAPHS.values()}
    for f in source_files(root):
        out[f.graph].extend(ox.Triple(q.subject, q.predicate, q.object) for q in parse_file(f))
    return {graph: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"" for graph, triples in out.items()}


def release_payload(root: str | Path) -> bytes:
    """The one triple of ``graph/release``: the digest of the sources, as ``build_store`` computes it."""
    digest = release_digest(root)[:16]
    return f'<{RELEASE_GRAPH}> <{VERSION_PREDICATE}> "{digest}" .\n'.encode()


def upload_release(root: str | Path, graph_store: str, validate: bool = True, timeout: float = 60,
                   headers: dict[str, str] | None = None, validator: str = "pyshacl") -> list[Upload]:
    """PUT each named graph of the release at ``root`` to ``graph_store?graph=<iri>``; raises on any failure."""
    if validate:
        gate(root, validator)
    done = []
    # the digest goes last: a reader that sees the new version also sees the new graphs
    for graph, body in [*graph_payloads(root).items(), (RELEASE_GRAPH, release_payload(root))]:
        sep = "&" if "?" in graph_store else "?"
        req = urllib.request.Request(f"{graph_store}{sep}graph={quote(graph, safe='')}", data=body, method="PUT",
                                     headers={"Content-Type": "application/n-triples", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise UpstreamError(f"the graph store refused <{graph}>: HTTP {exc.code} {exc.read()[:200]!r}") from None
        except urllib.error.URLError as exc:
            raise UpstreamError(f"cannot reach the graph store at {graph_store}: {exc.reason}") from None
        done.append(Upload(graph, body.count(b"\n"), status))
    return done
