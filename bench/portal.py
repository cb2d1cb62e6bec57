"""Portal latency at scale: map clusters, dashboards, ranking, and the CSV export's memory.

    python -m bench portal --database-url sqlite:///bench/out/sigap_bench_list_1000000.db

Serves Sigap with uvicorn (one worker) on the given database (made by ``python -m bench
generate``; the portal migration's backfill counts the reports on upgrade), warms it, then
requests each case sequentially (one connection) for ``--seconds`` and prints p50/p95 as JSON
lines. Finally it downloads the whole CSV export and reports its size, time and the server's
peak resident memory before and after (VmHWM), which shows whether memory stays constant.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

PORT = 8931
BASE = f"http://127.0.0.1:{PORT}"
JAKARTA = "106.60,-6.40,107.00,-6.05"
CASES = {
    "clusters region z11": f"/api/v1/map/clusters?bbox={JAKARTA}&zoom=11",
    "clusters region z11 banjir": f"/api/v1/map/clusters?bbox={JAKARTA}&zoom=11&category=banjir",
    "clusters kecamatan z14": "/api/v1/map/clusters?bbox=106.80,-6.19,106.84,-6.16&zoom=14",
    "clusters kecamatan filter z12": (f"/api/v1/map/clusters?bbox={JAKARTA}&zoom=12&area=31.71.01"),
    "dashboard region": "/api/v1/dashboard",
    "dashboard kota": "/api/v1/areas/31.71/dashboard",
    "dashboard kelurahan": "/api/v1/areas/31.71.01.1001/dashboard",
    "dashboard page region": "/areas",
    "ranking 3 months": "/api/v1/ranking?months=3",
    "ranking 12 months": "/api/v1/ranking?months=12",
    "ranking page": "/ranking",
}


def get(path: str) -> bytes:
    with urllib.request.urlopen(BASE + path, timeout=120) as response:  # noqa: S310 - local
        body: bytes = response.read()
        return body


def peak_rss_kb(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(path: str, seconds: float) -> dict[str, Any]:
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(timings) < 5:
        start = time.perf_counter()
        get(path)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench portal")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--only-export", action="store_true")
    args = parser.parse_args(argv)
    env = {**os.environ, "SIGAP_DATABASE_URL": args.database_url}
    command = [sys.executable, "-m", "uvicorn", "--factory", "sigap.app:create_app",
               "--port", str(PORT), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    try:
        _wait()
        for name, path in ({} if args.only_export else CASES).items():
            get(path)  # warm
            result = measure(path, args.seconds)
            print(json.dumps({"case": name, **result}), flush=True)
        if not args.skip_export:
            print(json.dumps(_export(server.pid)), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _export(pid: int) -> dict[str, Any]:
    before = peak_rss_kb(pid)
    start = time.perf_counter()
    size = rows = 0
    samples = []  # the server's resident memory (MB) every 100,000 rows: flat = constant
    with urllib.request.urlopen(BASE + "/api/v1/export/reports.csv", timeout=3600) as response:  # noqa: S310
        for line in response:
            size += len(line)
            rows += 1
            if rows % 100_000 == 0:
                samples.append(round(peak_rss_kb(pid, "VmRSS") / 1024))
    return {
        "case": "export csv",
        "rows": rows - 1,
        "mb": round(size / 1e6, 1),
        "seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb_before": round(before / 1024, 1),
        "peak_rss_mb_after": round(peak_rss_kb(pid) / 1024, 1),
        "rss_mb_every_100k_rows": samples,
    }


def _wait() -> None:
    for _ in range(600):
        try:
            get("/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")
