"""The admin console's moderation section (/admin/moderation): the triage switch, the triage
queue, the reports hidden or taken down, one report's form (``?report=<id>``), and the
marketplace's review queue (hide, restore; audited by :func:`sigap.market.reviews.moderate`).
The forms call the same use cases as the admin API (:mod:`sigap.workflow.moderation`). It
lives in admin, whose pages include it, since moderation's API (:mod:`sigap.moderation.router`)
is built on admin's console helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.deps import context_of
from sigap.errors import SigapError
from sigap.market import reviews
from sigap.models import MarketSeller
from sigap.moderation import rules
from sigap.workflow import moderation as service

Fields = dict[str, str]
Action = Callable[[Session, Subject, Fields], str | None]


def _id(f: Fields, name: str) -> int:
    raw = f.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        raise SigapError("invalid_input", details=[{"field": name}])
    return int(raw)


def _report_id(f: Fields) -> int:
    return _id(f, "report_id")


def review_queue(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The marketplace's newest reviews, hidden ones included, with their shop's name: the
    queue moderated like comments (the admin API's ``GET /api/v1/admin/market/reviews``)."""
    rows = [reviews.full(r) for r in reviews.recent(session, limit=limit)]
    ids = {r["seller_id"] for r in rows}
    query = select(MarketSeller.id, MarketSeller.name).where(MarketSeller.id.in_(ids))
    names: dict[int, str] = dict(session.execute(query).all())
    return [{**r, "seller_name": names.get(r["seller_id"], "")} for r in rows]


def actions(request: Request) -> dict[str, Action]:
    """The section's form actions, with this request's region snapshot."""
    state = context_of(request).region

    def hide(session: Session, admin: Subject, f: Fields) -> None:
        parts = [p for p in rules.PARTS if f.get(f"part_{p}") == "on"]
        service.hide(
            session, state, admin, _report_id(f), parts=parts, reason=f.get("reason", ""),
            description=f.get("public_description"), address=f.get("public_address"),
        )  # fmt: skip

    def unhide(session: Session, admin: Subject, f: Fields) -> None:
        service.unhide(session, state, admin, _report_id(f), reason=f.get("reason", ""))

    def withhold(session: Session, admin: Subject, f: Fields) -> None:
        service.withhold(session, state, admin, _report_id(f), reason=f.get("reason", ""))

    def publish(session: Session, admin: Subject, f: Fields) -> None:
        service.publish(session, state, admin, _report_id(f), reason=f.get("reason", ""))

    def triage(session: Session, admin: Subject, f: Fields) -> None:
        service.set_triage(session, admin, enabled=f.get("enabled") == "on")

    def review(hide: bool) -> Action:
        def run(session: Session, admin: Subject, f: Fields) -> None:
            reviews.moderate(session, admin, _id(f, "review_id"), hide=hide)  # audited

        return run

    return {
        "hide": hide,
        "unhide": unhide,
        "withhold": withhold,
        "publish": publish,
        "triage": triage,
        "review_hide": review(True),
        "review_restore": review(False),
    }


def load(session: Session, request: Request) -> dict[str, Any]:
    """The section's page: the lists, and the report asked for with ``?report=``."""
    state = context_of(request).region
    lists = {
        kind: [service.report_dict(state, r) for r in service.queue(session, kind, limit=50)]
        for kind in ("pending", "hidden", "withheld")
    }
    chosen, missing = None, False
    raw = request.query_params.get("report", "")
    if raw.isdigit() and len(raw) <= 18:
        try:
            chosen = service.report_dict(state, service.get(session, int(raw)))
        except SigapError as error:
            if error.status != 404:
                raise
            missing = True
    return {
        "triage": state.triage,
        "lists": lists,
        "chosen": chosen,
        "missing": missing,
        "parts": rules.PARTS,
        "reviews": review_queue(session),
    }
