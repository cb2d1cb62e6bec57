"""A channel's quota, set by an admin through the API: audited, and it holds at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.reports.test_limits import bearer, open311_form, refused, strict

from sigap import models
from sigap.channels import service as channels
from sigap.db import Database

__all__ = ["strict"]


def test_a_channel_quota_set_by_an_admin_holds_at_once(
    strict: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        channel, key = channels.create(session, name="WhatsApp bot")
    auth = bearer(strict, database, "admin@test.sigap.id", "admin")
    set_quota = strict.put(
        f"/api/v1/admin/channels/{channel.id}/quota", json={"reports_per_hour": 2}, headers=auth
    )
    assert set_quota.status_code == 200
    assert set_quota.json()["reports_per_hour"] == 2
    for i in range(2):
        form = open311_form(key, i, device_id=f"c{i}")
        assert strict.post("/open311/v2/requests.json", data=form).status_code == 201
    refused(strict.post("/open311/v2/requests.json", data=open311_form(key, 2, device_id="c2")))
    bad = strict.put(
        f"/api/v1/admin/channels/{channel.id}/quota", json={"reports_per_hour": 0}, headers=auth
    )
    assert bad.status_code == 422
    with database.reading() as session:
        audited = session.scalar(
            select(models.AdminEvent.action).where(models.AdminEvent.action == "channel.quota")
        )
    assert audited == "channel.quota"
