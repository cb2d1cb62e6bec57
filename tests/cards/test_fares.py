"""Taps priced by THE fare engine over Jakarta's rules, through the validators' use case: the
charges are the engine's, late and out-of-order taps post only differences, and any order of
arrival charges what pricing all the taps at once gives (both databases)."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.cards.conftest import CARD_A, WIB
from tests.cards.test_service import balance, books_balance, register, top_up
from tests.fares.conftest import jakarta, local, places

from sigap import models
from sigap.cards import service, taps, validators
from sigap.cards.pricing import EnginePricer, Tap
from sigap.cards.service import Hasher
from sigap.cards.validators import ValidatorRef
from sigap.db import Database
from sigap.fares import engine

TUESDAY = (2026, 12, 8)
KOTA, BHI_TJ, BLOK_M = "tj:H00275P", "tj:H00022P", "tj:P00017"
LEBAK_BULUS, BUNDARAN_HI = "mrt:SLBB", "mrt:SBHI"
MIN = timedelta(minutes=1)


def pricer() -> EnginePricer:
    return EnginePricer(jakarta(), places())


def gate(database: Database, network: str) -> ValidatorRef:
    with database.transaction() as session:
        _, key = validators.create(
            session, name=network, network=network, stop_id=None, route_id=None,
            now=local(*TUESDAY, 0),
        )  # fmt: skip
        return validators.authenticate(session, key)


def send(
    database: Database, hasher: Hasher, validator: ValidatorRef, batch: list[taps.TapIn]
) -> taps.Outcome:
    with database.transaction() as session:
        return taps.ingest(
            session, validator, batch, hasher=hasher, pricer=pricer(), floor=0,
            zone=WIB, now=local(*TUESDAY, 12),
        )  # fmt: skip


def tapin(
    tap_id: str, minutes: int, stop: str, route: str | None = None, kind: str = "in"
) -> taps.TapIn:
    return taps.TapIn(tap_id, CARD_A, kind, local(*TUESDAY, 7) + minutes * MIN, stop, route)


def test_a_late_tap_turns_a_charged_ride_into_a_free_transfer(
    database: Database, hasher: Hasher, holders: tuple[int, int]
) -> None:
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 50_000)
    bus = gate(database, "transjakarta")
    send(database, hasher, bus, [tapin("b", 120, BLOK_M, "tj:13")])
    assert balance(database, holders[0], card) == 46_500
    send(database, hasher, bus, [tapin("a", 30, KOTA, "tj:1")])  # hours late: it came first
    assert balance(database, holders[0], card) == 46_500  # 3,500 for 'a', 'b' refunded
    with database.reading() as session:
        kinds = sorted(session.scalars(select(models.LedgerTxn.kind)))
        legs = {
            tap_id: (fare, rule)
            for tap_id, fare, rule in session.execute(
                select(models.CardTap.tap_id, models.CardLeg.fare, models.CardLeg.rule).join(
                    models.CardLeg, models.CardLeg.tap_id == models.CardTap.id
                )
            )
        }
    assert kinds == ["adjust", "fare", "fare", "topup"]
    assert legs == {"a": (3_500, "tj_reguler"), "b": (0, "transfer:tj>tj")}
    books_balance(database)


def test_a_tap_out_that_arrives_later_lowers_the_estimated_fare(
    database: Database, hasher: Hasher, holders: tuple[int, int]
) -> None:
    """The Mikrotrans-to-MRT rider: the MRT's tap-out is what makes the fare exact."""
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 50_000)
    angkot, mrt = gate(database, "mikrotrans"), gate(database, "mrt")
    send(database, hasher, angkot, [tapin("m", 0, "tj:X", "tj:JAK.01")])
    send(database, hasher, mrt, [tapin("in", 20, LEBAK_BULUS)])
    estimated = 50_000 - balance(database, holders[0], card)
    send(database, hasher, mrt, [tapin("out", 30, "mrt:SFTM", kind="out")])
    exact = 50_000 - balance(database, holders[0], card)
    at_once = engine.price(
        [
            engine.Tap("m", local(*TUESDAY, 7), "in", "tj:X", "tj:JAK.01", "mikrotrans"),
            engine.Tap("i", local(*TUESDAY, 7) + 20 * MIN, "in", LEBAK_BULUS, None, "mrt"),
            engine.Tap("o", local(*TUESDAY, 7) + 30 * MIN, "out", "mrt:SFTM", None, "mrt"),
        ],
        jakarta(),
        places=places(),
    )
    assert exact == at_once.total
    assert 0 < exact < estimated
    books_balance(database)


STOPS = [(KOTA, "tj:1", "transjakarta"), (BLOK_M, "tj:13", "transjakarta"),
         ("tj:X", "tj:JAK.01", "mikrotrans"), (LEBAK_BULUS, None, "mrt"),
         (BUNDARAN_HI, None, "mrt")]  # fmt: skip
DAY = st.lists(
    st.tuples(
        st.integers(0, 14 * 60), st.sampled_from(range(len(STOPS))), st.sampled_from(["in", "out"])
    ),
    min_size=1,
    max_size=10,
    unique_by=lambda tap: tap[0],  # the engine orders taps of one minute by their ids
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=DAY, seed=st.integers(0, 1000))
# Found by this test: a tap-out six hours after the last tap-in paired with it when all came at
# once, but was beyond the quiet gap the repricing of a late tap looks back to.
@example(day=[(0, 0, "in"), (1, 0, "in"), (2, 3, "in"), (362, 0, "out")], seed=0)
def test_any_order_of_arrival_charges_what_the_engine_gives_at_once(
    database: Database, hasher: Hasher, day: list[tuple[int, int, str]], seed: int
) -> None:
    with database.transaction() as session:  # each example on a card of its own
        number = f"{len(session.scalars(select(models.Card.id)).all()) + 20_000_000:08d}"
        holder = session.scalars(select(models.Account.id).limit(1)).one()
        card = service.register(
            session, hasher, holder_id=holder, number=number, name="p", now=local(*TUESDAY, 0)
        )
        ids = (card.id, holder)
    top_up(database, ids[1], ids[0], 500_000, key=number)
    gates = {network: gate(database, network) for network in ("transjakarta", "mikrotrans", "mrt")}
    made = [
        (taps.TapIn(f"{number}-{i}", number, kind, local(*TUESDAY, 5) + m * MIN, *STOPS[s][:2]),
         STOPS[s][2])
        for i, (m, s, kind) in enumerate(day)
    ]  # fmt: skip
    expected = sum(
        leg.amount
        for leg in pricer()(
            [Tap(t.tap_id, t.at, t.kind, t.stop_id, t.route_id, n) for t, n in made]
        )
    )
    note(f"day={day} seed={seed}")
    random.Random(seed).shuffle(made)  # each tap alone, from its network's validator
    for tap, network in made:
        send(database, hasher, gates[network], [tap])
    assert 500_000 - balance(database, ids[1], ids[0]) == expected
    books_balance(database)
