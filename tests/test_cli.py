"""The CLI and its validation gate: broken data never gets published or served."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scokg.cli import cli

TURTLE_ERROR = "id:broken a scokg:City ;\n    rdfs:label \"unterminated@en .\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def scokg(*args: str, timeout: float = 60):
    return subprocess.run([sys.executable, "-m", "scokg", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def break_turtle(root: Path) -> Path:
    target = sorted((root / "data").glob("*.ttl"))[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    lines.append(TURTLE_ERROR)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def break_shape(root: Path) -> None:
    """Remove every German label: a SHACL violation, still valid Turtle."""
    for path in (root / "data").rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"@de', '"@fr'), encoding="utf-8")


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_validate_ok_on_the_real_graph():
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_reports_shacl_violation_with_file(tiny_copy):
    break_shape(tiny_copy)
    result = run("--root", str(tiny_copy), "validate")
    assert result.exit_code == 1
    assert "does not conform" in result.output
    assert "focus node:" in result.output and "data/tiny.ttl" in result.output
    assert "German" in result.output or "label" in result.output


def test_validate_names_file_and_line_of_bad_turtle(tiny_copy):
    target = break_turtle(tiny_copy)
    line = len(target.read_text().splitlines())  # the error is on one of the appended lines
    result = scokg("--root", str(tiny_copy), "validate")
    assert result.returncode == 2
    assert f"{target}:" in result.stderr
    reported = int(result.stderr.split(f"{target}:")[1].split(":")[0])
    assert line - 2 <= reported <= line + 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("breaker", [break_turtle, break_shape], ids=["bad-turtle", "shacl-violation"])
def test_build_refuses_and_keeps_previous_release(tiny_copy, breaker):
    out = tiny_copy / "dist"
    assert run("--root", str(tiny_copy), "build", "--out", str(out)).exit_code == 0
    before = digest(out)
    breaker(tiny_copy)
    result = scokg("--root", str(tiny_copy), "build", "--out", str(out), "--force")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert ("does not conform" in result.stderr) or ("tiny.ttl:" in result.stderr)
    assert digest(out) == before
    assert not [p for p in tiny_copy.iterdir() if p.name.startswith(".dist.")]  # no temp folder left


def test_build_no_validate_publishes_anyway(tiny_copy):
    break_shape(tiny_copy)
    out = tiny_copy / "dist"
    assert run("--root", str(tiny_copy), "build", "--out", str(out)).exit_code == 1
    result = run("--root", str(tiny_copy), "build", "--out", str(out), "--no-validate")
    assert result.exit_code == 0, result.output
    assert (out / "scokg.ttl").exists() and (out / "SHA256SUMS").exists()


def test_build_checksums_match_files(tiny_copy):
    out = tiny_copy / "dist"
    assert run("--root", str(tiny_copy), "build", "--out", str(out)).exit_code == 0
    sums = dict(reversed(line.split("  ")) for line in (out / "SHA256SUMS").read_text().splitlines())
    assert {"scokg.ttl", "scokg.nt.gz", "scokg.jsonld", "scokg-ontology.ttl", "scokg-shapes.ttl",
            "scokg-wikidata-links.nt", "void.ttl"} <= set(sums)
    for name, sha in sums.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha
    again = run("--root", str(tiny_copy), "build", "--out", str(out))
    assert "up to date" in again.output


@pytest.mark.parametrize("breaker", [break_turtle, break_shape], ids=["bad-turtle", "shacl-violation"])
def test_serve_refuses_bad_data(tiny_copy, breaker):
    breaker(tiny_copy)
    result = scokg("--root", str(tiny_copy), "serve", "--port", str(free_port()))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert ("does not conform" in result.stderr) or ("tiny.ttl:" in result.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_port_in_use_is_one_sentence(tiny_copy):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = scokg("--root", str(tiny_copy), "serve", "--port", str(port))
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_folder(tmp_path):
    result = scokg("--root", str(tmp_path), "validate")
    assert result.returncode == 2
    assert "folder ontology/ is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_flag_is_a_usage_error():
    result = run("serve", "--prot", "1")
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_query_formats(tiny_copy):
    q = ("SELECT ?l WHERE { <https://w3id.org/scokg/id/almaty> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
         " ORDER BY ?l")
    table = run("--root", str(tiny_copy), "query", q)
    assert table.exit_code == 0 and "Almaty" in table.output and "(2 rows)" in table.output
    csv_out = run("--root", str(tiny_copy), "query", q, "--format", "csv")
    assert csv_out.output.splitlines() == ["l", "Almaty", "Almaty"]
    bad = run("--root", str(tiny_copy), "query", "SELECT * {")
    assert bad.exit_code == 1 and "malformed query" in bad.output


def test_get_runs_a_request_through_the_app(tiny_copy):
    ok = run("--root", str(tiny_copy), "get", "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D")
    assert ok.exit_code == 0 and '"boolean":true' in ok.output
    bad = run("--root", str(tiny_copy), "get", "/sparql?query=ASK%7B")
    assert bad.exit_code == 1 and "HTTP 400" in bad.output


def test_help_lists_commands_with_examples():
    result = run("--help")
    for command in ("validate", "build", "serve", "query", "get"):
        assert command in result.output
    assert "Exit codes" in result.output
    assert "Example" in run("build", "--help").output
