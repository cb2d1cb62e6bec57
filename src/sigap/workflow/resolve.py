"""Resolving a report, with its proof: a public note and after-photos, each checked."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.models import ReportEvent
from sigap.models.rows import Proof
from sigap.photos import proof
from sigap.photos import service as photo_service
from sigap.photos.service import StoredPhoto
from sigap.regions.state import RegionState
from sigap.workflow.actions import Actor, Options, begin, record, require_note


def resolve(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    *,
    note: str,
    options: Options,
    after: Sequence[StoredPhoto] = (),
) -> ReportEvent:
    """Resolving needs proof: a public note and after-photos (``after``), each checked by
    :func:`sigap.photos.proof.check` before anything changes and attached with its verdict.
    (The demo's seeding passes ``options.photos`` and attaches them itself, unchecked.)"""
    report, now, to = begin(session, report_id, actor, "resolve", options)
    require_note(note)
    if not options.photos and not after:
        raise SigapError("after_photo_required")
    verdicts: list[Proof] = []
    if after:
        verdicts = proof.check(
            session, report, after, state.timezone, options.proof_distance_m, now
        )
        options.photos = [
            {"display_key": photo.display_key, "proof": verdict["verdict"]}
            for photo, verdict in zip(after, verdicts, strict=True)
        ]
    report.first_response_at = report.first_response_at or now
    report.resolved_at = now
    report.due_at = None
    data = {"proof": proof.overall(verdicts)} if verdicts else None
    event = record(session, state, report, actor, "resolve", to, now, note, options, data=data)
    if after:
        photo_service.attach(
            session, report_id=report.id, event_id=event.id, stored=after, kind="after",
            proofs=verdicts,
        )  # fmt: skip
    return event
