"""Answers of the audit trail (/api/v1/admin/events) and of the chains' daily heads
(/api/v1/open-data/chain-heads), declared key for key."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sigap.kit import Answer, IsoTime


class AuditEvent(Answer):
    """One row of the admin audit (:func:`sigap.history.audit.as_dict`)."""

    id: int
    account_id: int | None = Field(description="Who made the change; null: the system")
    actor_unit_id: int | None
    action: str
    target_kind: str
    target_id: str
    before: dict[str, Any] | None = Field(description="The target before; null when created")
    after: dict[str, Any] | None
    created_at: IsoTime
    hash: str | None = Field(description="The audit chain's hash of this row")


class ChainHeads(Answer):
    """One local day's heads (:func:`sigap.history.heads.document`)."""

    version: int
    date: str = Field(description="The local day, YYYY-MM-DD")
    time_zone: str
    reports: list[tuple[int, int, str | None]] = Field(
        description="[report id, id of its last event that day, that event's hash], by report"
    )
    admin: tuple[int, str | None] | None = Field(
        description="[id, hash] of the admin audit's last row by the day's end; null: none yet"
    )
    digest: str = Field(description="sha256 of the canonical JSON of the rest")
