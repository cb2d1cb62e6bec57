"""``sigap export-region`` writes the configuration (with console changes) as a pack that
``import-region --check`` accepts and that imports into a fresh database unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import ADMIN

from sigap.cli import main
from sigap.db import Database
from sigap.models import Category, CategoryQuestion, RoutingRule, TransitOperator, Unit
from sigap.regions import pack as packs
from sigap.regions.service import import_pack

Login = Callable[[str], dict[str, str]]


def configuration(url: str) -> dict[str, Any]:
    database = Database(url)
    try:
        with database.reading() as session:
            units = {u.id: u for u in session.scalars(select(Unit))}
            return {
                "units": {
                    (
                        u.code,
                        u.name_id,
                        u.name_en,
                        u.kind,
                        u.area_code,
                        u.active,
                        units[u.parent_id].code if u.parent_id else None,
                        units[u.escalates_to_id].code if u.escalates_to_id else None,
                    )
                    for u in units.values()
                },
                "categories": {
                    (
                        c.code,
                        c.name_id,
                        c.response_hours,
                        c.resolution_hours,
                        c.active,
                        c.photo_required,
                    )
                    for c in session.scalars(select(Category))
                },
                "rules": {
                    (r.category_code, r.area_code, units[r.unit_id].code)
                    for r in session.scalars(select(RoutingRule))
                },
                "operators": {
                    (o.agency, units[o.unit_id].code)
                    for o in session.scalars(select(TransitOperator))
                },
                "questions": {
                    (
                        q.category_code,
                        q.code,
                        q.datatype,
                        q.required,
                        q.position,
                        q.label_id,
                        q.label_en,
                        q.description_id,
                        q.description_en,
                        json.dumps(q.choices, sort_keys=True),
                        q.active,
                    )
                    for q in session.scalars(select(CategoryQuestion))
                },
            }
    finally:
        database.dispose()


def test_export_then_import_into_a_fresh_database_round_trips(
    client: TestClient,
    login: Login,
    database_url: str,
    fresh_database: Callable[[Path, str], str],
    tmp_path: Path,
    capsys: Any,
) -> None:
    headers = login(ADMIN)
    unit = {"code": "upt-air", "name_id": "UPT Air", "name_en": "Water unit", "kind": "utility"}
    assert client.post("/api/v1/admin/units", json=unit, headers=headers).status_code == 201
    rule = {"category_code": "banjir", "area_code": "31.71", "unit_code": "upt-air"}
    assert client.post("/api/v1/admin/routing", json=rule, headers=headers).status_code == 201
    sla = {"response_hours": 7, "resolution_hours": 70, "active": False}
    assert client.patch("/api/v1/admin/categories/pengemis", json=sla, headers=headers).is_success
    question = {
        "code": "jenis_kendaraan", "datatype": "multivaluelist", "required": True,
        "label_id": 'Kendaraan "liar", jenisnya?', "label_en": "Which vehicles, e.g. cars?",
        "description_id": "Pilih semua; boleh lebih dari satu.", "description_en": "All you see.",
        "values": [{"key": "mobil", "name_id": "Mobil, truk", "name_en": "Cars, lorries"},
                   {"key": "motor", "name_id": "Sepeda motor", "name_en": "Motorcycles"}],
    }  # fmt: skip
    questions = "/api/v1/admin/categories/parkir_liar/questions"
    assert client.post(questions, json=question, headers=headers).status_code == 201
    retired = "/api/v1/admin/categories/banjir/questions/tergenang_sejak"
    assert client.delete(retired, headers=headers).status_code == 204

    folder = tmp_path / "exported"
    assert main(["export-region", str(folder), "--database-url", database_url]) == 0
    assert main(["import-region", str(folder), "--check"]) == 0
    assert "is valid" in capsys.readouterr().out

    fresh = fresh_database(tmp_path / "fresh.db", "export")
    database = Database(fresh)
    try:
        with database.transaction() as session:
            import_pack(session, packs.read(folder))
    finally:
        database.dispose()
    exported, imported = configuration(database_url), configuration(fresh)
    assert ("banjir", "31.71", "upt-air") in imported["rules"]
    polda = next(u for u in imported["units"] if u[0] == "polda-metro-jaya")
    assert polda[-2:] == (None, "prov-31")  # no parent; escalates to the province
    pengemis = next(c for c in imported["categories"] if c[0] == "pengemis")
    assert pengemis[2:5] == (7, 70, False)
    assert len(imported["questions"]) == 9
    assert ("mrt:MRTJ", "mrt-jakarta") in imported["operators"]  # transit_operators.csv
    assert ("banjir", "tergenang_sejak") in {q[:2] for q in imported["questions"] if not q[-1]}
    assert "Mobil, truk" in next(q for q in imported["questions"] if q[1] == "jenis_kendaraan")[9]
    assert imported == exported
