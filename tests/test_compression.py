"""Issue 22: every text response is compressed (brotli, gzip) for the clients that ask, in the one place every
response passes; the decoded bytes are exactly the uncompressed answer. (issue 22)"""

from __future__ import annotations

import gzip
from urllib.parse import quote

import brotli
import pytest

from page_support import BROWSER

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
SELECT = "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 200")
CONSTRUCT = "/sparql?query=" + quote("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 200")
TEXT = [  # (path, Accept)
    ("/", BROWSER), ("/id/almaty", BROWSER), ("/id/almaty.ttl", "*/*"), ("/browse/Initiative", BROWSER),
    ("/static/style.css", "*/*"), ("/static/vendor/modules/editor.js", "*/*"),
    ("/static/vendor/world-atlas/countries-110m.geojson", "*/*"), ("/dataset", BROWSER),
    (SELECT, "application/sparql-results+json"), (SELECT, "application/sparql-results+xml"), (SELECT, "text/csv"),
    (CONSTRUCT, "text/turtle"), ("/sparql", "text/turtle"), ("/sparql", BROWSER), ("/no/such/page", BROWSER),
]


def header_list(r, name: str) -> list[str]:
    return [v.strip().lower() for v in ",".join(r.headers.getlist(name)).split(",") if v.strip()]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize(("path", "accept"), TEXT, ids=[f"{p[:40]}-{a[:12]}" for p, a in TEXT])
def test_text_responses_decode_to_the_uncompressed_bytes(client, path, accept, encoding):
    plain = client.get(path, headers={"Accept": accept})
    packed = client.get(path, headers={"Accept": accept, "Accept-Encoding": f"{encoding}, deflate"})
    assert plain.status_code == packed.status_code
    assert "Content-Encoding" not in plain.headers
    assert "accept-encoding" in header_list(plain, "Vary") and "accept-encoding" in header_list(packed, "Vary")
    assert packed.headers["Content-Encoding"] == encoding
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert DECODE[encoding](packed.data) == plain.data
    if plain.headers.get("ETag"):
        assert packed.headers["ETag"] != plain.headers["ETag"]
        assert packed.headers["ETag"].rstrip('"').endswith(encoding)


@pytest.mark.parametrize(("accept_encoding", "expected"), [
    ("gzip;q=0", None), ("br;q=0, gzip", "gzip"), ("br;q=0.2, gzip;q=0.8", "gzip"), ("identity", None),
    ("*", "br"), ("*;q=0", None), ("GZIP", "gzip"), ("br;q=1.0, gzip;q=1.0", "br"), ("deflate", None),
])
def test_q_values_choose_the_encoding_and_zero_refuses(client, accept_encoding, expected):
    r = client.get("/static/style.css", headers={"Accept-Encoding": accept_encoding})
    assert r.headers.get("Content-Encoding") == expected


def test_a_cached_page_is_never_handed_compressed_to_a_client_that_did_not_ask(client):
    path = "/browse/Initiative?sort=year&compression-test=1"
    first = client.get(path, headers={"Accept": BROWSER, "Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = client.get(path, headers={"Accept": BROWSER})
    assert "Content-Encoding" not in again.headers and again.data.startswith(b"<!doctype html>")
    assert brotli.decompress(first.data) == again.data
    gz = client.get(path, headers={"Accept": BROWSER, "Accept-Encoding": "gzip"})
    assert gzip.decompress(gz.data) == again.data


def test_revalidation_with_an_encoded_etag_answers_304(client):
    for path in ("/static/style.css", "/id/almaty"):
        r = client.get(path, headers={"Accept": BROWSER, "Accept-Encoding": "br"})
        tag = r.headers["ETag"]
        again = client.get(path, headers={"Accept": BROWSER, "Accept-Encoding": "br", "If-None-Match": tag})
        assert again.status_code == 304, path
        assert again.headers["ETag"] == tag
        # the encoded tag does not validate the plain body
        plain = client.get(path, headers={"Accept": BROWSER, "If-None-Match": tag})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers


def test_head_says_the_encoding_without_a_wrong_length(client):
    r = client.head("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip" and "Content-Length" not in r.headers and r.data == b""


def test_ranges_gz_files_and_images_are_never_compressed(client):
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json
    gz = next(f["name"] for f in listing["files"] if f["name"].endswith(".gz"))
    whole = client.get(f"/dumps/{gz}", headers={"Accept-Encoding": "br, gzip"})
    assert whole.status_code == 200 and "Content-Encoding" not in whole.headers
    assert whole.data[:2] == b"\x1f\x8b"  # the file's own gzip bytes, once
    text = next(f["name"] for f in listing["files"] if f["name"].endswith(".ttl"))
    part = client.get(f"/dumps/{text}", headers={"Range": "bytes=0-99", "Accept-Encoding": "br, gzip"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers and len(part.data) == 100
    png = client.get("/static/vendor/leaflet/images/layers.png", headers={"Accept-Encoding": "br, gzip"})
    assert png.status_code == 200 and "Content-Encoding" not in png.headers


def test_the_uncompressed_view_of_a_dump_keeps_its_own_gzip(client):
    """/dumps/scokg.nt is the .gz file sent with Content-Encoding: gzip: not encoded a second time."""
    r = client.get("/dumps/scokg.nt", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(r.data).startswith(b"<")
