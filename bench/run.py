"""`make bench`: every benchmark, each printing ratios measured within one run.

    python -m bench.run [--size N] [--dbs sqlite,postgresql] [--only o1|o5|o8|o9] [--full]
                        [--o8-workers W]

Writes bench/results/latest.json (all numbers) and bench/results/latest.md (the tables).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"


def o1(full: bool, console: Console) -> dict[str, Any]:
    from bench import o1_checks
    from bench.peers import run_peers

    console.rule("O1 · warm single check, Vouch beside cedarpy and pycasbin")
    vouch = o1_checks.run()
    peers = run_peers.main(["--full"] if full else [])
    table = Table(title="O1 · warm single check (same model, same queries, same harness)")
    for col in ("engine", "variant", "p50 µs", "p99 µs", "checks/s", "p50 ÷ Vouch p50"):
        table.add_column(col, justify="right" if "µs" in col or "/" in col or "÷" in col
                         else "left")
    v = vouch["vouch"]
    table.add_row("vouch", "can(), profile warm", f"{v['p50_us']:.2f}", f"{v['p99_us']:.2f}",
                  f"{v['checks_per_s']:,.0f}", "1.0")
    for r in peers["peers"].values():
        if "p50_us" in r:
            table.add_row(r["engine"], r["variant"], f"{r['p50_us']:,.1f}",
                          f"{r['p99_us']:,.1f}", f"{r['checks_per_s']:,.0f}",
                          f"{r['p50_us'] / v['p50_us']:,.0f}×")
    console.print(table)
    target = v["p50_us"] <= 2.0
    console.print(f"target Vouch p50 ≤ 2 µs: {'[green]met' if target else '[red]missed'}[/] "
                  f"({v['p50_us']:.2f} µs); cold compile (O2) p50 "
                  f"{vouch['compile']['p50_us']:.0f} µs, p99 {vouch['compile']['p99_us']:.0f} µs")
    return {"vouch": vouch, "peers": peers, "target_met": target}


def o5(size: int, dbs: list[str], console: Console) -> dict[str, Any]:
    from bench import o5_lists

    console.rule(f"O5 · first page of 50 under the filter, {size:,} customers")
    return o5_lists.main(size=size, dbs=tuple(dbs))  # type: ignore[no-any-return]


def o8(size: int, dbs: list[str], workers: int, console: Console) -> dict[str, Any]:
    from bench import o8_http

    console.rule(f"O8 · HTTP requests/s of a filtered list page, {size:,} customers")
    if "postgresql" not in dbs:
        console.print("O8 runs on PostgreSQL only; skipped")
        return {"skipped": "postgresql not among --dbs"}
    try:
        return o8_http.run(size, workers=workers, console=console)
    except o8_http.BenchError as exc:
        console.print(f"[red]O8 failed:[/] {exc}", markup=True, highlight=False)
        return {"error": str(exc)}


def o9(size: int, dbs: list[str], console: Console) -> dict[str, Any]:
    from bench import o9_whatif

    console.rule(f"O9 · what-if of a change to a role held by 1,000 users, {size:,} customers")
    return o9_whatif.main(size=size, dbs=tuple(dbs), out=console)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=200_000, help="customers for O5, O8 and O9")
    ap.add_argument("--dbs", default="sqlite,postgresql")
    ap.add_argument("--only", choices=["o1", "o5", "o8", "o9"])
    ap.add_argument("--full", action="store_true", help="every O1 variant on every query")
    ap.add_argument("--o8-workers", type=int, default=2, help="`vouch serve --workers` for O8")
    args = ap.parse_args(argv)
    console = Console(record=True, width=max(132, Console().width))
    started = time.time()
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
    }
    if args.only in (None, "o1"):
        results["o1"] = o1(args.full, console)
    if args.only in (None, "o5"):
        results["o5"] = o5(args.size, args.dbs.split(","), console)
    if args.only in (None, "o8"):
        results["o8"] = o8(args.size, args.dbs.split(","), args.o8_workers, console)
    if args.only in (None, "o9"):
        results["o9"] = o9(args.size, args.dbs.split(","), console)
    results["wall_s"] = time.time() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    (RESULTS / "latest.md").write_text(console.export_text())
    console.print(f"results: {RESULTS / 'latest.json'}, {RESULTS / 'latest.md'}")
    failed = bool(results.get("o1", {}).get("peers", {}).get("failures")
                  or results.get("o8", {}).get("error")
                  or results.get("o9", {}).get("target_met") is False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
