"""Abuse limits on filing reports (settings ``citizen_*``): per account when signed in, per
device/IP otherwise. Counted from the private reporter rows, so nothing extra is stored.

The check runs in a short read before the submission is queued: two submissions racing each
other can both pass, which is acceptable for a limit meant to stop a flood, not a single extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from sigap.config import Settings
from sigap.errors import SigapError
from sigap.geo.spatial import Circle, within
from sigap.models import Report, ReportReporter


@dataclass(frozen=True, slots=True)
class Who:
    """Who is filing: the account if signed in, else the hashed IP address."""

    account_id: int | None
    client_ip: str | None

    def matches(self) -> ColumnElement[bool]:
        if self.account_id is not None:
            return ReportReporter.reporter_account_id == self.account_id
        return ReportReporter.client_ip == self.client_ip


def check(
    session: Session,
    settings: Settings,
    who: Who,
    *,
    category: str,
    lon: float,
    lat: float,
    now: datetime,
) -> None:
    """Raise 429 ``too_many_reports`` or ``identical_report_limit`` when over a limit."""
    if who.account_id is None and who.client_ip is None:
        return
    base = (
        select(func.count())
        .select_from(ReportReporter)
        .join(Report, Report.id == ReportReporter.report_id)
        .where(who.matches())
    )
    hourly = session.scalar(base.where(Report.created_at >= now - timedelta(hours=1))) or 0
    if hourly >= settings.citizen_reports_per_hour:
        raise SigapError("too_many_reports", status=429, limit=settings.citizen_reports_per_hour)
    circle = Circle(lon, lat, settings.citizen_identical_m)
    same = session.scalar(
        base.where(
            Report.created_at >= now - timedelta(days=1),
            Report.category_code == category,
            within(circle),
        )
    )
    if (same or 0) >= settings.citizen_identical_per_day:
        raise SigapError(
            "identical_report_limit",
            status=429,
            limit=settings.citizen_identical_per_day,
            metres=round(settings.citizen_identical_m),
        )
