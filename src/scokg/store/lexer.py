"""SPARQL's terminals, read once, and the canonical text that is the only text the engine is given.

The engine (pyoxigraph) parses with a PEG whose keywords have no word boundary (``SERVICESILENT<x>`` reads as
``SERVICE SILENT <x>``), while the W3C grammar matches tokens longest first. A checker that reads the client's
text by either rule sees a different query from the engine wherever the two differ. So the client's text never
reaches the engine. It is read here, token by token, by the W3C grammar's terminals (comments end at LF or CR;
whitespace is space, tab, CR and LF; anything else between tokens is an error), and written out again as the
canonical text:

- comments dropped; one space between tokens, none where the client wrote none; all on one line;
- strings written again from their values (short quotes, escapes only for ``"``, ``\\``, LF and CR);
- escapes in IRIs expanded;
- every prefixed name expanded to the full IRI (``<…>``), so no word can run into a name;
- a bare word only when it is one of the grammar's keywords or built-in names (``SERVICEX`` is refused).

In that text a keyword can begin only at a word token: every other token starts with a character no keyword
starts with (``<``, ``?``, ``$``, ``_``, ``"``, ``@``, a digit, a sign or punctuation). So what this module
counts as SERVICE or LOAD is everything the engine could read as SERVICE or LOAD.

>>> canonical('PREFIX w: <http://x/> SELECT * {#c\\rSERVICE w:y {}}')
'SELECT * { SERVICE <http://x/y> {}}'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import QuerySyntaxError

# The engine's character classes (oxigraph's grammar: the Basic Multilingual Plane only).
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
         "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\"'\\]"
_EXP = r"[eE][+-]?[0-9]+"

# One alternative per terminal, tried in this order at each position (longest forms first where they share a
# start): whitespace, comment, IRI, strings, variable, blank node, prefixed name, language tag, number, word,
# punctuation.
_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n]+)"
    r"|(?P<comment>#[^\r\n]*)"
    rf"|(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)"
    rf"|(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"
    rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'
    rf"|'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"
    rf'|"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")'
    rf"|(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)"
    rf"|(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)"
    rf"|(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)"
    r"|(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)"
    rf"|(?P<number>[+-]?(?:[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+))"
    r"|(?P<word>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<punct><<\(|\)>>|<<|>>|\{\||\|\}|\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/=<>!?^|~])"
)
_ESCAPE = re.compile(rf"{_UCHAR}|{_ECHAR}")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_PN_ESCAPE = re.compile(r"\\(.)")
_NOT_IN_IRIREF = re.compile(r'[<>"{}|^`\\\x00-\x20]')

# The bare words the engine knows (its keywords and built-in names, any case); any other word is an error.
KEYWORDS = frozenset("""
ABS ADD ADJUST ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT CONTAINS COPY
COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP ENCODE_FOR_URI EXISTS FILTER FLOOR FROM
GRAPH GROUP GROUP_CONCAT HAVING HOURS IF IN INSERT INTO IRI LANG LANGDIR LANGMATCHES LATERAL LCASE LIMIT LOAD MAX
MD5 MIN MINUS MINUTES MONTH MOVE NAMED NOT NOW OBJECT OFFSET OPTIONAL ORDER PREDICATE PREFIX RAND REDUCED REGEX
REPLACE ROUND SAMPLE SECONDS SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384 SHA512 SILENT STR STRAFTER STRBEFORE STRDT
STRENDS STRLANG STRLANGDIR STRLEN STRSTARTS STRUUID SUBJECT SUBSTR SUM TIMEZONE TO TRIPLE TZ UCASE UNDEF UNION URI
USING UUID VALUES VERSION WHERE WITH YEAR HASLANG HASLANGDIR ISBLANK ISIRI ISLITERAL ISNUMERIC ISTRIPLE ISURI
SAMETERM A TRUE FALSE
""".split())  # noqa: SIM905 - a table, kept readable


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal: ``kind`` (iri, string, var, bnode, lang, number, word, punct), its canonical ``text``, and
    where it stood in the client's text (``start``). ``value`` is the IRI of an iri token (as written, or expanded
    from a prefixed name), the upper-case spelling of a word, the decoded value of a string. ``glued``: the client
    wrote it right after the previous token, with nothing between (the engine's grammar wants ``CONCAT(`` and
    ``BNODE()`` so, so the canonical text keeps what the client kept together)."""

    kind: str
    text: str
    start: int
    value: str = ""
    glued: bool = False

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.value in words


def tokens_of(text: str, base_iri: str | None = None) -> list[Token]:
    r"""The client's text as canonical tokens; QuerySyntaxError with the line and column of what cannot be read.

    PREFIX declarations are consumed here (every prefixed name is written out in full), BASE declarations kept.

    >>> [t.text for t in tokens_of(r'PREFIX : <urn:> ASK { ?s :a <urn:\u0042> "a\"b" } # c')]
    ['ASK', '{', '?s', '<urn:a>', '<urn:B>', '"a\\"b"', '}']
    """
    out: list[Token] = []
    prefixes: dict[str, str] = {}
    base = base_iri
    raw = _raw(text)
    last_end = -1  # where the last token written out ended (-1 after a declaration that is not)
    for kind, token, start in raw:
        glued, last_end = start == last_end, start + len(token)
        if kind == "iri":
            iri = _iri(token[1:-1], start, text)
            out.append(Token("iri", f"<{iri}>", start, iri, glued))
            if len(out) >= 2 and out[-2].is_word("BASE"):
                base = resolve(iri, base, text, start)
        elif kind == "pname":
            ns, _, local = token.partition(":")
            if ns not in prefixes:
                raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: the prefix "
                                       f"'{ns}:' is not declared", hint="declare it with PREFIX")
            iri = prefixes[ns] + (_PN_ESCAPE.sub(r"\1", local) if "\\" in local else local)
            if _NOT_IN_IRIREF.search(iri):
                raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: {token} is not an IRI")
            out.append(Token("iri", f"<{iri}>", start, iri, glued))
        elif kind == "string":
            quote = 3 if token[:3] in ('"""', "'''") else 1
            value = _unescape(token[quote:-quote], start, text)
            out.append(Token("string", quote_string(value), start, value, glued))
        elif kind == "word":
            upper = token.upper()
            if upper not in KEYWORDS:
                raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: unknown word "
                                       f"{token!r}", hint="keywords are separated from names by a space")
            if upper == "PREFIX":  # PREFIX ns: <iri>, read whole and not written out
                ns_kind, ns, _ = next(raw, ("", "", len(text)))
                iri_kind, iri, iri_at = next(raw, ("", "", len(text)))
                if ns_kind != "pname" or ns.find(":") != len(ns) - 1 or iri_kind != "iri":
                    raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: PREFIX takes a "
                                           "name ending in ':' and an IRI")
                prefixes[ns[:-1]] = resolve(_iri(iri[1:-1], iri_at, text), base, text, iri_at)
                last_end = -1
                continue
            out.append(Token("word", token, start, upper, glued))
        else:
            out.append(Token(kind, token, start, "", glued))
    return out


def _raw(text: str):
    """(kind, token, start) of each terminal, without whitespace and comments."""
    pos, end = 0, len(text)
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            raise QuerySyntaxError(f"malformed query: error at {line_col(text, pos)}: unexpected {text[pos]!r}")
        kind, start, pos = m.lastgroup, pos, m.end()
        if kind != "ws" and kind != "comment":
            yield kind, m.group(), start


def _iri(body: str, start: int, text: str) -> str:
    iri = _unescape(body, start, text) if "\\" in body else body
    if _NOT_IN_IRIREF.search(iri):
        raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: the IRI holds a character "
                               "IRIs cannot carry")
    return iri


def canonical(text: str, base_iri: str | None = None) -> str:
    return join(tokens_of(text, base_iri))


def join(tokens) -> str:
    """Tokens as text: one space between two, none where the client wrote them together."""
    return "".join(t.text if t.glued or i == 0 else " " + t.text for i, t in enumerate(tokens))


def quote_string(value: str) -> str:
    r"""A string literal whose end no reader can mistake.

    >>> print(quote_string('a"b\\c\nd'))
    "a\"b\\c\nd"
    """
    if any(c in value for c in '"\\\n\r'):
        value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{value}"'


def resolve(iri: str, base: str | None, text: str = "", at: int = 0) -> str:
    """An IRI reference resolved against ``base`` by the engine's own IRI library (oxiri, through pyoxigraph's
    Turtle reader), so that a relative IRI means here what it means to the engine.

    >>> resolve('../y', 'http://a/b/c/')
    'http://a/b/y'
    """
    if base is None and ":" in iri and _ABSOLUTE.match(iri):
        return iri
    try:
        quad = next(iter(ox.parse(f"<{iri}> <urn:x> <urn:x> .".encode(), format=ox.RdfFormat.TURTLE,
                                  base_iri=base)))
    except (SyntaxError, ValueError) as exc:
        raise QuerySyntaxError(f"malformed query: error at {line_col(text, at)}: <{iri}> is not a valid IRI here "
                               f"({str(exc).splitlines()[0][:120]})") from None
    return quad.subject.value


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _unescape(body: str, start: int, text: str) -> str:
    def one(m: re.Match) -> str:
        s = m.group()
        if s[1] in "uU":
            code = int(s[2:], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise QuerySyntaxError(f"malformed query: error at {line_col(text, start)}: {s} is not a character")
            return chr(code)
        return _ECHARS[s[1]]

    return _ESCAPE.sub(one, body)


def line_col(text: str, pos: int) -> str:
    """``line:column`` of a character offset, counted as the engine counts them (LF ends a line; columns in
    characters, from 1).

    >>> line_col('ab\\ncd', 4)
    '2:2'
    """
    line = text.count("\n", 0, pos) + 1
    return f"{line}:{pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"
