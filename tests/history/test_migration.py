"""The migration hashes the rows written before it, in order, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from sigap import cli
from sigap.history import chain
from sigap.migrations import upgrade
from sigap.models.base import UTCDateTime

OLD_ADMIN = sa.table(
    "admin_event",
    *(sa.column(name) for name in ("action", "target_kind", "target_id")),
    sa.column("after", sa.JSON),
    sa.column("created_at", UTCDateTime()),
)


def test_existing_admin_events_are_chained_in_order(
    fresh_database: Callable[[Path, str], str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    url = fresh_database(tmp_path / "old.db", "history_migration")
    # fresh_database migrates to the head: go back to before the chain, as a deployment was.
    from alembic import command

    from sigap.migrations import alembic_config

    command.downgrade(alembic_config(url), "0017_assignment")
    engine = sa.create_engine(url)
    at = datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=UTC)
    rows = [
        {"action": f"unit.rename.{i}", "target_kind": "unit", "target_id": str(i),
         "after": {"name_id": f"Unit {i}"}, "created_at": at}
        for i in range(3)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(sa.insert(OLD_ADMIN), rows)
    upgrade(url)

    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT account_id, actor_unit_id, hash FROM admin_event ORDER BY id")
        ).all()
    engine.dispose()
    prev = chain.GENESIS
    for row, stored_row in zip(rows, stored, strict=True):
        fields = {**row, "account_id": None, "actor_unit_id": None, "before": None}
        prev = chain.admin_link(fields, prev)
        assert stored_row.hash == prev
    assert cli.main(["audit", "verify", "--database-url", url]) == 0
    assert "3 admin events" in capsys.readouterr().out
