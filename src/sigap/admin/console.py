"""What the admin API and the admin pages share: running a change, and who may enter a page
(:func:`admin_page`, by :func:`sigap.auth.deps.admin_only`).

A change runs in one transaction (the change and its audit row), then this process reloads its
region snapshot so that the next report is routed with the new configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sigap.admin import reload
from sigap.auth.deps import admin_only, cookie_subject
from sigap.auth.service import Subject
from sigap.deps import clock, context_of, in_transaction
from sigap.errors import SigapError
from sigap.regions.state import RegionState
from sigap.web.pages import render
from sigap.workflow import actions, routing

T = TypeVar("T")


async def admin_page(request: Request) -> Subject | Response:
    """The signed-in admin of a console page, or the answer instead: the sign-in form (back
    here afterwards) for nobody, a 403 page for anyone else (:func:`admin_only`)."""
    subject = await cookie_subject(request)
    if subject is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/officials/login?{urlencode({'next': target})}", 303)
    try:
        return admin_only(subject)
    except SigapError as refused:
        message = refused.message(context_of(request).language)
        return render(
            request, "officials/missing.html", status_code=refused.status, subject=subject,
            message=message, title_key="error_title_403",
        )  # fmt: skip


async def change(request: Request, use_case: Callable[[Session], T], *, region: bool = True) -> T:
    """Run a console change; reload this process's snapshot when reference data changed.
    Valid API keys are forgotten after every change, so a revoked key stops here at once."""
    result = await in_transaction(request, use_case)
    request.app.state.api_keys.clear()
    if region:
        await reload.reload(request.app)
    return result


def workflow_options(request: Request) -> actions.Options:
    settings = context_of(request).settings
    return actions.Options(
        rating_window=timedelta(days=settings.rating_window_days), now=clock(request)
    )


def route_test(state: RegionState, category: str, lat: float, lon: float) -> dict[str, Any]:
    """Where a report at (lat, lon) in ``category`` would go now, with the current rules."""
    if category not in state.categories:
        raise SigapError("unknown_category", category=category)
    placement = routing.place(state, lon, lat)
    unit = state.units[routing.responsible_unit(state, category, placement.kelurahan_code)]
    area = state.areas[placement.kelurahan_code]
    return {
        "category": category,
        "lat": lat,
        "lon": lon,
        "kelurahan_code": area.code,
        "kelurahan_name": area.name,
        "kecamatan_code": placement.kecamatan_code,
        "unit_code": unit.code,
        "unit_name_id": unit.name_id,
        "unit_name_en": unit.name_en,
    }
