"""Deadlines, warnings, escalation and auto-close: when the sweep must next look at a report.

Each report carries ``next_check_at``, the next moment something is due for it, so the sweep is
one range scan over one index however many reports there are:

- open, not yet warned: :data:`WARNING_LEAD` before the response deadline (the unit head is
  warned);
- open or in progress, not escalated: the active deadline (``due_at``: response while open,
  resolution while in progress, counted from when the unit received the report);
- escalated: one response window after the level it climbed to received it
  (``escalated_at``). Each missed window climbs one unit (kelurahan → kecamatan → kota →
  province; a unit without a parent along the pack's ``escalates_to``, else to the region's
  supervisor) until there is no unit above. The window counts from the receipt, not from the
  first deadline: a sweep that comes days late climbs one level and starts that level's clock;
- resolved: the end of the rating window, when an unrated report closes by itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement

from sigap.models import Report
from sigap.models.states import OPEN_STATUSES, ReportStatus
from sigap.regions.state import CategoryInfo, RegionState

WARNING_LEAD = timedelta(hours=2)


def first_check(response_due_at: datetime) -> datetime:
    """``next_check_at`` of a report just received by a unit: the warning before its deadline."""
    return response_due_at - WARNING_LEAD


def escalation_at(report: Report, category: CategoryInfo) -> datetime | None:
    """When the report climbs next: at the active deadline, then one full response window after
    each level received it."""
    if report.escalation_level == 0:
        return report.due_at
    return level_due_at(report.escalation_level, report.escalated_at, report.due_at, category)


def level_due_at(
    level: int, escalated_at: datetime | None, due_at: datetime | None, category: CategoryInfo
) -> datetime | None:
    """The deadline of the level a report is escalated to: its receipt plus a response window
    (reports escalated before ``escalated_at`` existed count from the old deadline)."""
    if level == 0 or due_at is None:
        return None
    window = timedelta(hours=category.response_hours)
    return due_at + window * level if escalated_at is None else escalated_at + window


def plan(
    report: Report, state: RegionState, category: CategoryInfo, rating_window: timedelta
) -> datetime | None:
    """The next moment the sweep has something to do for ``report``, or None."""
    if report.status == ReportStatus.open and not report.sla_warned:
        return report.response_due_at - WARNING_LEAD
    if report.status in OPEN_STATUSES:
        return escalation_at(report, category) if can_climb(report, state) else None
    if report.status == ReportStatus.resolved and report.resolved_at is not None:
        return report.resolved_at + rating_window
    return None


def can_climb(report: Report, state: RegionState) -> bool:
    """Whether there is a unit above the last one the report was escalated to."""
    return report.escalation_level < len(state.unit_ancestors(report.unit_id))


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """The one rule of "overdue" in SQL: the deadline that matters now (``due_at``: response
    while open, resolution while in progress, none once settled) has passed."""
    return Report.due_at <= now


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """The same rule for a report already loaded."""
    return due_at is not None and due_at <= now
