"""Lighthouse's four scores (performance, accessibility, best practices, SEO) and the layout shift of the pages a
newcomer opens first, desktop and mobile, against `scokg serve` on 127.0.0.1 (issue 22). Offline: Debian's Chromium,
Lighthouse from tools/lighthouse/ (npm, pinned), nothing but the local server is reached.

    cd tools/lighthouse && npm ci          # once: lighthouse 12.2.3 into tools/lighthouse/node_modules
    .venv/bin/python bench/lighthouse.py   # prints the table, writes bench/results/lighthouse-<time>.json

Options: --runs N (the median of N runs per page and form factor; default 1), --pages NAME,… (a subset),
--out FILE. Not part of `make test`: a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from servers import free_port  # bench/servers.py

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update " \
               "--disable-sync --no-first-run"
FORMS = ("desktop", "mobile")
FIRST_INITIATIVE = ("SELECT ?i WHERE { ?i a <https://w3id.org/scokg/ontology#Initiative> ; "
                    "<https://w3id.org/scokg/ontology#servesPriority> ?p } ORDER BY ?i LIMIT 1")


def start_server(instance: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    scokg = Path(sys.executable).parent / "scokg"
    proc = subprocess.Popen([str(scokg), "--root", str(ROOT), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--instance", str(instance)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/ready", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"scokg serve exited with {proc.returncode}")
        time.sleep(0.5)
    stop(proc)
    raise SystemExit("scokg serve did not become ready in 180 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def pages(url: str) -> dict[str, str]:
    req = urllib.request.Request(url + "/sparql?query=" + quote(FIRST_INITIATIVE),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        iri = json.load(r)["results"]["bindings"][0]["i"]["value"]
    initiative = "/" + iri.split("https://w3id.org/scokg/", 1)[1]
    return {"/": "/", "initiative": initiative, "/browse/Initiative": "/browse/Initiative",
            "/timeline": "/timeline", "/map": "/map", "/sparql": "/sparql"}


def run_lighthouse(target: str, form: str, scratch: Path) -> dict:
    out = scratch / "report.json"
    cmd = [str(LIGHTHOUSE), target, "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if form == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(cmd, check=True, env=env, timeout=300, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    scores["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    scores["lcp_s"] = round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2)
    failed = sorted(a for a, v in audits.items()
                    if v.get("score") is not None and v["score"] < 0.9 and v.get("scoreDisplayMode") == "binary")
    scores["failed"] = failed
    return scores


def median_of(runs: list[dict]) -> dict:
    """The run of median performance (its other figures with it), so a row is one real run."""
    ordered = sorted(runs, key=lambda r: r["performance"])
    return ordered[len(ordered) // 2]


def table(figures: dict) -> str:
    head = "| page | form | performance | accessibility | best practices | SEO | CLS | LCP s |"
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    for page, forms in figures.items():
        for form, s in forms.items():
            lines.append(f"| {page} | {form} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | "
                         f"{s['seo']} | {s['cls']} | {s['lcp_s']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"no {LIGHTHOUSE}: cd tools/lighthouse && npm ci")
    if not shutil.which(os.environ.get("CHROME_PATH", "/usr/bin/chromium")):
        raise SystemExit("no Chromium: apt-get install chromium (or set CHROME_PATH)")
    scratch = Path(tempfile.mkdtemp(prefix="scokg-lighthouse-"))
    proc, url = start_server(scratch / "instance")
    figures: dict[str, dict] = {}
    try:
        chosen = pages(url)
        if args.pages:
            chosen = {k: v for k, v in chosen.items() if k in args.pages.split(",")}
        for name, path in chosen.items():
            for form in FORMS:
                runs = [run_lighthouse(url + path, form, scratch) for _ in range(args.runs)]
                figures.setdefault(name, {})[form] = median_of(runs)
                s = figures[name][form]
                print(f"{name:20} {form:8} " + " ".join(f"{s[c]:>3}" for c in CATEGORIES)
                      + f"  CLS {s['cls']}  LCP {s['lcp_s']} s" + (f"  failed: {s['failed']}" if s["failed"] else ""),
                      flush=True)
    finally:
        stop(proc)
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(table(figures))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"lighthouse-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"lighthouse": "12.2.3", "chromium": chromium_version(), "runs": args.runs,
                               "pages": figures}, indent=1) + "\n")
    print(f"\nwritten {out}")
    worst = min((s[c] for forms in figures.values() for s in forms.values() for c in CATEGORIES), default=0)
    worst_cls = max((s["cls"] for forms in figures.values() for s in forms.values()), default=0)
    return 0 if worst >= 95 and worst_cls <= 0.1 else 1


def chromium_version() -> str:
    try:
        return subprocess.run([os.environ.get("CHROME_PATH", "/usr/bin/chromium"), "--version"], capture_output=True,
                              text=True, timeout=30).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
