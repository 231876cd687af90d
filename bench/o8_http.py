"""Benchmark O8: HTTP throughput of a permission-filtered list.

    requests/s of GET /api/v1/customers?limit=50 for a sales rep (filtered: scope own, 2 %
    of the customers plus a dozen shares) ÷ the same for the administrator (scope all: no
    filter) on the 200,000-customer data set, several workers on PostgreSQL.
    Target: ≥ 0.9.

The data set is bench/datagen.py's (the PostgreSQL database vouch_bench_<N>, generated or
reused exactly as O5 does). Its users have no password; the two benchmark users get one
(argon2id, through a system session) before the server starts.

`vouch serve --workers W --no-access-log` runs as a subprocess on a free port against
that database, exactly as deployed (uvicorn, uvloop, httptools). Each profile signs in once
over HTTP for a bearer token; both answers are checked (200, `limit` items, the rep's
page differs from the administrator's) before any timing. Load comes from wrk (a C load
generator: one thread, C keep-alive connections, closed loop), which costs a few percent
of one core at these rates, so the two-core machine is the server's; the ceiling of server
stack plus wrk is measured first (an unauthenticated request, a 401 without a database)
and reported beside the results. After a warm-up per
profile, rounds of D seconds alternate the profiles (rep, admin, then admin, rep, …) so
that machine noise falls on both. Reported per profile: requests/s (all requests ÷ all
seconds over the rounds), p50 and p99 latency (the median over rounds of wrk's per-round
percentiles), and each round's numbers; the ratio is rep ÷ admin. Any non-2xx answer or
socket error fails the run.

    python -m bench.o8_http [--size 200000] [--workers 2] [--connections 16]
                            [--rounds 3] [--duration 10] [--path /api/v1/customers?limit=50]

wrk comes from Debian (`apt-get install wrk`; `make bench` installs it when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, update

from bench.datagen import BenchOrg, prepare
from bench.o5_lists import engine_for_db
from vouch.auth.passwords import hash_password
from vouch.db import system_session
from vouch.org.models import User

PATH = "/api/v1/customers?limit=50"
PROFILES = ("rep", "admin")  # filtered, unfiltered
TARGET_RATIO = 0.9
BENCH_PASSWORD = "o8-bench-password"  # a generated benchmark database only
STARTUP_S = 60.0
VOUCH = Path(sys.executable).with_name("vouch")

# wrk's done() hook: the summary as one JSON line (latencies in microseconds).
WRK_REPORT = r"""
local token = os.getenv("O8_BEARER")
if token ~= nil and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"non_2xx":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


class BenchError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def set_passwords(engine: Engine, user_ids: Sequence[int]) -> dict[int, str]:
    """Give the benchmark users a password (the generator leaves them without one);
    returns id → username."""
    digest = hash_password(BENCH_PASSWORD)
    with system_session(engine, "O8 benchmark: passwords for the benchmark users") as s:
        s.execute(update(User).where(User.id.in_(list(user_ids)))
                  .values(password_hash=digest, active=True))
        names = {u.id: u.username for u in s.query(User).filter(User.id.in_(list(user_ids)))}
        s.commit()
    return names


class Server:
    """`vouch serve` as a subprocess; stopped with SIGTERM."""

    def __init__(self, url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._out = log.open("w")
        env = {**os.environ, "VOUCH_DATABASE_URL": url}
        self.proc = subprocess.Popen(
            [str(VOUCH), "serve", "--port", str(self.port), "--workers", str(workers),
             "--no-access-log", "--log-level", "warning"],
            env=env, stdout=self._out, stderr=subprocess.STDOUT,
            start_new_session=True)  # a process group: the workers go with it

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"vouch serve exited {self.proc.returncode}: "
                                 f"{self.log.read_text()}")
            try:
                if httpx.get(f"{self.base}/api/v1/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise BenchError(f"vouch serve did not answer in {STARTUP_S} s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # the whole group: workers outlive a parent
                os.killpg(self.proc.pid, signal.SIGKILL)  # not yet reaped: still our group
                self.proc.wait()
        self._out.close()


def sign_in(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", timeout=30,
                   json={"username": username, "password": BENCH_PASSWORD})
    if r.status_code != 200:
        raise BenchError(f"sign-in of {username} failed: {r.status_code} {r.text}")
    return str(r.json()["access_token"])


def check_answers(base: str, path: str, tokens: dict[str, str]) -> dict[str, Any]:
    """Both profiles get 200; on a list, each a full page, and different pages."""
    pages: dict[str, Any] = {}
    for profile, token in tokens.items():
        r = httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        if r.status_code != 200:
            raise BenchError(f"{profile}: GET {path} answered {r.status_code}: {r.text[:300]}")
        pages[profile] = r.json()
    info: dict[str, Any] = {"bytes": {p: len(json.dumps(v)) for p, v in pages.items()}}
    if all("items" in v for v in pages.values()):
        ids = {p: [item["id"] for item in v["items"]] for p, v in pages.items()}
        if "limit=50" in path and any(len(v) != 50 for v in ids.values()):
            counts = {p: len(v) for p, v in ids.items()}
            raise BenchError(f"expected full pages of 50, got {counts}")
        if ids["rep"] == ids["admin"]:
            raise BenchError("the rep's page equals the administrator's: no filter applied?")
        info["items"] = {p: len(v) for p, v in ids.items()}
    return info


def wrk(url: str, token: str, *, seconds: float, connections: int, threads: int,
        script: Path, expect_2xx: bool = True) -> dict[str, Any]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
           "-s", str(script), url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60,
                          env={**os.environ, "O8_BEARER": token})
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    line = [x for x in done.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise BenchError(f"wrk printed no summary: {done.stdout}")
    res: dict[str, Any] = json.loads(line[-1])
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
    kinds = ("non_2xx", "connect", "read", "write", "timeout")[0 if expect_2xx else 1:]
    errors = {k: res[k] for k in kinds if res[k]}
    if errors:
        raise BenchError(f"wrk saw errors on {url}: {errors}")
    return res


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["duration_us"] for r in rounds) / 1e6
    return {
        "rps": requests / seconds, "requests": requests, "seconds": seconds,
        "p50_ms": statistics.median(r["p50_us"] for r in rounds) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in rounds) / 1000,
        "rounds_rps": [round(r["rps"], 1) for r in rounds],
    }


def run(size: int = 200_000, *, workers: int = 2, connections: int = 16, rounds: int = 3,
        duration: float = 10.0, warmup: float = 3.0, path: str = PATH, threads: int = 1,
        console: Console | None = None) -> dict[str, Any]:
    console = console or Console()
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install wrk; `make bench` does it)")
    engine = engine_for_db("postgresql", size)
    try:
        t0 = time.perf_counter()
        org: BenchOrg = prepare(engine, size)
        url = engine.url.render_as_string(hide_password=False)
        console.print(f"postgresql: {size:,} customers ready in "
                      f"{time.perf_counter() - t0:.1f} s")
        names = set_passwords(engine, [org.users[p] for p in PROFILES])
    finally:
        engine.dispose()
    users = {p: names[org.users[p]] for p in PROFILES}

    with tempfile.TemporaryDirectory(prefix="vouch-o8-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_REPORT)
        server = Server(url, workers, Path(tmp) / "serve.log")
        try:
            server.wait_ready()
            tokens = {p: sign_in(server.base, users[p]) for p in PROFILES}
            checked = check_answers(server.base, path, tokens)
            target = server.base + path
            # The ceiling of server stack + load generator: an unauthenticated request
            # (401 from the app, no database); far above the list's rates, or the
            # measurement below would be of wrk or uvicorn.
            ceiling = wrk(server.base + "/api/v1/me", "", seconds=warmup,
                          connections=connections, threads=threads, script=script,
                          expect_2xx=False)
            console.print(f"  ceiling (401 without a database): {ceiling['rps']:,.0f} req/s")
            for p in PROFILES:  # warm every worker's connections, statements and caches
                wrk(target, tokens[p], seconds=warmup, connections=connections,
                    threads=threads, script=script)
            per: dict[str, list[dict[str, Any]]] = {p: [] for p in PROFILES}
            ratios = []
            for i in range(rounds):
                order = PROFILES if i % 2 == 0 else tuple(reversed(PROFILES))
                for p in order:
                    res = wrk(target, tokens[p], seconds=duration, connections=connections,
                              threads=threads, script=script)
                    per[p].append(res)
                    console.print(f"  round {i + 1} {p:5}: {res['rps']:8.1f} req/s, "
                                  f"p50 {res['p50_us'] / 1000:.1f} ms, "
                                  f"p99 {res['p99_us'] / 1000:.1f} ms")
                ratios.append(per["rep"][-1]["rps"] / per["admin"][-1]["rps"])
        finally:
            server.stop()
            log = server.log.read_text()
    if "Traceback" in log or "ERROR" in log:
        raise BenchError(f"the server logged errors:\n{log[-3000:]}")

    summary = {p: summarise(per[p]) for p in PROFILES}
    ratio = summary["rep"]["rps"] / summary["admin"]["rps"]
    result = {
        "path": path, "size": size, "workers": workers, "connections": connections,
        "threads": threads, "rounds": rounds, "duration_s": duration, "warmup_s": warmup,
        "users": users, "visible": {p: org.owned[p] + org.shares.get(p, 0) for p in PROFILES},
        "checked": checked, "profiles": summary, "ratio": ratio,
        "ceiling_rps": ceiling["rps"],
        "round_ratios": [round(r, 3) for r in ratios], "target": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO, "cpus": os.cpu_count(),
    }
    report(result, console)
    return result


def report(result: dict[str, Any], console: Console) -> None:
    t = Table(title=f"O8 · GET {result['path']} over HTTP, {result['size']:,} customers, "
                    f"PostgreSQL, {result['workers']} workers, {result['connections']} "
                    f"connections, {result['rounds']} × {result['duration_s']:g} s per profile")
    for col in ("profile", "visible", "req/s", "p50 ms", "p99 ms", "per round req/s"):
        t.add_column(col, justify="left" if col == "profile" else "right")
    for p, s in result["profiles"].items():
        t.add_row(p, f"{result['visible'][p]:,}", f"{s['rps']:,.1f}", f"{s['p50_ms']:.1f}",
                  f"{s['p99_ms']:.1f}", " ".join(f"{x:,.0f}" for x in s["rounds_rps"]))
    console.print(t)
    console.print(f"ceiling of server stack + wrk (401, no database): "
                  f"{result['ceiling_rps']:,.0f} req/s")
    ok = result["target_met"]
    console.print(f"rep ÷ admin = {result['ratio']:.3f} (per round "
                  f"{', '.join(f'{r:.3f}' for r in result['round_ratios'])}); target ≥ "
                  f"{result['target']}: {'[green]met' if ok else '[red]missed'}[/]")


def _cli(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--size", type=int, default=200_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per profile round")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds per profile")
    p.add_argument("--path", default=PATH)
    p.add_argument("--json", type=Path, help="also write the results here")
    a = p.parse_args(argv)
    result = run(a.size, workers=a.workers, connections=a.connections, rounds=a.rounds,
                 duration=a.duration, warmup=a.warmup, path=a.path, threads=a.threads)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(result, indent=1, default=str))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(_cli())
