"""The request streams: query shapes with parameters drawn from the served data, and wrk driving them.

A shape is a template (bench/queries/*.rq, placeholders like %subject%) and one pool of values per placeholder,
extracted from the very N-Triples file the servers load. The combinations of a shape's pools are numbered
0 … n-1 and request k uses combination (k·a + b) mod n, with a prime to n: a fixed walk that visits every
combination once before any repeats, with neighbouring requests far apart in every parameter. bench/wrk/shapes.lua
builds request k from the same pools and walk, so Python knows exactly which queries wrk sent (and checks, before
timing, that they are the ones it compared across servers).

Modes: "varied" sends k = 0, 1, 2, … (every request different while k < n); "repeated" sends k mod R, a small fixed
set of R requests that the warm-up has already sent.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk" / "shapes.lua"
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SCO = "https://w3id.org/scokg/ontology#"
YEARS = {SCO + "year", SCO + "startYear", SCO + "endYear", SCO + "inferredYear"}
SERVES = SCO + "servesPriority"
OWN = "https://w3id.org/scokg/"
TARGET = 1_000_000  # combinations per shape: room for a region of the walk per run (see regions())
REPEATED = 8  # distinct requests of the repeated mode
MAX_SUBJECTS = 20_000
MAX_TERMS = 5_000
METHODS = {"get": "GET ?query=", "post": "POST application/sparql-query", "form": "POST form-encoded"}


@dataclass
class Param:
    name: str
    values: list[str] | None = None  # a list pool …
    lo: int = 0  # … or the integers lo … lo+span-1
    span: int = 0

    @property
    def size(self) -> int:
        return len(self.values) if self.values is not None else self.span

    def value(self, d: int) -> str:
        return self.values[d] if self.values is not None else str(self.lo + d)


@dataclass
class Shape:
    name: str
    title: str
    text: str  # the template, placeholders included
    params: list[Param] = field(default_factory=list)
    a: int = 1
    b: int = 0

    @property
    def graph(self) -> bool:
        body = re.sub(r"(?m)^\s*(#.*|PREFIX.*)$", "", self.text)
        return bool(re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.I))

    @property
    def accept(self) -> str:
        return GRAPH_ACCEPT if self.graph else SELECT_ACCEPT

    @property
    def ordered(self) -> bool:
        return bool(re.search(r"\bORDER\s+BY\b", self.text, re.I))

    @property
    def n(self) -> int:
        return math.prod(p.size for p in self.params)

    def pieces(self) -> tuple[list[str], list[int]]:
        """The template split at its placeholders: literal pieces and, between them, the index of a parameter."""
        names = [p.name for p in self.params]
        parts = re.split(r"%(\w+)%", self.text)
        return parts[0::2], [names.index(x) for x in parts[1::2]]

    def combination(self, k: int, mode: str = "varied") -> dict[str, str]:
        j = self.index(k, mode)
        out = {}
        for p in self.params:
            j, d = divmod(j, p.size)
            out[p.name] = p.value(d)
        return out

    def index(self, k: int, mode: str = "varied") -> int:
        """Which combination request k of a stream uses: requests with the same index are the same request."""
        return ((k % REPEATED if mode == "repeated" else k) * self.a + self.b) % self.n

    def regions(self, methods: list[str]) -> dict[tuple[str, str], int]:
        """Where each varied stream starts in the walk, (method, "warm-up" or "timed") -> k: disjoint regions, so
        that no run repeats the requests of another run (a result cache keyed on the query text answers the same
        query sent by GET and by POST alike); region 0 holds the repeated mode's requests."""
        size = self.n // (2 * len(methods) + 1)
        return {(m, part): size * (1 + 2 * i + j) for i, m in enumerate(methods)
                for j, part in enumerate(("warm-up", "timed"))}

    def query(self, values: dict[str, str]) -> str:
        return re.sub(r"%(\w+)%", lambda m: values[m.group(1)], self.text)

    def walk(self, seed: int) -> None:
        n = self.n
        rng = random.Random(f"{seed}:{self.name}")
        self.a = max(1, int(n * 0.6180339887))
        while math.gcd(self.a, n) != 1:
            self.a += 1
        self.b = rng.randrange(n)


# ---------------------------------------------------------------- pools from the served data


def pools(nt_file: Path, seed: int = 0) -> dict:
    """Subjects, label words, years and per-priority counts of the graph the servers load, in two streamed passes."""
    import pyoxigraph as ox

    outdeg: Counter = Counter()
    words: Counter = Counter()
    years: set[str] = set()
    per_priority: Counter = Counter()
    for t in ox.parse(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate.value, t.object
        if isinstance(s, ox.NamedNode):
            outdeg[s.value] += 1
        if p == LABEL and isinstance(o, ox.Literal):
            tokens = re.findall(r"\w+", o.value.lower())
            words.update(w for w in tokens if len(w) >= 4 and not w.isdigit())
            words.update(f"{x} {y}" for x, y in itertools.pairwise(tokens) if len(x) + len(y) >= 7)
        elif p in YEARS and isinstance(o, ox.Literal):
            years.add(o.value)
        elif p == SERVES:
            per_priority[o] += 1
    rng = random.Random(f"{seed}:pools")
    subjects = sorted(s for s in outdeg if s.startswith(OWN) and not re.search(r'[\s<>"{}|^`\\]', s))
    subjects = rng.sample(subjects, min(len(subjects), MAX_SUBJECTS))
    terms = sorted(words)
    terms = rng.sample(terms, min(len(terms), MAX_TERMS))
    # solutions of the neighbourhood CONSTRUCT: one per (s, p, o), times the properties of o when o is an IRI
    chosen = set(subjects)
    solutions: Counter = Counter()
    for t in ox.parse(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value in chosen:
            o = t.object
            solutions[t.subject.value] += max(1, outdeg[o.value]) if isinstance(o, ox.NamedNode) else 1
    return {"subjects": subjects, "terms": terms, "years": sorted(years),
            "max_properties": max((outdeg[s] for s in subjects), default=1),
            "max_solutions": max(solutions.values(), default=1),
            "max_per_priority": max(per_priority.values(), default=1)}


def _above(x: int) -> int:
    """A round number above x: where a LIMIT that never binds starts."""
    return 10 ** len(str(x))


def shapes(data: dict, seed: int = 0) -> list[Shape]:
    """The five shapes of bench/queries/ with their pools; LIMIT spans make each shape at least TARGET combinations."""
    lists = {"subject": data["subjects"], "term": data["terms"], "year": data["years"],
             "min": [str(i) for i in range(1, data["max_per_priority"] + 1)]}
    lows = {"1-point-lookup": _above(data["max_properties"]), "5-construct": _above(data["max_solutions"])}
    out = []
    for path in sorted((HERE / "queries").glob("*.rq")):
        text = path.read_text()
        title = re.search(r"(?m)^# title: (.*)$", text).group(1)
        names = list(dict.fromkeys(re.findall(r"%(\w+)%", re.sub(r"(?m)^#.*$", "", text))))
        params = [Param(x, values=lists[x]) for x in names if x != "limit"]
        if "limit" in names:
            rest = math.prod(p.size for p in params)
            params.append(Param("limit", lo=lows.get(path.stem, 1), span=max(10, math.ceil(TARGET / rest))))
        shape = Shape(path.stem, title, re.sub(r"(?m)^#.*\n", "", text).strip() + "\n", params)
        if shape.n == 0:
            raise SystemExit(f"shape {shape.name}: an empty parameter pool ({[p.name for p in params if not p.size]})")
        shape.walk(seed)
        out.append(shape)
    return out


# ---------------------------------------------------------------- wrk


def _lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def write_lua(shape: Shape, path: Path) -> Path:
    """The shape as a Lua table that bench/wrk/shapes.lua loads with dofile()."""
    pieces, slots = shape.pieces()
    params = []
    for p in shape.params:
        if p.values is not None:
            params.append("{values={" + ",".join(map(_lua_string, p.values)) + "}}")
        else:
            params.append(f"{{lo={p.lo},span={p.span}}}")
    path.write_text(
        "return {\n"
        f"  name={_lua_string(shape.name)}, accept={_lua_string(shape.accept)},\n"
        f"  pieces={{{','.join(map(_lua_string, pieces))}}},\n"
        f"  slots={{{','.join(str(i + 1) for i in slots)}}},\n"
        f"  params={{\n    {(','+chr(10)+'    ').join(params)}\n  }},\n"
        f"  n={shape.n}, a={shape.a}, b={shape.b}, repeated={REPEATED},\n"
        "}\n")
    return path


def wrk(host: str, path: str, spec: Path, method: str, mode: str, seconds: float, clients: int = 8,
        threads: int = 2, offset: int = 0, timeout_s: int = 30) -> dict:
    """One wrk run of one shape; the figures come from the script's done() as JSON."""
    cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--timeout",
           f"{timeout_s}s", "-s", str(LUA), f"http://{host}", "--", str(spec), method, mode, path, str(offset),
           str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("{\"bench\"")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures: {out.stdout[-2000:]} {out.stderr[-2000:]}")
    return json.loads(line)["bench"]


def sent(counts: list[int], threads: int, offset: int) -> list[int]:
    """The request numbers k that wrk's threads built (thread t sends offset + t, offset + t + threads, …)."""
    return [offset + c * threads + t for t, count in enumerate(counts) for c in range(count)]


def encode(s: str) -> str:
    """Percent-encoding as shapes.lua does it: everything but unreserved characters, UTF-8 bytes."""
    return quote(s, safe="-._~")
