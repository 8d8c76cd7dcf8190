"""Content-Encoding for every text response, in the one place every response passes (``fastpath.Dispatcher``).

Beneath the page cache, so a cached page is kept once, uncompressed, and encoded for each client as it asks:
a client that did not ask for an encoding never gets one. Brotli (the ``brotli`` package) or gzip (the standard
library), by the client's q-values (``q=0`` refuses); ``Vary: Accept-Encoding`` on every response that could be
encoded; the ETag of an encoded body names its encoding (``"abc"`` becomes ``"abc-br"``), and an If-None-Match
naming it is read back as the plain tag, so revalidation still answers 304. Never encoded: a partial (206) answer,
a request with Range, a body that already has a Content-Encoding or is compressed by nature (.gz dumps, images),
``Cache-Control: no-transform``, tiny bodies.

>>> choose_encoding("gzip, deflate, br"), choose_encoding("br;q=0, gzip;q=0.5"), choose_encoding("identity")
('br', 'gzip', None)
>>> choose_encoding("*;q=0.1, br;q=0"), choose_encoding("gzip;q=0"), choose_encoding("")
('gzip', None, None)
>>> encoded_tag('"abc"', "br"), encoded_tag('W/"abc"', "gzip")
('"abc-br"', 'W/"abc-gzip"')
>>> plain_tags('"abc-br", W/"x-br", "y-gzip"', "br")
'"abc", W/"x", "y-gzip"'
"""

from __future__ import annotations

import gzip
import re
import threading
import zlib
from collections import OrderedDict

import brotli

ENCODINGS = ("br", "gzip")  # by preference when the client weighs them alike
MIN_BYTES = 512  # smaller bodies gain less than the header costs
WHOLE_BYTES = 16 * 1024 * 1024  # a body of known length up to this is encoded at once; longer ones as a stream
# Encoded bodies with an ETag are kept (per worker), so a static file or cached page is encoded once per encoding.
MEMO_BYTES = 8 * 1024 * 1024
TEXT_TYPES = re.compile(r"^(text/|application/(json|javascript|xml|xhtml\+xml|ld\+json|n-triples|n-quads|trig|"
                        r"geo\+json|sparql-results\+(json|xml)|sparql-query|rdf\+xml|problem\+json|"
                        r"[\w.+-]*\+(json|xml))\b|image/svg\+xml)")
NO_BODY = ("1", "204", "206", "304")
_CODING = re.compile(r"\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def choose_encoding(accept_encoding: str) -> str | None:
    """The encoding to use for an Accept-Encoding header: the acceptable one of highest q, br before gzip."""
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        m = _CODING.match(part)
        if not m or not part.strip():
            continue
        try:
            q = float(m.group(2)) if m.group(2) is not None else 1.0
        except ValueError:
            continue
        weights[m.group(1).lower()] = q
    star = weights.get("*")
    best, best_q = None, 0.0
    for name in ENCODINGS:
        named = weights.get(name, weights.get("x-gzip") if name == "gzip" else None)
        q = named if named is not None else (star if star is not None else 0.0)
        if q > best_q:
            best, best_q = name, q
    return best


def encoded_tag(etag: str, encoding: str) -> str:
    """An ETag for the encoded body: the same tag with the encoding's name inside the quotes."""
    return etag[:-1] + f'-{encoding}"' if etag.endswith('"') else f"{etag}-{encoding}"


def plain_tags(if_none_match: str, encoding: str) -> str:
    """If-None-Match with our tags of ``encoding`` read back as the plain tags the application made."""
    return if_none_match.replace(f'-{encoding}"', '"')


def encode(body: bytes, encoding: str, quality: int = 5) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=quality)
    return gzip.compress(body, compresslevel=6, mtime=0)


class _Memo:
    """Encoded bodies by (ETag, encoding), bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.bytes = max_bytes, 0
        self._data: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> bytes | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def put(self, key, value: bytes) -> None:
        if len(value) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._data:
                return
            self._data[key] = value
            self.bytes += len(value)
            while self.bytes > self.max_bytes:
                self.bytes -= len(self._data.popitem(last=False)[1])


class Compressor:
    """Wraps a WSGI callable: ``Compressor(app)(environ, start_response)``."""

    def __init__(self, app):
        self.app = app
        self.memo = _Memo(MEMO_BYTES)

    def __call__(self, environ, start_response):
        encoding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if "HTTP_RANGE" in environ:
            encoding = None
        asked = environ.get("HTTP_IF_NONE_MATCH", "")
        if encoding and asked:
            environ["HTTP_IF_NONE_MATCH"] = plain_tags(asked, encoding)
        captured: list = []

        def capture(status, headers, exc_info=None):
            if exc_info and captured:
                raise exc_info[1].with_traceback(exc_info[2])
            captured[:] = [status, list(headers)]
            return _no_write

        result = self.app(environ, capture)
        iterator = iter(result)
        first: list[bytes] = []
        if not captured:  # an application that starts its response when first iterated
            for chunk in iterator:
                first.append(chunk)
                break
        if not captured:
            raise RuntimeError("the application gave no status")
        status, headers = captured
        if status.startswith("304"):
            etag = _header(headers, "etag")
            if encoding and etag and encoded_tag(etag, encoding) in asked:  # the client holds the encoded body
                headers = [(k, encoded_tag(v, encoding) if k.lower() == "etag" else v) for k, v in _vary(headers)]
            start_response(status, headers)
            return _chain(first, iterator, result)
        plan = _plan(status, headers, encoding)
        if plan is None:
            start_response(status, headers)
            return _chain(first, iterator, result)
        headers = _vary(headers)
        if plan == "vary" or encoding is None:
            start_response(status, headers)
            return _chain(first, iterator, result)
        etag = _header(headers, "etag")
        length = _header(headers, "content-length")
        if environ.get("REQUEST_METHOD") == "HEAD":
            start_response(status, _encoded_headers(headers, encoding, etag, None, drop_length=True))
            return _chain(first, iterator, result)
        if length is not None and int(length) <= WHOLE_BYTES:
            try:
                body = b"".join(first) + b"".join(iterator)
            finally:
                _close(result)
            if len(body) < MIN_BYTES:
                start_response(status, headers)
                return [body]
            key = (etag, encoding, len(body)) if etag else None
            packed = self.memo.get(key) if key else None
            if packed is None:
                # a body with an ETag is encoded once and kept: worth brotli's better ratio
                packed = encode(body, encoding, quality=9 if key else 5)
                if key:
                    self.memo.put(key, packed)
            start_response(status, _encoded_headers(headers, encoding, etag, len(packed)))
            return [packed]
        start_response(status, _encoded_headers(headers, encoding, etag, None, drop_length=True))
        return _stream(first, iterator, result, encoding)


def _no_write(data):
    raise RuntimeError("write() is not supported beneath the compressor")


def _plan(status: str, headers, encoding: str | None) -> str | None:
    """None: leave alone; "vary": could be encoded, not for this client; "encode"."""
    if status.startswith(NO_BODY):
        return None
    media = (_header(headers, "content-type") or "").split(";")[0].strip().lower()
    if not TEXT_TYPES.match(media):
        return None
    if _header(headers, "content-encoding") or _header(headers, "content-range"):
        return None
    if "no-transform" in (_header(headers, "cache-control") or ""):
        return None
    return "encode" if encoding else "vary"


def _header(headers, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _vary(headers) -> list:
    vary = _header(headers, "vary")
    if vary is None:
        return [*headers, ("Vary", "Accept-Encoding")]
    if "accept-encoding" in vary.lower() or vary.strip() == "*":
        return headers
    return [(k, f"{v}, Accept-Encoding" if k.lower() == "vary" else v) for k, v in headers]


def _encoded_headers(headers, encoding: str, etag: str | None, length: int | None, drop_length=False) -> list:
    out = []
    for k, v in headers:
        low = k.lower()
        if low == "content-length":
            if drop_length or length is None:
                continue
            v = str(length)
        elif low == "etag" and etag:
            v = encoded_tag(etag, encoding)
        out.append((k, v))
    out.append(("Content-Encoding", encoding))
    return out


def _chain(first: list[bytes], iterator, result):
    try:
        yield from first
        yield from iterator
    finally:
        _close(result)


def _stream(first: list[bytes], iterator, result, encoding: str):
    """A body of unknown or large length, encoded as it goes (fast settings: it is not kept)."""
    if encoding == "br":
        packer = brotli.Compressor(quality=4)
        step, flush = packer.process, packer.finish
    else:
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: the gzip container
        step, flush = packer.compress, packer.flush
    for chunk in _chain(first, iterator, result):
        out = step(chunk)
        if out:
            yield out
    yield flush()


def _close(result) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()
