"""Time from opening the citizen app's new-report page to the confirmation, in chromium at
360 px with the phone's GPS, on an unthrottled and on throttled networks (Chrome DevTools
network emulation), with a phone-sized photo.

    python -m bench citizen [--runs 3] [--photo-mp 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import uvicorn
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from sigap.app import create_app
from sigap.config import Settings
from sigap.db import Database
from sigap.migrations import upgrade
from sigap.regions import pack as packs
from sigap.regions.service import import_pack

# name -> (download bytes/s, upload bytes/s, latency ms); None: no throttling
NETWORKS: dict[str, tuple[float, float, float] | None] = {
    "unthrottled": None,
    "4g (9/3 Mbit/s, 60 ms)": (9e6 / 8, 3e6 / 8, 60),
    "slow 3g-ish (1.6/0.75 Mbit/s, 150 ms)": (1.6e6 / 8, 0.75e6 / 8, 150),
}


def photo(megapixels: float) -> dict[str, Any]:
    """A noisy JPEG (noise compresses like a real photo's detail, a flat colour would not)."""
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = width * 3 // 4
    rng = np.random.default_rng(1)
    pixels = rng.integers(60, 200, (height // 4, width // 4, 3), dtype=np.uint8)
    image = Image.fromarray(pixels).resize((width, height), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def serve(directory: Path, port: int) -> uvicorn.Server:
    url = f"sqlite:///{directory / 'bench.db'}"
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        import_pack(session, packs.read(packs.resolve("jakarta")))
    database.dispose()
    settings = Settings(
        database_url=url,
        public_url=f"http://127.0.0.1:{port}",
        media_dir=str(directory / "media"),
        reports_per_hour=10_000,
        identical_per_day=10_000,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def file_once(page: Page, base: str, picture: dict[str, Any]) -> float:
    started = time.perf_counter()
    page.goto(f"{base}/app/new")
    page.click("label.category:has(input[value=sampah])")
    page.set_input_files("#photo", files=[picture])
    expect(page.locator("#place")).to_contain_text("Gambir")
    page.fill("#description", "Sampah menumpuk di trotoar.")
    page.click("#submit")
    expect(page.locator("#confirmation")).to_be_visible(timeout=120_000)
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench citizen")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--photo-mp", type=float, default=3.0)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    picture = photo(args.photo_mp)
    print(f"photo: {args.photo_mp} MP, {len(picture['buffer']) / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        server = serve(Path(tmp), args.port)
        base = f"http://127.0.0.1:{args.port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            for name, network in NETWORKS.items():
                times = []
                for _ in range(args.runs):
                    context = browser.new_context(
                        viewport={"width": 360, "height": 740},
                        is_mobile=True,
                        locale="id-ID",
                        permissions=["geolocation"],
                        geolocation={"latitude": -6.1754, "longitude": 106.8272},
                    )
                    page = context.new_page()
                    if network is not None:
                        cdp = context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        down, up, latency = network
                        cdp.send(
                            "Network.emulateNetworkConditions",
                            {
                                "offline": False,
                                "downloadThroughput": down,
                                "uploadThroughput": up,
                                "latency": latency,
                            },
                        )
                    times.append(file_once(page, base, picture))
                    context.close()
                print(
                    f"{name}: median {statistics.median(times):.2f} s "
                    f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
                )
            browser.close()
        server.should_exit = True
