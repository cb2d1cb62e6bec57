"""The one choke point for which reports an official may see and act on.

A report is visible to an official whose scope covers the report's unit, or the unit it is
currently escalated to. Anything else is answered as if it did not exist (404, never 403).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from sigap.auth.service import Subject
from sigap.models import Report


def readable_reports(subject: Subject) -> ColumnElement[bool]:
    if subject.scope is None:
        return true()
    units = sorted(subject.scope)
    return or_(Report.unit_id.in_(units), Report.escalation_unit_id.in_(units))


def can_see(subject: Subject, unit_id: int, escalation_unit_id: int | None) -> bool:
    """The same rule as :func:`readable_reports`, for a report already in hand."""
    return subject.covers(unit_id) or (
        escalation_unit_id is not None and subject.covers(escalation_unit_id)
    )
