"""Abuse limits on filing reports, the same for every channel (see :mod:`sigap.reports.filing`).

A submission is counted against each thing it comes from that is known: the Sigap account,
the device (the citizen app's signed device id, or the device id an app sends), the caller's
address (hashed; only for callers without a channel key) and the channel key's quota. Each
count reads the newest rows of its own index (``ix_report_reporter_*`` and
``ix_report_channel_id``) up to the limit, so a check costs the same however many reports an
address filed before. Over a limit: 429 with ``Retry-After``, the seconds until the oldest
counted report leaves the hour.

The check runs in a short read before the submission is queued: two submissions racing each
other can both pass, which is acceptable for a limit meant to stop a flood, not a single extra.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, select

from sigap.config import Settings
from sigap.errors import SigapError
from sigap.geo.spatial import Circle, within
from sigap.models import Report, ReportReporter

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a submission comes from, as each channel's adapter knows it.

    ``channel`` is stored on the report ("api", "web", or an Open311 channel's slug);
    ``device`` and ``address`` as stored on the private reporter row (hashed where the server
    chose them); ``quota`` is a keyed channel's reports an hour (None: no quota)."""

    channel: str
    account_id: int | None = None
    device: str | None = None
    address: str | None = None
    quota: int | None = None


def too_many(
    code: str, limit: int, newest: Sequence[datetime], now: datetime, window: timedelta = HOUR
) -> None:
    """Raise 429 ``code`` when ``limit`` rows (their times, newest first) fall in ``window``,
    with ``Retry-After``: when the oldest of them leaves it."""
    if len(newest) < limit or newest[limit - 1] < now - window:
        return
    wait = math.ceil((newest[limit - 1] + window - now).total_seconds())
    raise SigapError(
        code,
        status=429,
        headers={"Retry-After": str(max(wait, 1))},
        limit=limit,
    )


def _newest(connection: Connection, column: ColumnElement[bool], limit: int) -> list[datetime]:
    """The creation times of the newest ``limit`` reports whose reporter row matches."""
    query = (
        select(Report.created_at)
        .join(ReportReporter, Report.id == ReportReporter.report_id)
        .where(column)
        .order_by(ReportReporter.report_id.desc())
        .limit(limit)
    )
    return list(connection.scalars(query))


def check(
    connection: Connection,
    settings: Settings,
    source: Source,
    *,
    category: str,
    lon: float,
    lat: float,
    now: datetime,
) -> None:
    """Raise 429 ``too_many_reports`` or ``identical_report_limit`` when over a limit."""
    per_hour = settings.reports_per_hour
    person: list[ColumnElement[bool]] = []  # most precise first
    if source.account_id is not None:
        person.append(ReportReporter.reporter_account_id == source.account_id)
    if source.device is not None:
        person.append(ReportReporter.device_id == source.device)
    counted = [(matches, per_hour) for matches in person]
    if source.address is not None:
        by_address = ReportReporter.client_ip == source.address
        counted.append((by_address, settings.address_reports_per_hour))
    for matches, limit in counted:
        too_many("too_many_reports", limit, _newest(connection, matches, limit), now)
    if source.quota is not None:
        query = (
            select(Report.created_at)
            .where(Report.channel == source.channel)
            .order_by(Report.id.desc())
            .limit(source.quota)
        )
        too_many("too_many_reports", source.quota, list(connection.scalars(query)), now)
    if person:
        circle = Circle(lon, lat, settings.identical_m)
        _identical(connection, settings, person[0], category, circle, now)


def _identical(
    connection: Connection,
    settings: Settings,
    matches: ColumnElement[bool],
    category: str,
    circle: Circle,
    now: datetime,
) -> None:
    """The same problem again: the same category within ``identical_m`` in a day, by the
    same person (account, else device). Not by address: behind a carrier's NAT many people
    share one, and several of them reporting one flood is what the map should show."""
    recent = (
        select(Report.id)
        .join(ReportReporter, Report.id == ReportReporter.report_id)
        .where(matches, Report.created_at >= now - DAY, Report.category_code == category)
        .where(within(circle))
        .limit(settings.identical_per_day)
    )
    if len(connection.execute(recent).all()) >= settings.identical_per_day:
        raise SigapError(
            "identical_report_limit",
            status=429,
            headers={"Retry-After": str(int(DAY.total_seconds()))},
            limit=settings.identical_per_day,
            metres=round(settings.identical_m),
        )
