"""The one rule of who is a report's reporter, and the use cases only the reporter may run.

The reporter shows one of three keys (:class:`Key`): the report's tracking code (whoever holds
it), the account that filed it, or the device that filed it (the hash of its cookie) before its
owner signed in. The reporter sees their report whole, rates the fix (3-5 stars close it, 1-2
stars with a reason reopen it: the CROP rule) and appeals a rejection once; for anyone else
:func:`own_report` answers 403 ``not_your_report``, whether or not the report exists, so the
refusal tells nothing about other people's reports. Handlers build the key from the request
and call these functions; they never compare reporters themselves.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.kit import exists_any, sha256_hex
from sigap.models import ReportReporter
from sigap.regions.state import RegionState
from sigap.reports.service import by_tracking_token
from sigap.workflow import actions, forward, rating


@dataclass(frozen=True, slots=True)
class Key:
    """What a caller holds that may make them a report's reporter (any one of them will do)."""

    token: str | None = None
    account_id: int | None = None
    device: str | None = None


def is_reporter(
    session: Session, report_id: int, *, account_id: int | None, device: str | None
) -> bool:
    """Whether the account, or the device (its cookie's hash), filed the report: the reporter
    may rate and appeal it, and may not support it."""
    return exists_any(
        session,
        ReportReporter.report_id == report_id,
        (ReportReporter.reporter_account_id, account_id),
        (ReportReporter.device_id, device),
    )


def owns(session: Session, key: Key, report: Mapping[str, Any]) -> bool:
    """Whether ``key`` is the reporter's, for a report already read (a stored report row)."""
    stored = report.get("tracking_token_hash") or ""
    if key.token is not None and hmac.compare_digest(sha256_hex(key.token), stored):
        return True
    return is_reporter(session, report["id"], account_id=key.account_id, device=key.device)


def own_report(session: Session, key: Key, report_id: int | None = None) -> int:
    """The id of the report whose reporter holds ``key``: the tracking code's report (404 for
    an unknown code), else ``report_id`` if the account or the device filed it (403
    ``not_your_report`` otherwise, missing reports too)."""
    if key.token is not None:
        return int(by_tracking_token(session, key.token)["id"])
    if report_id is None or not is_reporter(
        session, report_id, account_id=key.account_id, device=key.device
    ):
        raise SigapError("not_your_report")
    return report_id


def rate(
    session: Session,
    state: RegionState,
    key: Key,
    report_id: int | None = None,
    *,
    stars: int,
    comment: str | None,
    reason: str | None,
    options: actions.Options,
) -> int:
    """The reporter rates the fix by the rule of :mod:`sigap.workflow.rating`. Answers the
    report's id."""
    found = own_report(session, key, report_id)
    rating.rate(session, state, found, stars=stars, comment=comment, reason=reason, options=options)
    return found


def appeal(
    session: Session,
    state: RegionState,
    key: Key,
    report_id: int | None = None,
    *,
    reason: str,
    options: actions.Options,
) -> int:
    """The reporter appeals a rejection (once): the report goes to the unit above."""
    found = own_report(session, key, report_id)
    forward.appeal(session, state, actions.REPORTER, found, reason=reason, options=options)
    return found
