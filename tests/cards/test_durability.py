"""Every acknowledged tap survives a SIGKILL of the server mid-load, priced, with the books
still balanced (like tests/test_durability.py for reports)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.cards.conftest import CARD_A, MORNING, minutes
from tests.conftest import TEST_ACCOUNTS, until
from tests.test_durability import wait_until_up

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.cards import ledger, service, validators
from sigap.db import Database

pytestmark = pytest.mark.slow

BATCH = 20


def prepare(database_url: str) -> str:
    """A validator's key, and a registered card with money on it."""
    database = Database(database_url)
    with database.transaction() as session:
        holder = create_account(
            session, email=f"kilat{TEST_ACCOUNTS}", name="K", password="x" * 12, role="citizen"
        )
        hasher = service.Hasher.load(session)
        card = service.register(
            session, hasher, holder_id=holder.id, number=CARD_A, name="K", now=MORNING
        )
        clearing = ledger.account_id(session, "clearing:demo", "clearing")
        entries = ((clearing, -1_000_000), (card.ledger_account_id, 1_000_000))
        ledger.post(session, ledger.Posting("seed", "topup", MORNING, entries))
        _, key = validators.create(
            session,
            name="Bus",
            network="transjakarta",
            stop_id="tj:H00275P",
            route_id="tj:1",
            now=MORNING,
        )
    database.dispose()
    return key


def post_until_gone(base: str, key: str, numbers: itertools.count[int], acked: list[str]) -> None:
    while True:
        ids = [str(next(numbers)) for _ in range(BATCH)]
        taps = [
            {"tap_id": i, "card": CARD_A, "kind": "in", "at": minutes(int(i) * 7).isoformat()}
            for i in ids
        ]
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"{base}/api/v1/cards/taps",
            data=json.dumps({"taps": taps}).encode(),
            headers={"Content-Type": "application/json", "X-Validator-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status == 200:
                    acked.extend(ids)
        except (OSError, ValueError, urllib.error.HTTPError):
            return


def test_acknowledged_taps_survive_sigkill(
    database_url: str, tmp_path: Path, free_port: int
) -> None:
    key = prepare(database_url)
    base = f"http://127.0.0.1:{free_port}"
    env = {**os.environ, "SIGAP_DATABASE_URL": database_url}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "sigap.cli", "serve", "--port", str(free_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    acked: list[str] = []
    numbers = itertools.count()
    try:
        wait_until_up(base, server)
        clients = [
            threading.Thread(target=post_until_gone, args=(base, key, numbers, acked))
            for _ in range(3)
        ]
        for client in clients:
            client.start()
        assert until(lambda: len(acked) >= 20 * BATCH), "fewer than 20 batches in 60 s"
        server.send_signal(signal.SIGKILL)
        for client in clients:
            client.join(timeout=30)
    finally:
        server.kill()
        server.wait()
        log.close()
    database = Database(database_url)
    with database.reading() as session:
        stored = set(session.scalars(select(models.CardTap.tap_id)))
        priced = set(
            session.scalars(
                select(models.CardTap.tap_id).join(
                    models.CardLeg, models.CardLeg.tap_id == models.CardTap.id
                )
            )
        )
        verdict = ledger.verify(session)
    database.dispose()
    assert set(acked) <= stored
    assert set(acked) <= priced
    assert verdict.problems == []
