"""Server-rendered pages: one Jinja2 environment, page texts in two languages, display helpers.

Every page handler calls :func:`render`; templates get ``t`` (the page texts in the request's
language), ``lang``, ``lang_url`` (this page in the other language), ``local`` (a UTC datetime
shown in the deployment's time zone) and ``status_class``. Autoescaping is on for every
template, so text typed by citizens is always shown as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from sigap.deps import language_of
from sigap.kit import rupiah
from sigap.models.states import ReportStatus
from sigap.web import maps
from sigap.web.texts import TEXTS, translate

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATUS_CLASSES: dict[str, str] = {
    ReportStatus.open: "st-open",
    ReportStatus.in_progress: "st-progress",
    ReportStatus.resolved: "st-resolved",
    ReportStatus.closed: "st-closed",
    ReportStatus.rejected: "st-closed",
    ReportStatus.duplicate: "st-closed",
}
UTC_ZONE = ZoneInfo("UTC")


def translator(language: str) -> Callable[..., str]:
    def t(key: str, **params: Any) -> str:
        return translate(language, key, **params)

    return t


def status_class(status: str) -> str:
    """CSS class of a status colour: open red, in progress yellow, resolved green, else grey."""
    return STATUS_CLASSES.get(status, "st-closed")


def local_time(value: datetime | None, zone: ZoneInfo, fmt: str = "%d-%m-%Y %H:%M") -> str:
    """A stored UTC datetime in the deployment's zone; naive values are taken as UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC_ZONE)
    return value.astimezone(zone).strftime(fmt)


def other_language_url(request: Request, language: str) -> str:
    """This page's path with ``lang`` set to the other language, other parameters kept."""
    other = "id" if language == "en" else "en"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", other))
    return f"{request.url.path}?{urlencode(params)}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["status_class"] = status_class
    env.globals["basemap"] = maps.basemap  # every map's base layer (templates/_basemap.html)
    env.globals["rupiah"] = rupiah  # money as Indonesians write it: Rp 3.500
    env.globals["texts"] = TEXTS  # for `"key" in texts` (optional texts, e.g. actions)
    return env


def zone_of(request: Request) -> ZoneInfo:
    region = getattr(request.app.state, "region", None)
    return region.timezone if region is not None else UTC_ZONE


def _region_name(request: Request) -> str:
    """The deployment's region, named in every page's header ("DKI Jakarta")."""
    region = getattr(request.app.state, "region", None)
    return region.name if region is not None else ""


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` for ``request`` in the request's language and the region's zone."""
    language = language_of(request)
    zone = zone_of(request)

    def local(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
        return local_time(value, zone, fmt)

    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            lang=language,
            t=translator(language),
            lang_url=other_language_url(request, language),
            local=local,
            region_name=_region_name(request),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers={"Content-Language": language})


def mount_static(app: FastAPI) -> None:
    """Our stylesheet and scripts at /static, Leaflet and its cluster plugin from the xstatic
    packages (no CDN: pages work on a closed network), gzipped for clients that accept it: a
    cheap phone on a slow network downloads Leaflet in a third of the bytes."""
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    def files(directory: str | Path) -> ASGIApp:
        return GZipMiddleware(StaticFiles(directory=directory), minimum_size=1024)

    app.mount("/static/leaflet", files(leaflet.BASE_DIR), name="leaflet")
    app.mount("/static/markercluster", files(markercluster.BASE_DIR), name="markercluster")
    app.mount("/static", files(STATIC), name="static")
