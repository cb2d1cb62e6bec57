"""``GET /healthz``: whether this process can serve, and if not, what is down.

200 ``{"status": "ok", "checks": {...}}`` when the database answers and every background task
of the process (live events, the region check, an in-process worker) is running and not
failing; otherwise 503 ``{"status": "unavailable", "checks": {...}}`` where each check that is
not ``ok`` says what is wrong (``down: ...``, ``stopped``, ``failing for 12 s: ...``). Load
balancers poll it often, so it stays cheap: the database is asked (``SELECT 1``, at most
``PROBE_TIMEOUT_S``) at most once per ``PROBE_EVERY_S`` whatever the number of callers, and
the tasks only report what they already know.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sigap.db import Database
from sigap.faults import describe

PROBE_EVERY_S = 1.0
PROBE_TIMEOUT_S = 2.0

router = APIRouter()


class Watched(Protocol):
    """Something running in the background that says how it is: name → ``ok`` or trouble."""

    def health(self) -> dict[str, str]: ...


class Health:
    """The process's database probe and the background tasks it watches."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._watched: list[Watched] = []
        self._database_state = "ok"
        self._probed_at: float | None = None
        self._probing = asyncio.Lock()

    def watch(self, watched: Watched | None) -> None:
        if watched is not None:
            self._watched.append(watched)

    async def checks(self) -> dict[str, str]:
        checks = {"database": await self.database()}
        for watched in self._watched:
            checks.update(watched.health())
        return checks

    async def database(self) -> str:
        async with self._probing:  # callers that arrive together share one probe
            now = time.monotonic()
            if self._probed_at is None or now - self._probed_at >= PROBE_EVERY_S:
                self._database_state = await self._probe()
                self._probed_at = time.monotonic()
            return self._database_state

    async def _probe(self) -> str:
        # SQLite's SELECT 1 would not even read the file; its schema version is in page 1.
        sql = "PRAGMA schema_version" if self._database.dialect == "sqlite" else "SELECT 1"
        try:
            await asyncio.wait_for(
                self._database.read_async(lambda c: c.exec_driver_sql(sql).scalar()),
                PROBE_TIMEOUT_S,
            )
        except TimeoutError:
            return f"down: no answer in {PROBE_TIMEOUT_S:g} s"
        except Exception as exc:  # whatever the reason, the database cannot serve
            return f"down: {describe(exc)}"
        return "ok"


@router.get("/healthz", include_in_schema=False)
async def healthz(request: Request) -> JSONResponse:
    health: Health | None = getattr(request.app.state, "health", None)
    checks = await health.checks() if health is not None else {"app": "starting"}
    ok = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )
