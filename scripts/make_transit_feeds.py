"""Bundle the demo's transit feeds: MRT Jakarta (MIT) and KRL Commuter Line (CC BY 4.0), read
and validated from ../shared/data/transit and packed as Sigap stores them (only GTFS files,
deflated, dated alike, so the same files make the same zip):

    PYTHONPATH=src python scripts/make_transit_feeds.py --source ../shared/data/transit \
        --out src/sigap/data/transit/jakarta

Transjakarta's feed states no licence that allows bundling it: it is never packed here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sigap.transit import store

FEEDS = {"mrt": "mrt_jakarta", "krl": "krl_approx"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=Path("../shared/data/transit"))
    parser.add_argument("--out", type=Path, default=Path("src/sigap/data/transit/jakarta"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, folder in FEEDS.items():
        loaded = store.load(args.source / folder, name)
        (args.out / f"{name}.zip").write_bytes(loaded.archive)
        print(f"{name}: {len(loaded.archive)} bytes, sha256 {loaded.sha256}")


if __name__ == "__main__":
    main()
