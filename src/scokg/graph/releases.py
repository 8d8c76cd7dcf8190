"""Releases kept and citable: each release's folder records what it is, keeps the sources it was made from, and
says what changed since the release before it.

``<instance>/releases/<version>/`` holds, beside its dumps (``build``):

- ``release.json``: the version, the full digest of its sources, when it was first published, its triple count,
  and the release before it;
- ``sources/``: a copy of the ontology, data and shapes it was made from (what ``scokg diff`` and a query pinned
  to the release read, and what the changelog compares);
- ``changes.json``: the items added, changed and removed since the previous release (``review.changes``), with
  their names in English and German.

The newest ``releases_kept`` releases are kept; older ones are removed with their dumps (their entries leave
/releases/, and links to their files answer 410 Gone).

>>> sorted(ReleaseInfo("v", "d", "2026-12-07T08:00:00+00:00", 10).as_dict())
['digest', 'previous', 'published', 'triples', 'version']
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from .items import items_of_tree, names_of_tree
from .review import changes, compact, title

INFO = "release.json"
REMOVED = ".removed"  # in the releases folder: one removed version a line
CHANGES = "changes.json"
SOURCES = "sources"
SOURCE_FOLDERS = ("ontology", "data", "shapes")


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    digest: str
    published: str  # ISO 8601, UTC: when this server first published it
    triples: int
    previous: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def published_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.published)


def read_info(folder: Path) -> ReleaseInfo | None:
    try:
        raw = json.loads((folder / INFO).read_text(encoding="utf-8"))
        return ReleaseInfo(raw["version"], raw["digest"], raw["published"], int(raw["triples"]), raw.get("previous"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def kept_releases(releases_dir: Path) -> list[ReleaseInfo]:
    """Every kept release that says what it is, newest first."""
    found = []
    if releases_dir.is_dir():
        for folder in releases_dir.iterdir():
            if folder.is_dir() and not folder.name.startswith("."):
                info = read_info(folder)
                if info is not None:
                    found.append(info)
    return sorted(found, key=lambda i: i.published, reverse=True)


def in_force(releases: list[ReleaseInfo], when: dt.datetime) -> ReleaseInfo | None:
    """The release being served at ``when`` (the newest published no later), or the first one for an earlier time.

    >>> a = ReleaseInfo("a", "", "2026-01-01T00:00:00+00:00", 1)
    >>> b = ReleaseInfo("b", "", "2026-06-01T00:00:00+00:00", 1)
    >>> [in_force([b, a], dt.datetime(y, m, 1, tzinfo=dt.UTC)).version for y, m in ((2025, 1), (2026, 3), (2027, 1))]
    ['a', 'a', 'b']
    """
    ordered = sorted(releases, key=lambda i: i.published)
    chosen = None
    for info in ordered:
        if info.published_at <= when:
            chosen = info
    return chosen or (ordered[0] if ordered else None)


def record_release(folder: Path, root: Path, digest: str, triples: int, now: dt.datetime | None = None) -> ReleaseInfo:
    """Give a release folder its record, its sources and its changelog, once (a release keeps its first date)."""
    existing = read_info(folder)
    if existing is not None:
        return existing
    previous = next((r for r in kept_releases(folder.parent) if r.version != folder.name), None)
    sources = folder / SOURCES
    tmp = folder / f".{SOURCES}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for name in SOURCE_FOLDERS:
        shutil.copytree(root / name, tmp / name)
    shutil.rmtree(sources, ignore_errors=True)
    tmp.rename(sources)
    if previous is not None and (folder.parent / previous.version / SOURCES).is_dir():
        write_changes(folder, folder.parent / previous.version / SOURCES, sources)
    else:
        (folder / CHANGES).write_text(json.dumps({"previous": None, "changes": []}) + "\n", encoding="utf-8")
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    info = ReleaseInfo(folder.name, digest, when, triples, previous.version if previous else None)
    (folder / INFO).write_text(json.dumps(info.as_dict(), indent=1) + "\n", encoding="utf-8")
    return info


def write_changes(folder: Path, before: Path, after: Path) -> list[dict]:
    """The changelog of a release against the sources of the one before it, with names in both languages."""
    found = changes(items_of_tree(before), items_of_tree(after))
    names = {lang: {**names_of_tree(before, lang), **names_of_tree(after, lang)} for lang in ("en", "de")}
    out = []
    for c in found:
        key = c.item.key.split(" ")
        words = {lang: " — ".join(_name(part, names[lang]) for part in key) for lang in ("en", "de")}
        out.append({"change": c.kind, "kind": c.item.kind, "key": c.item.key, "item": title(c.item), "words": words,
                    "details": c.details, "digest": c.item.digest})
    (folder / CHANGES).write_text(json.dumps({"previous": before.parent.name, "changes": out}, ensure_ascii=False,
                                             indent=1) + "\n", encoding="utf-8")
    return out


def read_changes(folder: Path) -> list[dict]:
    try:
        return json.loads((folder / CHANGES).read_text(encoding="utf-8"))["changes"]
    except (OSError, ValueError, KeyError):
        return []


LITERAL = re.compile(r'^"(.*)"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?$', re.S)


def _name(term: str, names: dict[str, str]) -> str:
    """A term of an item's key in words: a thing by its name, a literal by its quoted value."""
    if term.startswith("<") and term.endswith(">"):
        return names.get(term[1:-1]) or compact(term)
    if found := LITERAL.match(term):
        return f"“{found.group(1)}”"
    return term


def prune(releases_dir: Path, keep: int, current: str) -> list[str]:
    """Remove all but the newest ``keep`` releases (never the current one); returns the removed versions."""
    removed = []
    folders = [p for p in releases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    def published(folder: Path) -> str:
        info = read_info(folder)
        return info.published if info else ""

    dated = sorted(folders, key=lambda p: (published(p), p.stat().st_mtime), reverse=True)
    for old in dated[max(keep, 1):]:
        if old.name != current:
            if read_info(old) is not None:  # a release that was published: its links answer 410 from now on
                with open(releases_dir / REMOVED, "a", encoding="utf-8") as f:
                    f.write(old.name + "\n")
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old.name)
    return removed


def removed_releases(releases_dir: Path) -> set[str]:
    """The versions once published here and since removed (their addresses answer 410 Gone, not 404)."""
    try:
        return set((releases_dir / REMOVED).read_text(encoding="utf-8").split())
    except OSError:
        return set()
