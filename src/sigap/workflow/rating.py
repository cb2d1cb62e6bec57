"""The reporter's rating of a resolved report (the CROP rule), for every way a reporter rates:
3 to 5 stars accept the fix and close the report (:func:`accept`); 1 or 2 stars say the fix
is not one, and with a reason reopen the report for its unit (:func:`reopen`, which a
supervisor runs too, without a rating)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import ReportEvent
from sigap.regions.state import RegionState
from sigap.workflow.actions import (
    REPORTER,
    Actor,
    Options,
    begin,
    calm,
    record,
    require_note,
)

STARS = range(1, 6)
REOPENING = range(1, 3)  # the ratings that reopen the report


def rate(
    session: Session,
    state: RegionState,
    report_id: int,
    *,
    stars: int,
    comment: str | None,
    reason: str | None,
    options: Options,
) -> ReportEvent:
    """Rate as the report's reporter: ``comment`` goes with an accepting rating, ``reason``
    (required, 422 ``rating_reason_required``) with a reopening one. A form with one text box
    passes it as both."""
    if stars not in STARS:
        raise SigapError("invalid_input", details=[{"field": "stars", "allowed": "1-5"}])
    if stars in REOPENING:
        if reason is None:
            raise SigapError("rating_reason_required")
        return reopen(
            session, state, REPORTER, report_id, reason=reason, rating=stars,
            options=options,
        )  # fmt: skip
    return accept(
        session, state, REPORTER, report_id, rating=stars, comment=comment,
        options=options,
    )  # fmt: skip


def accept(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    rating: int | None,
    comment: str | None,
    options: Options,
) -> ReportEvent:
    report, now, to = begin(session, report_id, actor, "accept", options)
    if rating is not None:
        report.rating, report.rated_at = rating, now
    report.closed_at = now
    return record(
        session,
        state,
        report,
        actor,
        "accept",
        to,
        now,
        comment,
        options,
        data={"rating": rating},
        topic="report.rated",
    )


def reopen(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    reason: str,
    rating: int | None,
    options: Options,
) -> ReportEvent:
    """Back to work: by the reporter with a 1 or 2 star rating and a reason, or by a supervisor."""
    report, now, to = begin(session, report_id, actor, "reopen", options)
    require_note(reason)
    category = state.categories[report.category_code]
    report.reopen_count += 1
    report.resolution_due_at = now + timedelta(hours=category.resolution_hours)
    report.due_at = report.resolution_due_at
    report.closed_at = None
    calm(report)
    data: dict[str, Any] = {}
    if rating is not None:
        report.rating, report.rated_at = rating, now
        data["rating"] = rating
    return record(
        session,
        state,
        report,
        actor,
        "reopen",
        to,
        now,
        reason,
        options,
        data=data,
        topic="report.rated" if rating is not None else "report.status_changed",
    )
