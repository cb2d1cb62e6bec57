"""The maps' own endpoints under concurrency: place search and street tiles.

    python -m bench maps --database-url sqlite:///bench/out/maps.db
    python -m bench maps --database-url postgresql+psycopg://127.0.0.1/sigap_bench_maps

Makes the database if it is empty (migrations + the bundled Jakarta pack), serves Sigap with
uvicorn (``--workers``, default one), then 16 client threads ask in a loop:

* ``places``: what people type (typos, prefixes, RW, kelurahan; 3 to 17 letters), each near
  one of a few map centres, for ``--seconds``; the index is built by one warm-up search first;
* ``tiles cold``: every z15 tile of central Jakarta once (each drawn for the first time);
* ``tiles warm``: the same tiles again for ``--seconds`` (drawn before, kept per process);
* with ``--tile-dir``: ``sigap draw-tiles`` fills that folder, the server restarts with it as
  ``SIGAP_TILE_DIR``, and ``tiles from folder`` asks every tile once (read from disk, as a
  deployment's first visitors after a restart would).

Prints one JSON line per case: requests/s, p50 and p95 in ms. The Python client runs on the
same machine and takes a good share of its CPU; where ``wrk`` is installed, places and warm
tiles are asked again by wrk (16 connections), which leaves the CPU to the server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PORT = 8933
QUERIES = [
    "tamrin", "jl kebon sirih", "sudirman", "rw 3 kebon melati", "gambir", "menteng",
    "jalan thamrin", "kbon sirih", "tanah abang", "casablanca", "gatot subroto", "kuningan",
    "rw 05 cempaka putih", "senen", "jatinegara", "kemang raya", "pluit", "kelapa gading",
    "rasuna said", "hayam wuruk", "gajah mada", "cikini", "salemba", "matraman",
]  # fmt: skip
CENTRES = [(-6.1754, 106.8272), (-6.2440, 106.8000), (-6.1380, 106.8130), (-6.2250, 106.9000)]
CONCURRENCY = 16


def tiles(zoom: int = 15) -> list[str]:
    def tile(lon: float, lat: float) -> tuple[int, int]:
        n = 2**zoom
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return int((lon + 180) / 360 * n), int(y)

    (x0, y0), (x1, y1) = tile(106.75, -6.12), tile(106.90, -6.30)
    return [
        f"/api/v1/map/streets/{zoom}/{x}/{y}.png"
        for x in range(x0, x1 + 1)
        for y in range(y0, y1 + 1)
    ]


def places() -> list[str]:
    return [
        "/api/v1/places?" + urllib.parse.urlencode({"q": q, "lat": lat, "lon": lon})
        for q, (lat, lon) in itertools.product(QUERIES, CENTRES)
    ]


def run(paths: list[str], seconds: float | None) -> dict[str, Any]:
    """16 threads, each on its own keep-alive connection: every path once (``seconds`` None)
    or round and round until ``seconds`` have passed."""
    timings: list[float] = []
    lock = threading.Lock()
    queue = iter(paths if seconds is None else itertools.cycle(paths))
    deadline = time.perf_counter() + (seconds or 0)

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = []
        while seconds is None or time.perf_counter() < deadline:
            with lock:
                path = next(queue, None)
            if path is None:
                break
            start = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            timings.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    timings.sort()
    return {
        "n": len(timings),
        "per_s": round(len(timings) / elapsed),
        "p50_ms": round(timings[len(timings) // 2], 1),
        "p95_ms": round(timings[math.ceil(len(timings) * 0.95) - 1], 1),
    }


def wrk(paths: list[str], seconds: float) -> dict[str, Any]:
    """wrk (C, one thread, 16 connections) asking random ones of ``paths`` for ``seconds``:
    a load generator that leaves the CPU to the server, unlike :func:`run`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as out:
        out.write("return {" + ",".join(json.dumps(p) for p in paths) + "}\n")
    env = {**os.environ, "SIGAP_BENCH_MODE": "paths", "SIGAP_BENCH_PATHS": out.name}
    command = ["wrk", "-t1", f"-c{CONCURRENCY}", f"-d{seconds:.0f}s", "--timeout", "10s",
               "-s", str(Path(__file__).parent / "wrk.lua"),
               f"http://127.0.0.1:{PORT}"]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    os.unlink(out.name)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def prepare(url: str) -> None:
    from sigap.db import Database
    from sigap.migrations import upgrade
    from sigap.models import Region
    from sigap.regions import pack as packs
    from sigap.regions.service import import_pack

    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        if session.get(Region, "31") is None:
            import_pack(session, packs.read(packs.resolve("jakarta")))
    database.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench maps")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--tile-dir", default=None, help="also measure tiles read from it")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    prepare(args.database_url)
    env = {**os.environ, "SIGAP_DATABASE_URL": args.database_url}
    with serving(env, args.workers):
        run(places()[:1], None)  # the place index is built at start; wait for it
        print(json.dumps({"case": "places", **run(places(), args.seconds)}), flush=True)
        print(json.dumps({"case": "tiles cold", **run(tiles(), None)}), flush=True)
        print(json.dumps({"case": "tiles warm", **run(tiles(), args.seconds)}), flush=True)
        if shutil.which("wrk"):
            print(json.dumps({"case": "places, wrk", **wrk(places(), args.seconds)}), flush=True)
            print(json.dumps({"case": "tiles warm, wrk", **wrk(tiles(), args.seconds)}), flush=True)
    if args.tile_dir:
        started = time.perf_counter()
        draw = [sys.executable, "-m", "sigap.cli", "draw-tiles", "--tile-dir", args.tile_dir]
        subprocess.run(draw, env=env, check=True, capture_output=True)
        drawn = {"case": "draw-tiles z10-15", "seconds": round(time.perf_counter() - started)}
        print(json.dumps(drawn), flush=True)
        with serving({**env, "SIGAP_TILE_DIR": args.tile_dir}, args.workers):
            run(places()[:1], None)  # waits for the warm-up (street layer, place index) to end
            print(json.dumps({"case": "tiles from folder", **run(tiles(), None)}), flush=True)


@contextlib.contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[None]:
    command = [sys.executable, "-m", "uvicorn", "--factory", "sigap.app:create_app",
               "--port", str(PORT), "--log-level", "warning", "--no-access-log",
               "--workers", str(workers)]  # fmt: skip
    server = subprocess.Popen(command, env=env)
    try:
        _wait()
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait() -> None:
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")
