"""Photo intake benchmarks: time and peak memory per 12 MP photo, and uploads over HTTP.

    python -m bench photos intake                 # 12 MP JPEG and HEIC, each in a fresh process
    python -m bench photos http --seconds 10      # concurrent multipart uploads + a latency probe

``intake`` makes a phone-like 12-megapixel picture (4000 x 3000: gradients, edges and sensor-like
noise, with EXIF GPS and device tags), saves it as JPEG (quality 90) and as HEIC (see FILES), and
times ``sigap.photos.decode.process`` plus storing both renditions, in a child process per
format so its peak resident memory (``VmHWM``) is its own; the peak is reported as the
growth over the child's resident size just before the first photo (Python, Pillow and the
file bytes already loaded). ``http`` serves Sigap on SQLite and posts reports with one 12 MP
JPEG each from several threads, while a probe thread times ``GET /healthz``: if decoding
blocked the event loop, the probe's latency would rise to the decode time.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import ExifTags, Image

HERE = Path(__file__).parent
OUT = HERE / "out"


def phone_picture(width: int = 4000, height: int = 3000, seed: int = 7) -> Image.Image:
    """Smooth light, hard edges and per-pixel noise, like a street photo's mix of detail."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([x / width * 200, y / height * 180, (x + y) / (width + height) * 160], -1)
    blocks = rng.integers(0, 90, (height // 250 + 1, width // 250 + 1, 3)).astype(np.float32)
    base += np.repeat(np.repeat(blocks, 250, 0), 250, 1)[:height, :width]
    base += rng.normal(0, 6, base.shape).astype(np.float32)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "BenchPhone"
    exif[ExifTags.Base.Model] = "12MP"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 10.0, 31.44)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 37.92)
    return exif


# (file name, save options): the phone JPEG; the single-image HEIC of earlier runs (4.3 MB,
# one HEVC frame); and HEIC as phones write it, a grid of 512 x 512 tiles, at the same quality
# (4.3 MB) and at quality 50 (2.0 MB, a phone's usual size for 12 MP: about 80 % of its JPEG).
FILES: dict[str, tuple[str, dict[str, Any]]] = {
    "jpeg": ("photo-12mp.jpg", {"format": "JPEG", "quality": 90}),
    "heic": ("photo-12mp.heic", {"format": "HEIF", "quality": 60}),
    "heic-grid": ("photo-12mp-grid.heic", {"format": "HEIF", "quality": 60, "tile_size": 512}),
    "heic-grid-q50": (
        "photo-12mp-grid-q50.heic",
        {"format": "HEIF", "quality": 50, "tile_size": 512},
    ),
}


def make_files() -> dict[str, Path]:
    OUT.mkdir(exist_ok=True)
    files = {kind: OUT / name for kind, (name, _) in FILES.items()}
    missing = [kind for kind, path in files.items() if not path.exists()]
    if not missing:
        return files
    import pillow_heif

    pillow_heif.register_heif_opener()
    picture = phone_picture()
    for kind in missing:
        buffer = io.BytesIO()
        picture.save(buffer, exif=phone_exif(), **FILES[kind][1])
        files[kind].write_bytes(buffer.getvalue())
    return files


def status_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process. Not ``ru_maxrss``: on Linux that carries
    over the parent's peak through fork and exec, and the parent drew the 12 MP picture."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(path: str, output: str, repeats: int) -> None:
    """Runs in its own process: take in one file ``repeats`` times, print one JSON line."""
    from sigap.photos import decode
    from sigap.photos.service import _store
    from sigap.photos.storage import LocalStorage

    data = Path(path).read_bytes()
    storage = LocalStorage(tempfile.mkdtemp(), "http://bench/media")
    decode._register_heif()
    before = status_kib("VmRSS")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        processed = decode.process(data, max_pixels=50_000_000, output=output)
        _store(processed, None, storage)
        times.append((time.perf_counter() - start) * 1000)
    peak = status_kib("VmHWM")
    print(json.dumps({
        "file_mb": round(len(data) / 1e6, 2),
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times), 1),
        "peak_growth_mb": round((peak - before) / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "display": [processed.display.width, processed.display.height],
        "display_kb": round(len(processed.display.data) / 1024),
        "thumb_kb": round(len(processed.thumb.data) / 1024),
        "gps": processed.gps,
    }))  # fmt: skip


def intake(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    for kind, path in make_files().items():
        for output in args.output:
            command = [sys.executable, "-m", "bench", "photos", "child", str(path), output,
                       str(args.repeats)]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = {"input": kind, "output": output, **json.loads(done.stdout.splitlines()[-1])}
            print(json.dumps(result))
            results.append(result)
    return results


def http(args: argparse.Namespace) -> dict[str, Any]:
    import httpx2 as httpx

    from bench.generate import prepare
    from bench.http import database_url, server, uvicorn_command

    url = database_url("sqlite", "sigap_bench_photos", fresh=True)
    prepare(url)[0].dispose()
    photo = make_files()[args.photo].read_bytes()
    name, content_type = (
        ("p.jpg", "image/jpeg") if args.photo == "jpeg" else ("p.heic", "image/heic")
    )
    media = tempfile.mkdtemp()
    env = {"SIGAP_DATABASE_URL": url, "SIGAP_MEDIA_DIR": media}
    base = f"http://127.0.0.1:{args.port}"
    report = json.dumps({"category": "sampah", "lat": -6.1754, "lon": 106.8272,
                         "description": "Sampah menumpuk di trotoar."})  # fmt: skip
    stop = time.monotonic() + args.seconds
    uploads: list[float] = []
    probes: list[float] = []

    def upload() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.monotonic() < stop:
                start = time.perf_counter()
                files = [("photo", (name, photo, content_type))]
                response = client.post("/api/v1/reports", data={"report": report}, files=files)
                response.raise_for_status()
                uploads.append(time.perf_counter() - start)

    def probe() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.monotonic() < stop:
                start = time.perf_counter()
                client.get("/healthz").raise_for_status()
                probes.append(time.perf_counter() - start)
                time.sleep(0.01)

    with server(uvicorn_command("sigap.app:create_app", args.port, 1), args.port, env):
        threads = [threading.Thread(target=upload) for _ in range(args.connections)]
        threads.append(threading.Thread(target=probe))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    result = {
        "photo": args.photo,
        "connections": args.connections,
        "uploads": len(uploads),
        "uploads_per_s": round(len(uploads) / elapsed, 2),
        "upload_p50_ms": round(float(np.percentile(uploads, 50)) * 1000, 1),
        "upload_p95_ms": round(float(np.percentile(uploads, 95)) * 1000, 1),
        "healthz_p50_ms": round(float(np.percentile(probes, 50)) * 1000, 1),
        "healthz_p95_ms": round(float(np.percentile(probes, 95)) * 1000, 1),
        "healthz_max_ms": round(max(probes) * 1000, 1),
    }
    print(json.dumps(result))
    return result


def main(argv: list[str]) -> None:
    if argv[:1] == ["child"]:
        child(argv[1], argv[2], int(argv[3]))
        return
    parser = argparse.ArgumentParser(prog="python -m bench photos", description=__doc__)
    parser.add_argument("mode", choices=["intake", "http"])
    parser.add_argument("--output", action="append", choices=["jpeg", "webp"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--photo", choices=list(FILES), default="jpeg", help="http: file to post")
    args = parser.parse_args(argv)
    args.output = args.output or ["jpeg", "webp"]
    if args.mode == "intake":
        intake(args)
    else:
        http(args)
