"""Reading and validating a region pack folder (format described in docs/region-pack.md).

Validation collects every problem with its file, row and reason before anything is written, so
that an operator can fix a pack in one pass; importing is all-or-nothing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely.geometry import shape
from shapely.validation import explain_validity

from sigap.geo import landmarks, rw, streets
from sigap.models.account import ROLES
from sigap.models.area import LEVELS
from sigap.models.category import LIST_DATATYPES, QUESTION_DATATYPES, TRANSIT_DATATYPES
from sigap.models.unit import UNIT_KINDS
from sigap.regions.questions import CODE, parse_choices

STREETS_FILE = "streets.geojson"
RW_FILE = "rw.geojson"
LANDMARKS_FILE = "landmarks.geojson"
OPERATORS_FILE = "transit_operators.csv"  # GTFS agency -> the unit receiving its reports
# The optional map layers: name (the region_layer row) -> file
LAYER_FILES = {"streets": STREETS_FILE, "rw": RW_FILE, "landmarks": LANDMARKS_FILE}
BUNDLED = Path(__file__).resolve().parent.parent / "data" / "regions"


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based data row (header is row 0); 0 for whole-file problems
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.reason}"


class PackError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class Pack:
    path: Path
    meta: dict[str, Any]
    areas: list[dict[str, str]]
    units: list[dict[str, str]]
    categories: list[dict[str, str]]
    routing: list[dict[str, str]]
    questions: list[dict[str, str]] = field(default_factory=list)  # optional questions.csv
    boundaries: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> geojson text
    boundary_bytes: bytes = b""
    # the optional layers as read, by name: streets (sigap.geo.streets), rw (sigap.geo.rw),
    # landmarks (sigap.geo.landmarks)
    layers: dict[str, str] = field(default_factory=dict)
    # the optional transit_operators.csv: agency (as namespaced by its feed), unit_code
    operators: list[dict[str, str]] = field(default_factory=list)


def resolve(path_or_slug: str) -> Path:
    """A pack folder: a path, or the slug of a bundled pack (``jakarta``)."""
    candidate = Path(path_or_slug)
    if candidate.is_dir():
        return candidate
    bundled = BUNDLED / path_or_slug
    if bundled.is_dir():
        return bundled
    raise PackError([Problem(path_or_slug, 0, "no such pack folder or bundled pack")])


def read(path: Path) -> Pack:
    problems: list[Problem] = []
    meta = _read_meta(path, problems)
    pack = Pack(
        path=path,
        meta=meta,
        areas=_read_csv(path, "areas.csv", problems),
        units=_read_csv(path, "units.csv", problems),
        categories=_read_csv(path, "categories.csv", problems),
        routing=_read_csv(path, "routing.csv", problems),
        questions=(
            _read_csv(path, "questions.csv", problems) if (path / "questions.csv").exists() else []
        ),
        operators=(
            _read_csv(path, OPERATORS_FILE, problems) if (path / OPERATORS_FILE).exists() else []
        ),
    )
    _read_boundaries(pack, problems)
    _read_layers(pack, problems)
    if not problems:
        validate(pack, problems)
    if problems:
        raise PackError(problems)
    return pack


def _read_meta(path: Path, problems: list[Problem]) -> dict[str, Any]:
    try:
        meta = json.loads((path / "pack.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(Problem("pack.json", 0, f"cannot read: {exc}"))
        return {}
    for key in ("slug", "code", "name", "timezone", "boundaries"):
        if key not in meta:
            problems.append(Problem("pack.json", 0, f"missing key '{key}'"))
    try:
        ZoneInfo(str(meta.get("timezone", "")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("pack.json", 0, f"unknown time zone {meta.get('timezone')!r}"))
    if not isinstance(meta.get("triage", False), bool):
        problems.append(Problem("pack.json", 0, "triage must be true or false"))
    return dict(meta)


def _read_csv(path: Path, name: str, problems: list[Problem]) -> list[dict[str, str]]:
    try:
        with (path / name).open(encoding="utf-8", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    except OSError as exc:
        problems.append(Problem(name, 0, f"cannot read: {exc}"))
        return []


def _read_boundaries(pack: Pack, problems: list[Problem]) -> None:
    layers = pack.meta.get("boundaries") or {}
    digest = bytearray()
    for level, filename in sorted(layers.items()):
        try:
            raw = (pack.path / filename).read_bytes()
            features = json.loads(raw)["features"]
        except (OSError, ValueError, KeyError) as exc:
            problems.append(Problem(filename, 0, f"cannot read GeoJSON: {exc}"))
            continue
        digest += raw
        layer = pack.boundaries.setdefault(level, {})
        for number, feature in enumerate(features, start=1):
            code = str((feature.get("properties") or {}).get("kode") or feature.get("id") or "")
            problem = _geometry_problem(feature.get("geometry"))
            if problem:
                problems.append(Problem(filename, number, f"{code or 'feature'}: {problem}"))
            layer[code] = json.dumps(feature["geometry"], separators=(",", ":"))
    pack.boundary_bytes = bytes(digest)


def _read_layers(pack: Pack, problems: list[Problem]) -> None:
    """The optional map layers, as text; the street layer is checked here, the RW layer in
    :func:`validate` (its codes name the pack's kelurahan)."""
    for name, filename in LAYER_FILES.items():
        path = pack.path / filename
        if not path.exists():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if name == "streets":
                streets.parse(text, filename)
            elif name == "landmarks":
                landmarks.parse(text, filename)
        except (OSError, streets.LayerError) as exc:
            problems.append(Problem(filename, 0, str(exc)))
            continue
        pack.layers[name] = text


def _geometry_problem(geometry: Any) -> str | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return "geometry must be a Polygon or MultiPolygon"
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        return f"unreadable geometry: {exc}"
    if polygon.is_empty:
        return "empty geometry"
    return None if polygon.is_valid else f"invalid polygon: {explain_validity(polygon)}"


def validate(pack: Pack, problems: list[Problem]) -> None:
    """Cross-file checks: every reference resolves, every kelurahan has a polygon and a unit."""
    areas = _check_areas(pack, problems)
    units = _check_units(pack, areas, problems)
    categories = _check_categories(pack, problems)
    _check_routing(pack, areas, units, categories, problems)
    _check_questions(pack, categories, problems)
    _check_operators(pack, units, problems)
    leaves = {code for code, area in areas.items() if area["level"] == "kelurahan"}
    polygons = pack.boundaries.get("kelurahan", {})
    for code in sorted(leaves - polygons.keys()):
        problems.append(Problem("areas.csv", 0, f"kelurahan/desa {code} has no boundary polygon"))
    for code in sorted(polygons.keys() - leaves):
        problems.append(Problem("kelurahan boundaries", 0, f"polygon {code} is not in areas.csv"))
    if "rw" in pack.layers:
        try:
            rw.parse(pack.layers["rw"], leaves, RW_FILE)
        except streets.LayerError as exc:
            problems.append(Problem(RW_FILE, 0, str(exc)))
    _check_demo_accounts(pack, units, problems)
    governed = {unit["area_code"] for unit in pack.units if unit.get("kind") == "government"}
    for code in sorted(leaves - governed):
        problems.append(Problem("units.csv", 0, f"area {code} has no government unit"))


def _check_areas(pack: Pack, problems: list[Problem]) -> dict[str, dict[str, str]]:
    areas: dict[str, dict[str, str]] = {}
    for number, row in enumerate(pack.areas, start=1):
        code = row.get("code", "")
        if not code or code in areas:
            problems.append(Problem("areas.csv", number, f"missing or repeated code {code!r}"))
        if row.get("level") not in LEVELS:
            problems.append(Problem("areas.csv", number, f"unknown level {row.get('level')!r}"))
        areas[code] = row
    root = str(pack.meta.get("code", ""))
    if root not in areas:
        problems.append(Problem("pack.json", 0, f"root area {root!r} is not in areas.csv"))
    for number, row in enumerate(pack.areas, start=1):
        parent = row.get("parent_code", "")
        if parent and parent not in areas:
            problems.append(Problem("areas.csv", number, f"unknown parent code {parent!r}"))
    return areas


def _check_units(pack: Pack, areas: dict[str, dict[str, str]], problems: list[Problem]) -> set[str]:
    codes: set[str] = set()
    for number, row in enumerate(pack.units, start=1):
        code = row.get("code", "")
        if not code or code in codes:
            problems.append(Problem("units.csv", number, f"missing or repeated code {code!r}"))
        codes.add(code)
        if row.get("kind") not in UNIT_KINDS:
            problems.append(Problem("units.csv", number, f"unknown kind {row.get('kind')!r}"))
        if row.get("area_code") and row["area_code"] not in areas:
            problems.append(Problem("units.csv", number, f"unknown area {row['area_code']!r}"))
        if not row.get("name_id") or not row.get("name_en"):
            problems.append(Problem("units.csv", number, "name_id and name_en are required"))
    for number, row in enumerate(pack.units, start=1):
        if row.get("parent_code") and row["parent_code"] not in codes:
            problems.append(Problem("units.csv", number, f"unknown parent {row['parent_code']!r}"))
    _check_escalation(pack, codes, problems)
    return codes


def _check_escalation(pack: Pack, codes: set[str], problems: list[Problem]) -> None:
    """``escalates_to`` (optional) names an existing unit, only for units without a parent (a
    unit with one escalates to it); following parents and ``escalates_to`` never comes back."""
    above: dict[str, str] = {}
    for number, row in enumerate(pack.units, start=1):
        target = row.get("escalates_to", "")
        if target and target not in codes:
            problems.append(Problem("units.csv", number, f"escalates_to: unknown unit {target!r}"))
        elif target and row.get("parent_code"):
            reason = "escalates_to is for units without a parent (this one escalates to its parent)"
            problems.append(Problem("units.csv", number, reason))
        next_up = row.get("parent_code") or target
        if next_up in codes and row.get("code"):
            above[row["code"]] = next_up
    reported: set[str] = set()
    for number, row in enumerate(pack.units, start=1):
        code, seen = row.get("code", ""), []
        while code in above and code not in seen:
            seen.append(code)
            code = above[code]
        if code in seen and code not in reported:
            loop = seen[seen.index(code) :]
            reported.update(loop)
            chain = " → ".join([*loop, code])
            problems.append(
                Problem("units.csv", number, f"escalation goes round in a circle: {chain}")
            )


def _check_categories(pack: Pack, problems: list[Problem]) -> set[str]:
    codes: set[str] = set()
    for number, row in enumerate(pack.categories, start=1):
        code = row.get("code", "")
        if not code or code in codes:
            problems.append(Problem("categories.csv", number, f"missing or repeated {code!r}"))
        codes.add(code)
        for column in ("response_hours", "resolution_hours"):
            value = row.get(column, "")
            if not value.isdigit() or int(value) <= 0:
                problems.append(
                    Problem("categories.csv", number, f"{column} must be a positive whole number")
                )
        if not row.get("name_id") or not row.get("name_en"):
            problems.append(Problem("categories.csv", number, "name_id and name_en are required"))
    return codes


def _check_routing(
    pack: Pack,
    areas: dict[str, dict[str, str]],
    units: set[str],
    categories: set[str],
    problems: list[Problem],
) -> None:
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(pack.routing, start=1):
        category, area, unit = row.get("category_code"), row.get("area_code"), row.get("unit_code")
        if category and category not in categories:
            problems.append(Problem("routing.csv", number, f"unknown category {category!r}"))
        if area and area not in areas:
            problems.append(Problem("routing.csv", number, f"unknown area {area!r}"))
        if unit not in units:
            problems.append(Problem("routing.csv", number, f"unknown unit {unit!r}"))
        key = (category or "", area or "")
        if key in seen:
            problems.append(Problem("routing.csv", number, "repeats an earlier rule"))
        seen.add(key)


def _check_questions(pack: Pack, categories: set[str], problems: list[Problem]) -> None:
    seen: set[tuple[str, str]] = set()
    seen_kinds: set[tuple[str, str]] = set()  # a category names one route and one stop at most
    for number, row in enumerate(pack.questions, start=1):
        category, code = row.get("category_code", ""), row.get("code", "")
        if category not in categories:
            problems.append(Problem("questions.csv", number, f"unknown category {category!r}"))
        if CODE.match(code) is None:
            reason = f"code {code!r}: use 1-40 lower-case letters, digits or _"
            problems.append(Problem("questions.csv", number, reason))
        elif (category, code) in seen:
            reason = f"repeats question {code!r} of category {category!r}"
            problems.append(Problem("questions.csv", number, reason))
        seen.add((category, code))
        for reason in question_problems(row):
            problems.append(Problem("questions.csv", number, reason))
        datatype = row.get("datatype", "")
        if datatype in TRANSIT_DATATYPES:
            if (category, datatype) in seen_kinds:
                reason = f"category {category!r} asks for a {datatype} once at most"
                problems.append(Problem("questions.csv", number, reason))
            seen_kinds.add((category, datatype))


def _check_operators(pack: Pack, units: set[str], problems: list[Problem]) -> None:
    """Each agency once, written ``feed:agency_id`` (as the feed's name prefixes it; a feed of
    one agency without an id is its name alone), and its unit in units.csv."""
    seen: set[str] = set()
    for number, row in enumerate(pack.operators, start=1):
        agency, unit = row.get("agency", ""), row.get("unit_code", "")
        if not agency or len(agency) > 100 or agency in seen:
            reason = f"agency {agency!r}: missing, repeated or longer than 100 characters"
            problems.append(Problem(OPERATORS_FILE, number, reason))
        seen.add(agency)
        if unit not in units:
            problems.append(Problem(OPERATORS_FILE, number, f"unknown unit {unit!r}"))


def question_problems(row: dict[str, str]) -> list[str]:
    """What is wrong with one row of questions.csv, apart from its category and code."""
    found: list[str] = []
    datatype = row.get("datatype", "")
    if datatype not in QUESTION_DATATYPES:
        found.append(f"unknown datatype {datatype!r} (one of {', '.join(QUESTION_DATATYPES)})")
    for column in ("required", "active"):
        if row.get(column, "").lower() not in ("", "true", "false"):
            found.append(f"{column} must be true or false")
    order = row.get("order", "")
    if order and (not order.isdigit() or int(order) <= 0):
        found.append("order must be a positive whole number")
    if not row.get("label_id") or not row.get("label_en"):
        found.append("label_id and label_en are required")
    for column, limit in LIMITS.items():
        if len(row.get(column, "")) > limit:
            found.append(f"{column} is longer than {limit} characters")
    try:
        choices = parse_choices(row.get("values", ""))
    except ValueError as exc:
        found.append(f"values: {exc}")
        return found
    if datatype in LIST_DATATYPES and not choices:
        found.append(f"a {datatype} question needs values (key=Nama|Name;...)")
    if datatype in QUESTION_DATATYPES and datatype not in LIST_DATATYPES and choices:
        found.append(f"values are for singlevaluelist and multivaluelist, not {datatype}")
    return found


LIMITS = {"label_id": 200, "label_en": 200, "description_id": 500, "description_en": 500}


def _check_demo_accounts(pack: Pack, units: set[str], problems: list[Problem]) -> None:
    for number, spec in enumerate(pack.meta.get("demo_accounts") or [], start=1):
        where = f"demo account {number}"
        if spec.get("role") not in ROLES:
            problems.append(Problem("pack.json", 0, f"{where}: unknown role {spec.get('role')!r}"))
        unit = spec.get("unit")
        if unit is not None and unit not in units:
            problems.append(Problem("pack.json", 0, f"{where}: unknown unit {unit!r}"))
        if (unit is None) != (spec.get("role") == "citizen"):
            problems.append(
                Problem("pack.json", 0, f"{where}: officials need a unit, citizens none")
            )
