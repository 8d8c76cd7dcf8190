"""The review ledger: nothing is published that nobody has read in its present form.

``data/review-ledger.jsonl`` holds one line per reviewed version of an item (``items``): its digest, kind and key,
the content that was read, who read it and when. The gate (``check_review``) refuses a release with any item whose
current digest is not in the ledger, naming the item and what changed since its last review, and a ledger line
whose digest is not that of its own content (a hand-edited line). ``approve`` adds lines; ``changes`` compares two
sets of items in words (``scokg diff``, the gate's messages, a release's changelog).

>>> old = make_item("statement", "<urn:a> <urn:p> <urn:b>", {"object": "<urn:b>", "quotes": []})
>>> new = make_item("statement", "<urn:a> <urn:p> <urn:c>", {"object": "<urn:c>", "quotes": []})
>>> [c.kind for c in changes([old], [new])]
['changed']
>>> changes([old], [new])[0].details
['object: <urn:b> → <urn:c>']
>>> describe_change(make_item("entity", "<urn:a>", {"triples": ["<urn:p> 1", "<urn:q> 2"]}),
...                 make_item("entity", "<urn:a>", {"triples": ["<urn:p> 1", "<urn:q> 3"]}))
['triples no longer: <urn:q> 2', 'triples now: <urn:q> 3']
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .items import LEDGER_NAME, Item, digest_of, items_of_tree, make_item  # noqa: F401 - the doctests use it
from .report import Violation, short_name

REVIEW_RULE = "gate:ReviewRule"


@dataclass(frozen=True)
class Entry:
    """One ledger line."""

    digest: str
    kind: str
    key: str
    reviewer: str
    date: str
    content: dict = field(hash=False, compare=False)

    @property
    def item(self) -> Item:
        return Item(self.kind, self.key, self.content, self.digest)

    def line(self) -> str:
        return json.dumps({"digest": self.digest, "kind": self.kind, "item": self.key, "reviewer": self.reviewer,
                           "date": self.date, "content": self.content}, ensure_ascii=False, sort_keys=True)


@dataclass
class Ledger:
    path: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lines that are not what the tool writes

    @property
    def digests(self) -> set[str]:
        return {e.digest for e in self.entries}

    def last_review(self, item: Item) -> Entry | None:
        """The latest reviewed version of the same item (same key, else the same statement with another value)."""
        same = [e for e in self.entries if e.key == item.key and e.kind == item.kind]
        same = same or [e for e in self.entries if e.item.loose_key == item.loose_key and e.kind == item.kind]
        return max(same, key=lambda e: e.date) if same else None


def ledger_path(root: str | Path) -> Path:
    return Path(root) / "data" / LEDGER_NAME


def read_ledger(root: str | Path) -> Ledger:
    """The ledger of a project (empty if it has none); lines that do not check out are kept as problems."""
    path = ledger_path(root)
    ledger = Ledger(path)
    if not path.exists():
        return ledger
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
            entry = Entry(raw["digest"], raw["kind"], raw["item"], raw["reviewer"], raw["date"], raw["content"])
        except (ValueError, KeyError, TypeError) as exc:
            ledger.problems.append(f"line {n} is not a ledger entry ({exc})")
            continue
        if digest_of(entry.kind, entry.content) != entry.digest:
            ledger.problems.append(f"line {n} ({entry.key}): its digest is not that of the content it records "
                                   "(edited by hand?); approve the item again with scokg review")
            continue
        if not entry.reviewer.strip():
            ledger.problems.append(f"line {n} ({entry.key}): no reviewer")
            continue
        ledger.entries.append(entry)
    return ledger


def unreviewed(items: Iterable[Item], ledger: Ledger) -> list[Item]:
    known = ledger.digests
    return [i for i in items if i.digest not in known]


def approve(root: str | Path, items: Iterable[Item], reviewer: str, date: str | None = None) -> int:
    """Record that ``reviewer`` read each item in its present form; returns how many lines were added."""
    if not reviewer.strip():
        raise ValueError("a review needs a reviewer's name")
    ledger = read_ledger(root)
    known = ledger.digests
    day = date or dt.datetime.now(dt.UTC).date().isoformat()
    new = [Entry(i.digest, i.kind, i.key, reviewer.strip(), day, i.content) for i in items if i.digest not in known]
    if not new:
        return 0
    entries = sorted([*ledger.entries, *new], key=lambda e: (e.kind, e.key, e.date, e.digest))
    path = ledger_path(root)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(e.line() + "\n" for e in entries), encoding="utf-8")
    tmp.replace(path)
    return len(new)


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed
    item: Item
    before: Item | None = None
    details: list[str] = field(default_factory=list, hash=False, compare=False)


def describe_change(before: Item | None, after: Item) -> list[str]:
    """What differs between two versions of an item, field by field, in the item's own terms."""
    if before is None:
        return ["never reviewed"]
    out = []
    a, b = before.content, after.content
    for name in sorted(set(a) | set(b)):
        if name == "quotes":
            out += _quote_changes(a.get(name) or [], b.get(name) or [])
        elif isinstance(a.get(name), list) and isinstance(b.get(name), list):
            # an entity's triples: the ones that went and came, not two long lists to compare by eye
            went = [v for v in a[name] if v not in b[name]]
            came = [v for v in b[name] if v not in a[name]]
            out += [f"{name} no longer: {_show(v)}" for v in went] + [f"{name} now: {_show(v)}" for v in came]
        elif a.get(name) != b.get(name):
            out.append(f"{name}: {_show(a.get(name))} → {_show(b.get(name))}")
    return out or ["(re-reviewed content)"]


def _quote_changes(old: list[dict], new: list[dict]) -> list[str]:
    olds, news = {q["quote"]: q for q in old}, {q["quote"]: q for q in new}
    out = []
    for name in sorted(set(olds) | set(news)):
        label = compact(name)
        if name not in olds:
            out.append(f"cites {label}: “{news[name].get('words')}”")
        elif name not in news:
            out.append(f"no longer cites {label}: “{olds[name].get('words')}”")
        elif olds[name] != news[name]:
            for k in sorted(set(olds[name]) | set(news[name])):
                if olds[name].get(k) != news[name].get(k):
                    out.append(f"{label} {k}: “{olds[name].get(k)}” → “{news[name].get(k)}”")
    return out


def _show(value) -> str:
    text = "[" + "; ".join(str(v) for v in value) + "]" if isinstance(value, list) else str(value)
    return _IRI.sub(lambda m: compact(m.group(0)), text)


_IRI = re.compile(r"<[^<>\s\"]+>")


def changes(before: Iterable[Item], after: Iterable[Item]) -> list[Change]:
    """Items added, removed and changed between two versions of the data (a statement whose value changed is one
    change, not a removal and an addition)."""
    old, new = list(before), list(after)
    old_digests, new_digests = {i.digest for i in old}, {i.digest for i in new}
    gone = [i for i in old if i.digest not in new_digests]
    came = [i for i in new if i.digest not in old_digests]
    out: list[Change] = []
    matched: set[str] = set()
    for item in came:
        prior = next((g for g in gone if g.kind == item.kind and g.key == item.key and g.digest not in matched), None)
        prior = prior or next((g for g in gone if g.kind == item.kind and g.loose_key == item.loose_key
                               and g.digest not in matched), None)
        if prior is None:
            out.append(Change("added", item))
        else:
            matched.add(prior.digest)
            out.append(Change("changed", item, prior, describe_change(prior, item)))
    out += [Change("removed", g) for g in gone if g.digest not in matched]
    return sorted(out, key=lambda c: (c.item.kind, c.item.key, c.kind))


def check_review(root: str | Path, items: list[Item] | None = None) -> list[Violation]:
    """The gate's review rule: every item reviewed in its present form, and a ledger that checks out."""
    items = items if items is not None else items_of_tree(root)
    ledger = read_ledger(root)
    out = [Violation(focus=f"data/{LEDGER_NAME}", path="", constraint=REVIEW_RULE, severity="Violation",
                     shape=REVIEW_RULE, message=f"The review ledger does not check out: {p}.",
                     source_file=f"data/{LEDGER_NAME}") for p in ledger.problems]
    for item in unreviewed(items, ledger):
        what = "; ".join(describe_change(last.item if (last := ledger.last_review(item)) else None, item))
        out.append(Violation(
            focus=title(item), path=item.kind, constraint=REVIEW_RULE, severity="Violation", shape=REVIEW_RULE,
            message=f"Nobody has reviewed this {item.kind} in its present form ({what}). Read it beside its "
                    f"words and approve it: scokg review --item {item.digest[:12]}",
            source_file=f"data/{LEDGER_NAME}"))
    return out


def compact(term: str) -> str:
    """An IRI (``<…>`` or bare) with the usual prefixes; anything else as it is.

    >>> compact("<http://www.w3.org/2002/07/owl#sameAs>"), compact("<https://w3id.org/scokg/id/almaty>")
    ('owl:sameAs', 'id:almaty')
    """
    iri = term[1:-1] if term.startswith("<") and term.endswith(">") else term
    short = short_name(iri)
    return short if short != iri else term


def title(item: Item) -> str:
    """An item in one line, with the usual prefixes."""
    if item.kind in ("statement", "link"):
        return " ".join(compact(p) for p in _split_key(item.key))
    if item.kind in ("entity", "quote"):
        return compact(item.key)
    return item.key


def _split_key(key: str) -> list[str]:
    subject, _, rest = key.partition(" ")
    predicate, _, value = rest.partition(" ")
    return [subject, predicate, value]
