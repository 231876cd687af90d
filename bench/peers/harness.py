"""Timing + validation harness for benchmark O1 (warm single authorization check).

Shared by every engine, so the numbers are comparable:

* ``time_checks(check, queries)``
    1. warm-up: ``warmup`` calls cycling over ``queries`` (not recorded);
    2. latency: every call is bracketed individually by ``time.perf_counter_ns()``;
    3. the *empty-call overhead* is measured with the very same loop around a no-op
       ``check`` with the same signature (so it includes the two clock reads, the
       tuple unpacking ``check(*q)`` and one Python call); its median is subtracted
       from every sample (clamped at 0). It is reported as ``overhead_ns`` and is a
       few tens to ~100 ns -- immaterial for Cedar/Casbin, but it matters for a fast
       in-process engine, which is why it is subtracted;
    4. throughput: one tight ``for q in queries: check(*q)`` loop over all queries,
       timed as a whole; ``checks_per_s = n / elapsed``. Nothing is subtracted
       there (the loop overhead is part of what a caller pays, and it is tiny).
  ``gc.collect()`` runs before each phase; GC stays enabled during measurement, so
  collection pauses land in p99 the way they would in production.
* ``validate(check, ds, queries)`` -> number of answers differing from
  ``reference_decision``. Must be 0 for a peer's timing to mean anything.
* ``time_batch(batch_check, queries, batch_size)`` -> throughput of a batch API.
"""

from __future__ import annotations

import gc
import itertools
import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.peers.dataset import Dataset, Query, reference_decision

Check = Callable[[int, str, str, int], bool]


def _noop(user_id: int, obj: str, action: str, record_id: int) -> bool:
    return False


def _per_call_ns(check: Check, queries: Sequence[Query]) -> list[int]:
    pc = time.perf_counter_ns
    out: list[int] = []
    append = out.append
    for q in queries:
        t0 = pc()
        check(*q)
        t1 = pc()
        append(t1 - t0)
    return out


def _percentile(sorted_vals: Sequence[float], p: float) -> float:
    """Nearest-rank percentile on an already sorted sequence."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p / 100.0 * len(sorted_vals)) - 1))
    return float(sorted_vals[k])


def measure_overhead_ns(queries: Sequence[Query], n: int = 20_000) -> float:
    qs = list(itertools.islice(itertools.cycle(queries), max(n, 1)))
    _per_call_ns(_noop, qs[:1000])  # warm
    gc.collect()
    return float(statistics.median(_per_call_ns(_noop, qs)))


def time_checks(
    check: Check,
    queries: Sequence[Query],
    warmup: int = 2000,
    overhead_ns: float | None = None,
) -> dict[str, Any]:
    if not queries:
        raise ValueError("no queries")
    if overhead_ns is None:
        overhead_ns = measure_overhead_ns(queries)

    for q in itertools.islice(itertools.cycle(queries), warmup):
        check(*q)

    gc.collect()
    raw = _per_call_ns(check, queries)
    samples_us = sorted(max(0.0, s - overhead_ns) / 1000.0 for s in raw)

    gc.collect()
    pc = time.perf_counter_ns
    t0 = pc()
    for q in queries:
        check(*q)
    elapsed_ns = pc() - t0

    return {
        "n": len(queries),
        "p50_us": _percentile(samples_us, 50),
        "p99_us": _percentile(samples_us, 99),
        "mean_us": statistics.fmean(samples_us),
        "max_us": samples_us[-1],
        "checks_per_s": len(queries) / (elapsed_ns / 1e9),
        "overhead_ns": overhead_ns,
        "warmup": warmup,
    }


def time_batch(
    batch_check: Callable[[Sequence[Query]], list[bool]],
    queries: Sequence[Query],
    batch_size: int = 100,
    warmup_batches: int = 3,
) -> dict[str, Any]:
    """Throughput of a batch API; also returns the decisions for validation."""
    batches = [queries[i : i + batch_size] for i in range(0, len(queries), batch_size)]
    for b in batches[:warmup_batches]:
        batch_check(b)
    gc.collect()
    decisions: list[bool] = []
    pc = time.perf_counter_ns
    t0 = pc()
    for b in batches:
        decisions.extend(batch_check(b))
    elapsed_ns = pc() - t0
    return {
        "n": len(queries),
        "batch_size": batch_size,
        "checks_per_s": len(queries) / (elapsed_ns / 1e9),
        "us_per_check": elapsed_ns / 1000 / len(queries),
        "decisions": decisions,
    }


def validate(
    check: Check,
    ds: Dataset,
    queries: Sequence[Query],
    examples: list[tuple[Query, bool, bool]] | None = None,
) -> int:
    """Mismatches of ``check`` vs ``reference_decision`` (optionally collect examples)."""
    bad = 0
    for q in queries:
        want = reference_decision(ds, q)
        got = bool(check(*q))
        if got != want:
            bad += 1
            if examples is not None and len(examples) < 10:
                examples.append((q, want, got))
    return bad
