"""The report of a run: Markdown tables and charts (PNG and SVG) from results.json.

    python bench/report.py bench/results/<time>/results.json   # writes report.md and charts again beside it
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

MINE = "scokg"
PEER = "oxigraph"
MODES = {"varied": "varied (every request different)", "repeated": "repeated (8 requests, after a warm-up)"}


def geomean(xs) -> float:
    """Strict: a run that completed nothing (0 requests/s, a ratio of 0 or ∞) makes the mean undefined ("–")."""
    xs = list(xs)
    if not xs or any(not (x > 0 and math.isfinite(x)) for x in xs):
        return float("nan")
    return math.exp(sum(map(math.log, xs)) / len(xs))


def _rps(x: float) -> str:
    if x != x:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def _ms(x) -> str:
    return "–" if x is None or x != x else f"{x:.2f}" if x < 10 else f"{x:,.0f}"


def _x(r: float) -> str:
    return "–" if r != r else f"{r:.2f}×"


def _ctx(rep: dict):
    servers = {k: v for k, v in rep["servers"].items() if "runs" in v}
    shapes = list(rep["shapes"])
    keys = {tuple(k.split("|")) for v in servers.values() for k in v["runs"]}
    methods = [m for m in ("get", "post", "form") if any(k[1] == m for k in keys)]
    modes = [m for m in ("varied", "repeated") if any(k[2] == m for k in keys)]
    return servers, shapes, methods, modes


def run(servers: dict, name: str, shape: str, method: str, mode: str) -> dict | None:
    return servers.get(name, {}).get("runs", {}).get(f"{shape}|{method}|{mode}")


def ratio(servers, ours, theirs, shape, method, mode) -> float:
    a, b = run(servers, ours, shape, method, mode), run(servers, theirs, shape, method, mode)
    return a["rps"] / b["rps"] if a and b and b["rps"] else float("nan")


def ours_list(servers: dict) -> list[str]:
    return [n for n in servers if n.startswith("scokg")]


# ---------------------------------------------------------------- tables


def main_table(rep: dict) -> str:
    servers, shapes, methods, modes = _ctx(rep)
    has_ratio = MINE in servers and PEER in servers
    head = ["shape", "method"]
    for mode in modes:
        head += [f"{mode}: {n}" for n in servers] + ([f"{mode}: {MINE} ÷ {PEER}"] if has_ratio else [])
    lines = [f"requests/s per shape, method and server ({len(shapes)} shapes; wrk: {{clients}} connections)", "",
             "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for shape in shapes:
        for method in methods:
            cells = [shape, method.upper()]
            for mode in modes:
                for n in servers:
                    r = run(servers, n, shape, method, mode)
                    cells.append(_rps(r["rps"]) + (f" ⚠{r['errors']} errors" if r["errors"] else "") if r else "–")
                if has_ratio:
                    cells.append(_x(ratio(servers, MINE, PEER, shape, method, mode)))
            lines.append("| " + " | ".join(cells) + " |")
    for method in [*methods, None]:
        label = f"**geometric mean, {method.upper()}**" if method else "**geometric mean, all**"
        cells = [label, ""]
        ms = [method] if method else methods
        for mode in modes:
            for n in servers:
                cells.append(_rps(geomean(run(servers, n, s, m, mode)["rps"] for s in shapes for m in ms
                                          if run(servers, n, s, m, mode))))
            if has_ratio:
                cells.append("**" + _x(geomean(ratio(servers, MINE, PEER, s, m, mode) for s in shapes
                                               for m in ms)) + "**")
        lines.append("| " + " | ".join(cells) + " |")
    if any(r["rps"] == 0 for v in servers.values() for r in v["runs"].values()):
        lines.append("\n0.00: the run completed no request in its time (longer --seconds help); the geometric means "
                     "over it are left undefined (–).")
    return "\n".join(lines)


def ratio_table(rep: dict) -> str:
    servers, shapes, methods, modes = _ctx(rep)
    if PEER not in servers:
        return f"(no {PEER} in this run: no ratios)"
    out = []
    for ours in ours_list(servers):
        cols = [(mode, m) for mode in modes for m in methods]
        lines = [f"{ours} ÷ {PEER}, requests/s (above 1: {ours} is faster)", "",
                 "| shape | " + " | ".join(f"{mode} {m.upper()}" for mode, m in cols) + " |",
                 "|---" * (len(cols) + 1) + "|"]
        for shape in shapes:
            lines.append(f"| {shape} | " + " | ".join(_x(ratio(servers, ours, PEER, shape, m, mode))
                                                     for mode, m in cols) + " |")
        lines.append("| **geometric mean** | " + " | ".join(
            "**" + _x(geomean(ratio(servers, ours, PEER, s, m, mode) for s in shapes)) + "**" for mode, m in cols)
                     + " |")
        overall = ", ".join(
            f"{mode} {_x(geomean(ratio(servers, ours, PEER, s, m, mode) for s in shapes for m in methods))}"
            for mode in modes)
        lines.append(f"\ngeometric mean over all shapes and methods: {overall}")
        out.append("\n".join(lines))
    return "\n\n".join(out)


def latency_table(rep: dict) -> str:
    servers, shapes, methods, modes = _ctx(rep)
    head = ["shape", "method"] + [f"{mode}: {n}" for mode in modes for n in servers]
    lines = ["latency p50 / p90 / p99 in ms (wrk, all requests of the timed run)", "",
             "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for shape in shapes:
        for method in methods:
            cells = [shape, method.upper()]
            for mode in modes:
                for n in servers:
                    r = run(servers, n, shape, method, mode)
                    cells.append(f"{_ms(r['p50_ms'])} / {_ms(r['p90_ms'])} / {_ms(r['p99_ms'])}" if r else "–")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def resources_table(rep: dict) -> str:
    lines = ["| server | startup (files → first answer) | memory PSS after the run | RSS summed | processes | "
             "load average (1 min) before → after | how it ran |", "|---" * 7 + "|"]
    for name, v in rep["servers"].items():
        if "skipped" in v:
            lines.append(f"| {name} | did not start | | | | | {v['skipped'][:120]} |")
            continue
        m = v["memory"]
        lines.append(f"| {name} | {v['startup_s']:.1f} s | {m['pss_mb']:,.0f} MB | {m['rss_mb']:,.0f} MB | "
                     f"{m['processes']} | {v['conditions_before']['loadavg_1m']:.1f} → "
                     f"{v['conditions_after']['loadavg_1m']:.1f} | {v['note']} |")
    return "\n".join(lines)


def hits_table(rep: dict) -> str:
    servers, shapes, methods, modes = _ctx(rep)
    lines = ["| server | mode | method | requests | distinct | hit ratio from /metrics | hit ratio implied by the "
             "stream (estimate) |", "|---" * 7 + "|"]
    for n in ours_list(servers):
        for mode in modes:
            for method in methods:
                rs = [r for s in shapes if (r := run(servers, n, s, method, mode))]
                sent = sum(r["sent"] for r in rs)
                est = sum(r["hit_ratio_estimate"] * r["sent"] for r in rs) / sent if sent else float("nan")
                with_metrics = [r for r in rs if r.get("hit_ratio_metrics") is not None]
                cache_off = any(f"{k}=0" in servers[n].get("note", "") for k in ("cache_bytes", "cache_entries"))
                if cache_off and not with_metrics:
                    measured, est = "cache off", 0.0
                elif with_metrics:
                    h = sum(r["cache_hits"] for r in with_metrics)
                    t = h + sum(r["cache_misses"] for r in with_metrics)
                    measured = f"{h / t:.1%} ({h:,.0f} of {t:,.0f})" if t else "–"
                else:
                    measured = "not exposed"
                lines.append(f"| {n} | {mode} | {method.upper()} | {sent:,} | {sum(r['distinct'] for r in rs):,} | "
                             f"{measured} | {est:.1%} |")
    return "\n".join(lines)


def check_text(rep: dict) -> str:
    c = rep.get("check", {})
    if not c:
        return ""
    parts = [f"{name}: {v['samples']} drawn parameter sets ({v['non_empty']} with a non-empty answer, "
             f"{v['mean_size']:.1f} rows or triples on average)" for name, v in c["shapes"].items()]
    text = (f"Answers checked before timing, every server against {c['reference']}, as typed RDF terms, by every "
            f"method: " + "; ".join(parts) + f"; and {len(c['competency'])} competency questions (GET, as multisets).")
    if c.get("truncated"):
        text += (" Answers cut at scokg's documented max_rows (X-Result-Truncated), whose rows were all the "
                 "reference's: " + "; ".join(c["truncated"]) + ".")
    return text


# ---------------------------------------------------------------- charts


def _save(fig, out: Path, name: str) -> list[str]:
    files = []
    for ext in ("png", "svg"):
        fig.savefig(out / f"{name}.{ext}", dpi=110, bbox_inches="tight")
        files.append(f"{name}.{ext}")
    return files


def charts(rep: dict, out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    servers, shapes, methods, modes = _ctx(rep)
    size = rep["size"]
    names = list(servers)
    colours = {n: plt.cm.tab10(i) for i, n in enumerate(names)}
    short = [s.split("-", 1)[1] if "-" in s else s for s in shapes]
    width = 0.8 / max(1, len(names))
    made = []

    def grouped(ax, values: dict, log=True):
        for i, n in enumerate(names):
            xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(shapes))]
            ax.bar(xs, values[n], width, label=n, color=colours[n])
        ax.set_xticks(range(len(shapes)), short, rotation=20, ha="right", fontsize=8)
        if log:
            ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)

    fig, axes = plt.subplots(len(modes), len(methods), figsize=(4.2 * len(methods), 3.4 * len(modes)), squeeze=False)
    for a, mode in enumerate(modes):
        for b, method in enumerate(methods):
            ax = axes[a][b]
            grouped(ax, {n: [(run(servers, n, s, method, mode) or {}).get("rps", 0) for s in shapes] for n in names})
            ax.set_title(f"{mode}, {method.upper()}", fontsize=10)
            if b == 0:
                ax.set_ylabel("requests/s (log)")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(f"Throughput per query shape, size {size}")
    fig.tight_layout()
    made += _save(fig, out, f"throughput-{size}")
    plt.close(fig)

    fig, axes = plt.subplots(len(modes), len(methods), figsize=(4.2 * len(methods), 3.4 * len(modes)), squeeze=False)
    for a, mode in enumerate(modes):
        for b, method in enumerate(methods):
            ax = axes[a][b]
            for i, n in enumerate(names):
                rs = [run(servers, n, s, method, mode) for s in shapes]
                xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(shapes))]
                p50 = [r["p50_ms"] if r else 0 for r in rs]
                ax.bar(xs, p50, width, color=colours[n], label=f"{n} p50")
                ax.vlines(xs, p50, [r["p99_ms"] if r else 0 for r in rs], color="black", lw=0.8)
                ax.scatter(xs, [r["p90_ms"] if r else 0 for r in rs], s=8, color="black", zorder=3)
                ax.scatter(xs, [r["p99_ms"] if r else 0 for r in rs], s=14, marker="_", color="black", zorder=3)
            ax.set_xticks(range(len(shapes)), short, rotation=20, ha="right", fontsize=8)
            ax.set_yscale("log")
            ax.grid(axis="y", alpha=0.3)
            ax.set_title(f"{mode}, {method.upper()}", fontsize=10)
            if b == 0:
                ax.set_ylabel("ms (log): bar p50, dot p90, tick p99")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(f"Latency percentiles, size {size}")
    fig.tight_layout()
    made += _save(fig, out, f"latency-{size}")
    plt.close(fig)

    if PEER in servers and ours_list(servers):
        ours = ours_list(servers)
        cols = [(mode, m) for mode in modes for m in methods]
        fig, axes = plt.subplots(1, len(ours), figsize=(5.5 * len(ours), 3.8), squeeze=False)
        for a, n in enumerate(ours):
            ax = axes[0][a]
            w = 0.8 / len(cols)
            for i, (mode, m) in enumerate(cols):
                xs = [j + (i - (len(cols) - 1) / 2) * w for j in range(len(shapes))]
                ax.bar(xs, [ratio(servers, n, PEER, s, m, mode) for s in shapes], w,
                       label=f"{mode} {m.upper()}", color=plt.cm.Paired(i), hatch="" if mode == "varied" else "//")
            ax.axhline(1, color="black", lw=0.8)
            ax.set_yscale("log")
            ax.set_xticks(range(len(shapes)), short, rotation=20, ha="right", fontsize=8)
            gm = ", ".join(f"{mode} {_x(geomean(ratio(servers, n, PEER, s, m, mode) for s in shapes for m in methods))}"
                           for mode in modes)
            ax.set_title(f"{n} ÷ {PEER} (geo. mean: {gm})", fontsize=9)
            ax.grid(axis="y", alpha=0.3)
        axes[0][0].set_ylabel("ratio of requests/s (log)")
        axes[0][-1].legend(fontsize=7)
        fig.tight_layout()
        made += _save(fig, out, f"ratios-{size}")
        plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    axes[0].barh(names, [servers[n]["memory"]["pss_mb"] for n in names], color=[colours[n] for n in names])
    axes[0].set_xlabel("MB, PSS of the process tree after the run")
    axes[1].barh(names, [servers[n]["startup_s"] for n in names], color=[colours[n] for n in names])
    axes[1].set_xlabel("s, files → first answer")
    for ax in axes:
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Memory and startup, size {size}")
    fig.tight_layout()
    made += _save(fig, out, f"memory-startup-{size}")
    plt.close(fig)
    return made


# ---------------------------------------------------------------- the report


def summary(figures: dict) -> str:
    """What run.py prints: per size, the main table, the ratios, memory and startup, hit ratios."""
    m = figures["machine"]
    parts = [f"{m['cpus']} CPUs; wrk {m['clients']} connections, {m['wrk_threads']} threads, {m['seconds']:g} s per "
             f"run after {m['warmup_s']:g} s of warm-up; load average {m['load_at_start']['loadavg_1m']:.1f} at start, "
             f"{m['load_at_end']['loadavg_1m']:.1f} at end"]
    for rep in figures["reports"]:
        parts += [f"\n## Size {rep['size']}: {rep['triples']:,} triples\n",
                  main_table(rep).replace("{clients}", str(m["clients"])), "", ratio_table(rep), "",
                  resources_table(rep), "", hits_table(rep), "", check_text(rep)]
    return "\n".join(parts)


def write(figures: dict, out: Path) -> str:
    """report.md and the charts in out/; returns the text for stdout."""
    m = figures["machine"]
    md = [f"# scokg benchmark, {m['time']}", "", f"Command: `{m['command']}`", "",
          "Modes: **varied**, every request different (parameters drawn per request from the served data: what the "
          "result cache cannot help with); **repeated**, 8 fixed requests per shape, sent during the warm-up first "
          "(what the cache serves). Methods: GET `?query=`, POST `application/sparql-query`, POST form-encoded. "
          "Requests/s count successful answers only.", ""]
    for rep in figures["reports"]:
        files = charts(rep, out)
        size = rep["size"]
        md += [f"## Size {size}: {rep['triples']:,} triples", "",
               main_table(rep).replace("{clients}", str(m["clients"])), "",
               f"![throughput](throughput-{size}.png)", "", "### Ratios", "", ratio_table(rep), ""]
        if f"ratios-{size}.png" in files:
            md += [f"![ratios](ratios-{size}.png)", ""]
        md += ["### Latency", "", latency_table(rep), "", f"![latency](latency-{size}.png)", "",
               "### Memory and startup", "", resources_table(rep), "",
               f"![memory and startup](memory-startup-{size}.png)", "", "### Cache hit ratio", "", hits_table(rep), "",
               "The estimate is the share of requests whose exact text the server was sent before (in the answer "
               "check, an earlier run or warm-up, or earlier in the run): the hit ratio of one shared, unbounded "
               "cache. scokg keeps one cache per worker process, so its real hit ratio can only be lower. /metrics "
               "counts every cached kind (answers and pages) over all workers.", "",
               "### Answers", "", check_text(rep), "",
               "### Query shapes", "", "| shape | combinations | parameters |", "|---|---|---|"]
        for name, s in rep["shapes"].items():
            md.append(f"| {name}: {s['title']} | {s['combinations']:,} | "
                      + ", ".join(f"{k}: {v}" for k, v in s["params"].items()) + " |")
        md.append("")
    (out / "report.md").write_text("\n".join(md))
    return summary(figures)


if __name__ == "__main__":
    path = Path(sys.argv[1])
    print(write(json.loads(path.read_text()), path.parent))
