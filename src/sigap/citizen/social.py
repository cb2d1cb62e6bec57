"""Following, supporting (+1) and commenting on public reports; a citizen's own reports.

Services take the session and flush; the caller's transaction commits. The support count on
``report`` moves in the same transaction as the support row, and the unique constraints of
``report_support`` make a second support by the same account or device fail, even in a race.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.geo.spatial import Circle, filter_circle
from sigap.kit import exists_any, utcnow
from sigap.models import Report, ReportComment, ReportFollow, ReportReporter, ReportSupport
from sigap.models.states import OPEN_STATUSES, ReportStatus
from sigap.moderation import rules
from sigap.moderation.rules import Audience
from sigap.reports.limits import too_many
from sigap.reports.reporter import is_reporter
from sigap.workflow.visibility import can_see

MERGE_DEPTH = 8  # duplicates of duplicates: a merge never targets a duplicate, but its parent
# may be merged later in turn


def open_to_public(session: Session, report_id: int, *, part: str | None = None) -> None:
    """Refuse what the public may not do to a report (sigap.moderation.rules): anything, to
    one that is not public (404, as if missing); support, follow or comment on a confidential
    one (409 ``report_confidential``); comment where a moderator hid the comments (409
    ``comments_closed``, ``part="comments"``)."""
    query = select(Report.visibility, Report.confidential, Report.hidden_parts)
    row = session.execute(query.where(Report.id == report_id)).first()
    if row is None or row.visibility != rules.PUBLIC:
        raise SigapError("report_not_found", report_id=report_id)
    if row.confidential:
        raise SigapError("report_confidential")
    if part is not None and part in rules.parts_of(row.hidden_parts):
        raise SigapError("comments_closed")


def target(session: Session, report_id: int, *, lock: bool = False) -> int:
    """The report that support and follows of ``report_id`` go to: itself, or for a duplicate
    the report it was merged into (whose supporters and followers it joined, see
    :mod:`sigap.workflow.merging`). ``lock`` takes each row's write lock, so a merge running
    at the same moment is either seen whole or not begun; 404 for a missing report."""
    for _ in range(MERGE_DEPTH):
        query = select(Report.id, Report.status, Report.duplicate_of_id).where(
            Report.id == report_id
        )
        row = session.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise SigapError("report_not_found", report_id=report_id)
        if row.status != ReportStatus.duplicate or row.duplicate_of_id is None:
            return int(row.id)
        report_id = row.duplicate_of_id
    return report_id


def support(
    session: Session,
    report_id: int,
    *,
    account_id: int | None,
    device: str | None,
    address: str | None = None,
    per_hour: int,
    now: datetime,
) -> int:
    """+1 from an account or, without one, a device; the new support count of the report it
    counts on (a merged duplicate's parent, :func:`target`). The reporter's own account or
    device cannot support their report (409 ``own_report``). At most ``per_hour`` supports an
    hour from one account, device or address (429 ``too_many_supports``)."""
    for column, value in (
        (ReportSupport.account_id, account_id),
        (ReportSupport.device, None if account_id is not None else device),
        (ReportSupport.client_ip, address),
    ):
        if value is not None:
            newest = select(ReportSupport.created_at).where(column == value)
            recent = session.scalars(newest.order_by(ReportSupport.id.desc()).limit(per_hour))
            too_many("too_many_supports", per_hour, list(recent), now)
    report_id = target(session, report_id, lock=True)
    open_to_public(session, report_id)
    if is_reporter(session, report_id, account_id=account_id, device=device):
        raise SigapError("own_report")
    row = ReportSupport(
        report_id=report_id,
        account_id=account_id,
        device=None if account_id is not None else device,
        created_at=now,
        client_ip=address,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise SigapError("already_supported") from None
    session.execute(
        update(Report).where(Report.id == report_id).values(support_count=Report.support_count + 1)
    )
    return int(session.scalar(select(Report.support_count).where(Report.id == report_id)) or 0)


def supported(session: Session, report_id: int, account_id: int | None, device: str | None) -> bool:
    """Whether the account, or this device (before its owner signed in), supports the report."""
    if account_id is None and not device:
        return False  # nothing to look for: not even the merge's lookup
    return exists_any(
        session,
        ReportSupport.report_id == target(session, report_id),
        (ReportSupport.account_id, account_id),
        (ReportSupport.device, device),
    )


def follow(
    session: Session, account_id: int, report_id: int, *, per_hour: int, now: datetime
) -> None:
    """Follow the report, or the report a merged duplicate joined (:func:`target`); at most
    ``per_hour`` new follows an hour (429 ``too_many_follows``)."""
    report_id = target(session, report_id, lock=True)
    open_to_public(session, report_id)
    if session.get(ReportFollow, (account_id, report_id)) is not None:
        return
    recent = session.scalars(
        select(ReportFollow.created_at)
        .where(ReportFollow.account_id == account_id)
        .order_by(ReportFollow.created_at.desc())
        .limit(per_hour)
    )
    too_many("too_many_follows", per_hour, list(recent), now)
    session.add(ReportFollow(account_id=account_id, report_id=report_id, created_at=now))
    session.flush()


def unfollow(session: Session, account_id: int, report_id: int) -> None:
    report_id = target(session, report_id, lock=True)
    session.execute(
        delete(ReportFollow).where(
            ReportFollow.account_id == account_id, ReportFollow.report_id == report_id
        )
    )


def follows(session: Session, account_id: int, report_id: int) -> bool:
    return session.get(ReportFollow, (account_id, target(session, report_id))) is not None


def comment(session: Session, account_id: int, report_id: int, body: str) -> ReportComment:
    open_to_public(session, report_id, part="comments")
    row = ReportComment(
        report_id=report_id, account_id=account_id, body=body, hidden=False, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return row


def comments(
    session: Session,
    report_id: int,
    *,
    audience: Audience = Audience.PUBLIC,
    report: Mapping[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """Public comments, oldest first; hidden ones are left out and authors never named. Not
    one where the public may not read the report's comments, except for officials (``report``:
    the report's row, when the caller has read it already)."""
    if audience is not Audience.OFFICIAL:
        if report is None:
            query = select(*rules.COLUMNS).where(Report.id == report_id)
            report = session.execute(query).mappings().first()
        if report is None or "comments" in rules.public_hidden(report):
            return []
        if not rules.is_visible(report["visibility"], audience):
            return []
    rows = session.scalars(
        select(ReportComment)
        .where(ReportComment.report_id == report_id, ReportComment.hidden.is_(False))
        .order_by(ReportComment.id)
    )
    return [{"id": c.id, "body": c.body, "created_at": c.created_at} for c in rows]


def hide_comment(session: Session, official: Subject, report_id: int, comment_id: int) -> None:
    """Officials who may see the report may hide its comments (a 404 for anyone else)."""
    report = session.get(Report, report_id)
    if report is None or not can_see(official, report.unit_id, report.escalation_unit_id):
        raise SigapError("report_not_found", report_id=report_id)
    row = session.get(ReportComment, comment_id)
    if row is None or row.report_id != report_id:
        raise SigapError("comment_not_found", comment_id=comment_id)
    row.hidden, row.hidden_by = True, official.account_id
    session.flush()


def mine(session: Session, account_id: int, limit: int = 100) -> list[Mapping[str, Any]]:
    """The account's own reports, newest first."""
    query = (
        select(Report.__table__)
        .join(ReportReporter, ReportReporter.report_id == Report.id)
        .where(ReportReporter.reporter_account_id == account_id)
        .order_by(Report.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def followed(session: Session, account_id: int, limit: int = 100) -> list[Mapping[str, Any]]:
    query = (
        select(Report.__table__)
        .join(ReportFollow, ReportFollow.report_id == Report.id)
        .where(ReportFollow.account_id == account_id)
        .order_by(ReportFollow.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def nearby(
    session: Session,
    *,
    category: str,
    lon: float,
    lat: float,
    radius_m: float,
    days: int,
    now: datetime | None = None,
    limit: int = 5,
) -> list[Mapping[str, Any]]:
    """Open reports of ``category`` within ``radius_m`` filed in the last ``days``, most
    supported first: what a citizen should support instead of filing a duplicate."""
    since = (now or utcnow()) - timedelta(days=days)
    query = select(Report.__table__).where(
        Report.category_code == category,
        Report.status.in_(OPEN_STATUSES),
        Report.created_at >= since,
        rules.published(),
        rules.placed(),  # a circle would find a confidential report's point
    )
    query = filter_circle(query, session, Circle(lon, lat, radius_m), sort_index=None)
    query = query.order_by(Report.support_count.desc(), Report.id.desc()).limit(limit)
    return [dict(row) for row in session.execute(query).mappings()]
