"""The daily digest of the history chains' heads as open data (docs/portal.md, "Open data")."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from sigap.deps import Ctx, ReadSession
from sigap.errors import SigapError
from sigap.history import heads
from sigap.history.schemas import ChainHeads
from sigap.kit import utcnow

router = APIRouter(prefix="/api/v1/open-data", tags=["portal"])


@router.get(
    "/chain-heads/{day}.json",
    response_model=ChainHeads,
    summary="The heads of the history chains at the end of a local day, and their digest",
)
def chain_heads(day: str, session: ReadSession, ctx: Ctx) -> dict[str, Any]:
    """Every report whose timeline grew on ``day`` (YYYY-MM-DD, the region's time zone) with
    the id and hash of its last event that day, the admin audit's head, and ``digest``: sha256
    of the canonical JSON of the rest. Save it; `sigap audit verify --heads FILE` shows later
    whether the history it fixes was changed."""
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise SigapError("invalid_input", details=[{"field": "day", "value": day}]) from None
    zone = ctx.region.timezone
    if wanted > heads.last_closed_day(utcnow(), zone):
        raise SigapError("chain_day_not_over", day=wanted.isoformat())
    return heads.published(session, wanted, zone, cache_key=ctx.settings.database_url)
