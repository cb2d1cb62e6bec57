"""Reports for the portal tests: five places over three kota, submitted through the API; their
workflow state is set directly in the database (the officials' workflow is another issue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from sigap.db import Database
from sigap.kit import utcnow
from sigap.models import Report

# (category, lat, lon, kelurahan)
PLACES = [
    ("sampah", -6.1754, 106.8272, "31.71.01.1001"),  # Monas, Gambir (Jakarta Pusat)
    ("banjir", -6.1702, 106.8312, "31.71.02.1001"),  # Istiqlal, Pasar Baru (Jakarta Pusat)
    ("sampah", -6.3116, 106.8199, "31.74.04.1004"),  # Ragunan (Jakarta Selatan)
    ("jalan_rusak", -6.1352, 106.8133, "31.73.03.1008"),  # Kota Tua (Jakarta Barat)
    ("banjir", -6.2186, 106.8019, "31.71.07.1001"),  # GBK, Gelora (Jakarta Pusat)
]
JAKARTA = "106.6,-6.4,107.0,-6.05"

Change = Callable[..., None]


@pytest.fixture
def reports(client: TestClient) -> list[dict[str, Any]]:
    made = []
    for category, lat, lon, _ in PLACES:
        body = {"category": category, "lat": lat, "lon": lon, "description": "Mohon dicek."}
        response = client.post("/api/v1/reports", json=body)
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


@pytest.fixture
def change(database: Database) -> Change:
    """Sets columns of a report as the workflow would (``change(id, status="resolved")``)."""

    def apply(report_id: int, **values: Any) -> None:
        with database.transaction() as session:
            session.execute(update(Report).where(Report.id == report_id).values(**values))

    return apply


def hours_ago(hours: float) -> Any:
    return utcnow() - timedelta(hours=hours)
