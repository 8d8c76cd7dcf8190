"""Broken source files: truncated, wrongly encoded, not RDF at all. `validate`, `build` and `serve` each fail,
name the file and the line, print no traceback, and `build` leaves the previous release as it was."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import free_port


def truncate(root: Path) -> Path:
    target = root / "data" / "tiny.ttl"
    text = target.read_text(encoding="utf-8")
    target.write_text(text[: int(len(text) * 0.6)], encoding="utf-8")
    return target


def wrong_encoding(root: Path) -> Path:
    target = root / "data" / "tiny.ttl"
    text = target.read_text(encoding="utf-8") + "\nid:bishkek <http://www.w3.org/2000/01/rdf-schema#label> \"B\"@tr .\n"
    target.write_bytes(text.encode("utf-16"))
    return target


def not_rdf(root: Path) -> Path:
    target = root / "data" / "picture.ttl"
    target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return target


def latin1_label(root: Path) -> Path:
    target = root / "data" / "tiny.ttl"
    target.write_bytes(target.read_bytes() + '\nid:x <http://www.w3.org/2000/01/rdf-schema#label> "Tür"@de .\n'
                       .encode("latin-1"))
    return target


BREAKERS = [truncate, wrong_encoding, not_rdf, latin1_label]


def scokg(*args: str):
    return subprocess.run([sys.executable, "-m", "scokg", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def _digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in sorted(folder.rglob("*"))
                                   if p.is_file())).hexdigest()


def _names_file_and_line(stderr: str, target: Path) -> None:
    assert "Traceback" not in stderr
    assert re.search(re.escape(str(target)) + r":\d+", stderr), stderr


@pytest.mark.parametrize("breaker", BREAKERS, ids=[b.__name__ for b in BREAKERS])
def test_validate_names_the_file_and_line(tiny_copy, breaker):
    target = breaker(tiny_copy)
    result = scokg("--root", str(tiny_copy), "validate")
    assert result.returncode == 2
    _names_file_and_line(result.stderr, target)


@pytest.mark.parametrize("breaker", BREAKERS, ids=[b.__name__ for b in BREAKERS])
def test_build_fails_and_leaves_the_release_whole(tiny_copy, breaker):
    out = tiny_copy / "dist"
    assert scokg("--root", str(tiny_copy), "build", "--out", str(out)).returncode == 0
    before = _digest(out)
    target = breaker(tiny_copy)
    result = scokg("--root", str(tiny_copy), "build", "--out", str(out), "--force")
    assert result.returncode == 2
    _names_file_and_line(result.stderr, target)
    assert _digest(out) == before
    assert not [p for p in tiny_copy.iterdir() if p.name.startswith(".dist")]


@pytest.mark.parametrize("breaker", BREAKERS, ids=[b.__name__ for b in BREAKERS])
def test_serve_refuses_to_start(tiny_copy, breaker):
    target = breaker(tiny_copy)
    result = scokg("--root", str(tiny_copy), "serve", "--port", str(free_port()))
    assert result.returncode == 2
    _names_file_and_line(result.stderr, target)
