"""An item as a reviewer reads it: in words, each quote inside its sentence of the source, in both languages, with
the quoted words marked; and what changed since the item was last reviewed.

``show_item`` returns text (the CLI prints it); ``mark`` decides how quoted words stand out (reverse video in a
terminal, «…» elsewhere).

>>> sentence_around("One. Two three four. Five.", 9, 14)
(5, 20)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .anchor import SOURCES_BASE
from .items import Item
from .review import Ledger, compact, describe_change, title

ENDS = ".!?\n"


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence(s) holding ``text[start:end]``."""
    left = max((text.rfind(c, 0, start) for c in ENDS), default=-1) + 1
    while left < start and text[left] == " ":
        left += 1
    rights = [i for c in ENDS if (i := text.find(c, max(start, end - 1))) != -1]
    right = min(rights) + 1 if rights else len(text)
    return left, min(right, len(text))


def _name(term: str, names: dict[str, str]) -> str:
    if term.startswith("<") and term.endswith(">"):
        label = names.get(term[1:-1])
        return f"{label} ({compact(term)})" if label else compact(term)
    return term


def show_item(root: str | Path, item: Item, names: dict[str, str], ledger: Ledger,
              mark: Callable[[str], str] = lambda w: f"«{w}»") -> str:
    """The item in words, its quotes in their sentences, and what changed since its last review."""
    lines = [f"{item.kind} {item.digest[:12]}: {title(item)}"]
    c = item.content
    if item.kind in ("statement", "link"):
        lines.append(f"  {_name(c.get('subject') or '', names)}")
        lines.append(f"    — {_name(c.get('predicate') or '', names)} →")
        lines.append(f"  {_name(c.get('object') or '', names)}"
                     + ("" if c.get("asserted") else "   (the data does not assert this fact)"))
        for note in c.get("annotations", []):
            predicate, _, value = note.partition(" ")
            lines.append(f"  {compact(predicate)}: {_name(value, names)}")
        for q in c.get("quotes", []):
            lines += _quote_lines(root, q, mark)
    elif item.kind == "quote":
        for t in c.get("triples", []):
            lines.append(f"  {t}")
    elif item.kind == "file":
        lines.append(f"  data/{item.key}: {c.get('bytes')} bytes, sha256 {c.get('sha256')}")
    else:
        for t in c.get("triples", []):
            predicate, _, value = t.partition(" ")
            lines.append(f"  {_name(predicate, names)}: {_name(value, names)}")
    last = ledger.last_review(item)
    lines.append("  since its last review: " + "; ".join(describe_change(last.item if last else None, item)))
    return "\n".join(lines)


def _quote_lines(root: str | Path, q: dict, mark: Callable[[str], str]) -> list[str]:
    lang = q.get("lang") or "?"
    head = f"  [{lang}] {title(Item('quote', q['quote'], {}))}:"
    try:
        text = (Path(root) / "data" / "sources" / q["text"].removeprefix(SOURCES_BASE)).read_text(encoding="utf-8")
        start, end = int(q["start"]), int(q["end"])
    except (OSError, TypeError, ValueError, KeyError):
        return [head, f"    “{q.get('words')}” (not found in its source)"]
    if text[start:end] != q.get("words"):
        return [head, f"    “{q.get('words')}” (its source says “{text[start:end]}” there)"]
    left, right = sentence_around(text, start, end)
    return [head, "    " + text[left:start] + mark(text[start:end]) + text[end:right].rstrip()]
