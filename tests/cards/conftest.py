"""Holders, a validator and a way to send taps, for the fare card's tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import TEST_ACCOUNTS
from tests.workflow.conftest import clock, login

from sigap.accounts.service import create as create_account
from sigap.cards import taps, validators
from sigap.cards.pricing import TransferPricer
from sigap.cards.service import Hasher
from sigap.db import Database

__all__ = ["clock", "login"]  # fixtures of the workflow tests, used here too

MORNING = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 07:30 WIB
WIB = ZoneInfo("Asia/Jakarta")
CARD_A = "6032 9844 0000 0001"
CARD_B = "6032 9844 0000 0002"


def minutes(n: float) -> datetime:
    return MORNING + timedelta(minutes=n)


@pytest.fixture
def hasher(database: Database) -> Hasher:
    with database.reading() as session:
        return Hasher.load(session)


@pytest.fixture
def holders(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        made = [
            create_account(
                session, email=f"{n}{TEST_ACCOUNTS}", name=n, password="x" * 12, role="citizen"
            ).id
            for n in ("rina", "budi")
        ]
    return made[0], made[1]


@pytest.fixture
def bus(database: Database) -> validators.ValidatorRef:
    with database.transaction() as session:
        _, key = validators.create(
            session, name="Bus 1", network="tj", stop_id=None, route_id="tj:1", now=MORNING
        )
        return validators.authenticate(session, key)


def send(
    database: Database,
    hasher: Hasher,
    validator: validators.ValidatorRef,
    batch: Sequence[taps.TapIn],
    *,
    floor: int = 0,
) -> taps.Outcome:
    with database.transaction() as session:
        return taps.ingest(
            session,
            validator,
            batch,
            hasher=hasher,
            pricer=TransferPricer(),
            floor=floor,
            zone=WIB,
            now=MORNING,
        )
