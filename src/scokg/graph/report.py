"""What a validation found, as values: one ``Violation`` per result and the ``ValidationReport`` that holds them.

Printing and exit codes belong to the CLI; the server logs ``format()``.

>>> ValidationReport(True).format()
'The data conforms to the shapes.'
>>> short_name("https://w3id.org/scokg/ontology#Priority")
'sco:Priority'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import SH

from ..namespaces import ID, PREFIXES, SCO, SHAPES

SHORT_PREFIXES = (("sh:", str(SH)), ("shapes:", str(SHAPES)), ("sco:", str(SCO)), ("id:", str(ID)),
                  *((f"{p}:", ns) for p, ns in PREFIXES.items() if p not in ("sco", "id", "sh")))


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    constraint: str
    message: str
    severity: str
    shape: str
    source_file: str = ""


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: rdflib.Graph | None = None
    text: str = ""

    @property
    def count(self) -> int:
        return len(self.violations)

    def format(self) -> str:
        """A readable report: one block per result."""
        if self.conforms and not self.violations:
            return "The data conforms to the shapes."
        if self.conforms:
            lines = [f"The data conforms to the shapes, with {self.count} warning(s) to look at."]
        else:
            lines = [f"The data does not conform: {self.count} result(s)."]
        for v in self.violations:
            lines.append(
                f"- {v.severity}: {v.message}\n"
                f"    focus node: {v.focus}\n"
                f"    path:       {v.path or '-'}\n"
                f"    constraint: {v.constraint} (shape {v.shape})\n"
                f"    file:       {v.source_file or '-'}"
            )
        return "\n".join(lines)


def short_name(term) -> str:
    """An IRI as the report shows it: with scokg's prefixes, or whole."""
    if term is None:
        return ""
    text = str(term)
    for prefix, ns in SHORT_PREFIXES:
        if text.startswith(ns) and text != ns:
            return prefix + text[len(ns):]
    return text
