"""Build a region pack folder from the Kemendagri area list and boundary files in shared/data.

The pack is data only (see docs/region-pack.md); this script just makes it reproducible:

    python scripts/make_region_pack.py --source ../shared/data/jakarta --prefix dki_jakarta \
        --agencies scripts/packs/jakarta/agencies.csv --out src/sigap/data/regions/jakarta

It writes areas.csv, units.csv (one government unit per area plus the agencies file, whose
units without a parent name in ``escalates_to`` where they escalate) and copies the boundary
layers. pack.json, categories.csv, questions.csv, routing.csv and transit_operators.csv are
written by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

LEVELS = {"provinsi": "province", "kabkota": "kabkota", "kecamatan": "kecamatan"}
UNIT_PREFIX = {"province": "prov", "kecamatan": "kec", "kelurahan": "kel", "kabupaten": "kab"}


def area_kind(row: dict[str, str], jenis: dict[str, str]) -> str:
    if row["level"] == "kelurahan":
        return jenis.get(row["kode"], "kelurahan")
    if row["level"] == "kabkota":
        return "kabupaten" if row["nama"].startswith("Kab") else "kota"
    return row["level"]


def unit_names(level: str, kind: str, name: str) -> tuple[str, str]:
    if level == "province":
        return f"Pemerintah Provinsi {name}", f"Provincial government of {name}"
    if level == "kabkota":
        return f"Pemerintah {name}", f"{kind.title()} government: {name}"
    if level == "kecamatan":
        return f"Kecamatan {name}", f"{name} district office (kecamatan)"
    return f"{kind.title()} {name}", f"{name} {kind} office"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--agencies", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    src: Path = args.source
    out: Path = args.out
    kel = json.loads((src / f"{args.prefix}_kelurahan.geojson").read_text())
    jenis = {f["properties"]["kode"]: f["properties"]["jenis"] for f in kel["features"]}
    labels = {}
    with (src / "kelurahan_interior_points.csv").open() as fh:
        for row in csv.DictReader(fh):
            labels[row["kode_kel"]] = (row["lon"], row["lat"])
    with next(src.glob("wilayah_*_kemendagri.csv")).open() as fh:
        rows = list(csv.DictReader(fh))

    areas, units = [], []
    code_of_unit = {}
    for row in rows:
        level = LEVELS.get(row["level"], row["level"])
        kind = area_kind(row, jenis)
        lon, lat = labels.get(row["kode"], ("", ""))
        areas.append(
            [row["kode"], row["nama"], level, kind, row["kode_parent"], row["kodepos"], lon, lat]
        )
        prefix = UNIT_PREFIX.get(level) or UNIT_PREFIX.get(kind, kind)
        code = f"{prefix}-{row['kode']}"
        code_of_unit[row["kode"]] = code
        name_id, name_en = unit_names(level, kind, row["nama"])
        parent = code_of_unit.get(row["kode_parent"], "")
        units.append([code, parent, "government", name_id, name_en, row["kode"], ""])
    with args.agencies.open() as fh:
        agencies = list(csv.reader(fh))[1:]

    out.mkdir(parents=True, exist_ok=True)
    header = ["code", "name", "level", "kind", "parent_code", "postcode", "label_lon", "label_lat"]
    write_csv(out / "areas.csv", header, areas)
    write_csv(
        out / "units.csv",
        ["code", "parent_code", "kind", "name_id", "name_en", "area_code", "escalates_to"],
        units + agencies,
    )
    for level in ("kelurahan", "kecamatan", "kabkota"):
        name = f"{args.prefix}_{level}.geojson"
        if level != "kelurahan":
            name = f"{args.prefix}_{level}_dissolved_from_kelurahan.geojson"
        target = out / f"{level}.geojson"
        target.write_bytes((src / name).read_bytes())


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
