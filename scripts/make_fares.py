"""Write Jakarta's fare rules (src/sigap/data/regions/jakarta/fares) from the facts below and
two files of ../shared/data/transit (its README, "Fares", gives the sources):

- the MRT feed's station-pair fares (mrt_jakarta/fare_rules.txt, fare_attributes.txt; MIT);
- (Transjakarta's routes are not listed: which are free or Royaltrans is read at run time
  from the operator's own feed, its fare_rules.txt, through sigap_feed_fares.txt.)

    python scripts/make_fares.py --source ../shared/data/transit \
        --out src/sigap/data/regions/jakarta/fares

The other files (README.md, rule_sets.txt, networks, timeframes, transfer, package and
sequence rules, OK-Otrip's set) are written by hand; this writes areas, stop_areas,
and the 2022 set's fare_products and fare_leg_rules (its flat fares below).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

# The station-pair table's station codes are the feed's zone_id; the station's stop id is "S"
# and the code (SLBB), stored namespaced by the feed's name: mrt:SLBB.
MRT_FEED = "mrt"


# The 2022 set's flat fares: (product, name, amount) and (leg group, network, timeframe,
# product, priority). The morning fare outranks the all-day one (rule_priority).
PRODUCTS = [
    ("tj_reguler", "Transjakarta", 3500),
    ("tj_pagi", "Transjakarta 05.00-07.00", 2000),
    ("gratis", "Gratis", 0),
    ("royaltrans", "Royaltrans", 20000),
    ("royaltrans_premium", "Royaltrans S13, S14, T21", 35000),
    ("lrt_jakarta", "LRT Jakarta", 5000),
]
FLAT_RULES = [
    ("tj", "transjakarta", "", "tj_reguler", 0),
    ("tj", "transjakarta", "pagi", "tj_pagi", 1),
    ("", "mikrotrans", "", "gratis", 0),
    ("", "bus_wisata", "", "gratis", 0),
    ("", "royaltrans", "", "royaltrans", 0),
    ("", "royaltrans_premium", "", "royaltrans_premium", 0),
    ("", "lrt_jakarta", "", "lrt_jakarta", 0),
]
LEG_HEADER = [
    "leg_group_id",
    "network_id",
    "from_area_id",
    "to_area_id",
    "from_timeframe_group_id",
    "fare_product_id",
    "rule_priority",
]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, header: list[str], lines: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(lines)
    print(f"{path}: {len(lines)} rows")


def mrt(source: Path, out: Path) -> None:
    stations = {
        row["zone_id"]: row
        for row in rows(source / "mrt_jakarta/stops.txt")
        if row["location_type"] == "1"
    }
    write(
        out / "areas.txt",
        ["area_id", "area_name"],
        [[f"mrt_{code}", row["stop_name"]] for code, row in stations.items()],
    )
    write(
        out / "stop_areas.txt",
        ["area_id", "stop_id"],
        [[f"mrt_{code}", f"{MRT_FEED}:{row['stop_id']}"] for code, row in stations.items()],
    )
    prices = {
        row["fare_id"]: int(row["price"])
        for row in rows(source / "mrt_jakarta/fare_attributes.txt")
    }
    amounts = sorted(set(prices.values()))
    write(
        out / "jaklingko-2022/fare_products.txt",
        ["fare_product_id", "fare_product_name", "fare_media_id", "amount", "currency"],
        [[key, name, "kartu", f"{amount}.00", "IDR"] for key, name, amount in PRODUCTS]
        + [[f"mrt_{a}", f"MRT Jakarta {a}", "kartu", f"{a}.00", "IDR"] for a in amounts],
    )
    flat = [[g, n, "", "", t, p, str(priority)] for g, n, t, p, priority in FLAT_RULES]
    pairs = [
        [
            "mrt",
            "mrt",
            f"mrt_{rule['origin_id']}",
            f"mrt_{rule['destination_id']}",
            "",
            f"mrt_{prices[rule['fare_id']]}",
            "0",
        ]
        for rule in rows(source / "mrt_jakarta/fare_rules.txt")
    ]
    write(out / "jaklingko-2022/fare_leg_rules.txt", LEG_HEADER, flat + pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=Path("../shared/data/transit"))
    parser.add_argument("--out", type=Path, default=Path("src/sigap/data/regions/jakarta/fares"))
    args = parser.parse_args()
    (args.out / "jaklingko-2022").mkdir(parents=True, exist_ok=True)
    mrt(args.source, args.out)


if __name__ == "__main__":
    main()
