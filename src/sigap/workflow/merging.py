"""The people of a duplicate move to the report it is merged into (``mark_duplicate``).

Supporters and followers of the duplicate become the parent's, and the duplicate's reporter
becomes one more supporter of the parent (someone else saw the same problem), each person
counted once: a person is an account, or a device (its cookie's hash) for supports given
without one. Nobody supports their own report, so the parent's reporter gains nothing. A
reporter known by neither (an API or Open311 client's report) is a supporter of their own,
``merged:<report id>``, so the count stays a count of rows.

Runs in the merge's transaction, both reports locked by the workflow.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sigap.kit import utcnow
from sigap.models import Report, ReportFollow, ReportReporter, ReportSupport

DEVICE_LENGTH = 64  # report_support.device: the citizen app's device cookie hash


class People:
    """Who already counts on a report: its supporters and its reporter, by account and device."""

    def __init__(self, session: Session, report_id: int) -> None:
        rows = session.execute(
            select(ReportSupport.account_id, ReportSupport.device).where(
                ReportSupport.report_id == report_id
            )
        ).all()
        self.accounts = {row.account_id for row in rows if row.account_id is not None}
        self.devices = {row.device for row in rows if row.device is not None}
        reporter = session.get(ReportReporter, report_id)
        self.reporter = (
            (reporter.reporter_account_id, reporter.device_id) if reporter else (None, None)
        )

    def counts(self, account_id: int | None, device: str | None) -> bool:
        """Whether this person already supports, or filed, the report."""
        own_account, own_device = self.reporter
        return (account_id is not None and account_id in {*self.accounts, own_account}) or (
            device is not None and device in {*self.devices, own_device}
        )

    def add(self, account_id: int | None, device: str | None) -> None:
        if account_id is not None:
            self.accounts.add(account_id)
        if device is not None:
            self.devices.add(device)


def merge_people(session: Session, duplicate: Report, parent: Report) -> int:
    """Move supporters, the reporter and followers; adjust both counts; the supporters gained."""
    known = People(session, parent.id)
    gained = 0
    rows = session.scalars(select(ReportSupport).where(ReportSupport.report_id == duplicate.id))
    supports = list(rows)
    for row in supports:
        if known.counts(row.account_id, row.device):
            session.delete(row)  # supports both: counted once, at the parent
            continue
        row.report_id = parent.id
        known.add(row.account_id, row.device)
        gained += 1
    gained += _reporter_supports(session, duplicate, parent, known)
    # Supports counted before supports were rows (merges before migration 0018) move as counts.
    gained += max(0, duplicate.support_count - len(supports))
    parent.support_count += gained
    duplicate.support_count = 0
    _move_followers(session, duplicate.id, parent.id)
    session.flush()
    return gained


def _reporter_supports(session: Session, duplicate: Report, parent: Report, known: People) -> int:
    reporter = session.get(ReportReporter, duplicate.id)
    account = reporter.reporter_account_id if reporter else None
    device = reporter.device_id if reporter else None
    if known.counts(account, device):
        return 0
    if device is not None and len(device) > DEVICE_LENGTH:
        device = None  # an Open311 client's device id, not a device Sigap knows
    if account is None and device is None:
        device = f"merged:{duplicate.id}"
    session.add(
        ReportSupport(
            report_id=parent.id,
            account_id=account,
            device=device if account is None else None,
            created_at=utcnow(),
        )
    )
    known.add(account, device)
    return 1


def _move_followers(session: Session, duplicate_id: int, parent_id: int) -> None:
    following = select(ReportFollow.account_id).where(ReportFollow.report_id == parent_id)
    moving = session.scalars(
        select(ReportFollow).where(
            ReportFollow.report_id == duplicate_id, ReportFollow.account_id.not_in(following)
        )
    ).all()
    now = utcnow()
    for row in moving:
        session.add(ReportFollow(account_id=row.account_id, report_id=parent_id, created_at=now))
    session.execute(delete(ReportFollow).where(ReportFollow.report_id == duplicate_id))
