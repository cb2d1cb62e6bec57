"""The reporter's rating of a resolved report (the CROP rule), for every way a reporter rates:
3 to 5 stars accept the fix and close the report; 1 or 2 stars say the fix is not one, and
with a reason reopen the report for its unit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import ReportEvent
from sigap.regions.state import RegionState
from sigap.workflow import actions

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
    options: actions.Options,
) -> ReportEvent:
    """Rate as the report's reporter: ``comment`` goes with an accepting rating, ``reason``
    (required, 422 ``rating_reason_required``) with a reopening one. A form with one text box
    passes it as both."""
    if stars not in STARS:
        raise SigapError("invalid_input", details=[{"field": "stars", "allowed": "1-5"}])
    if stars in REOPENING:
        if reason is None:
            raise SigapError("rating_reason_required")
        return actions.reopen(
            session, state, actions.REPORTER, report_id, reason=reason, rating=stars,
            options=options,
        )  # fmt: skip
    return actions.accept(
        session, state, actions.REPORTER, report_id, rating=stars, comment=comment,
        options=options,
    )  # fmt: skip
