"""Card accounts, top-ups, taps and their pricing, through the use cases (both databases)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.cards.conftest import CARD_A, CARD_B, MORNING, WIB, minutes, send

from sigap import models
from sigap.cards import ledger, payments, service
from sigap.cards.pricing import Tap, TransferPricer
from sigap.cards.service import Hasher
from sigap.cards.taps import TapIn
from sigap.cards.validators import ValidatorRef
from sigap.db import Database
from sigap.errors import SigapError


def register(database: Database, hasher: Hasher, holder: int, number: str = CARD_A) -> int:
    with database.transaction() as session:
        card = service.register(
            session, hasher, holder_id=holder, number=number, name="Kartu", now=MORNING
        )
        return card.id


def top_up(
    database: Database, holder: int, card: int, amount: int, key: str = "k1", floor: int = 0
) -> None:
    with database.transaction() as session:
        started = payments.start(
            session,
            holder_id=holder,
            card_id=card,
            amount=amount,
            adapter_name="demo",
            available=payments.adapters(None),
            key=key,
            balance_max=2_000_000,
            now=MORNING,
        )
        payments.confirm(
            session,
            holder_id=holder,
            card_id=card,
            topup_id=started["id"],
            available=payments.adapters(None),
            floor=floor,
            zone=WIB,
            now=MORNING,
        )


def balance(database: Database, holder: int, card: int) -> int:
    with database.reading() as session:
        found: int = service.card_answer(session, service.holder_card(session, holder, card))[
            "balance"
        ]
        return found


def books_balance(database: Database) -> None:
    with database.reading() as session:
        assert ledger.verify(session).problems == []


def test_a_card_number_is_stored_only_as_its_keyed_hash(
    database: Database, hasher: Hasher, holders: tuple[int, int]
) -> None:
    card = register(database, hasher, holders[0])
    digits = CARD_A.replace(" ", "")
    with database.reading() as session:
        row = session.get_one(models.Card, card)
        assert row.card_hash == hasher(CARD_A) == hasher(digits)
        assert row.card_hash != hasher(CARD_B)
        assert Hasher(b"another secret")(CARD_A) != row.card_hash  # keyed, not a plain sha256
        dumped = " ".join(
            str(v) for v in session.execute(select(models.Card)).mappings().one().values()
        )
    assert digits not in dumped
    assert digits[-4:] == row.last4


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("12 34", "invalid_card_number"),
        ("ab#12345678", "invalid_card_number"),
        (CARD_A, "card_already_registered"),
    ],
)
def test_a_wrong_or_taken_number_is_refused(
    database: Database, hasher: Hasher, holders: tuple[int, int], number: str, code: str
) -> None:
    register(database, hasher, holders[0])
    with pytest.raises(SigapError) as refused:
        register(database, hasher, holders[1], number)
    assert refused.value.code == code


def test_a_holder_sees_only_their_own_cards(
    database: Database, hasher: Hasher, holders: tuple[int, int]
) -> None:
    card = register(database, hasher, holders[0])
    with database.reading() as session:
        assert [c["id"] for c in service.holder_cards(session, holders[0])] == [card]
        assert service.holder_cards(session, holders[1]) == []
        with pytest.raises(SigapError) as hidden:
            service.trips(session, holders[1], card)
    assert hidden.value.code == "card_not_found"


def test_a_top_up_is_idempotent_by_its_key(
    database: Database, hasher: Hasher, holders: tuple[int, int]
) -> None:
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 50_000)
    top_up(database, holders[0], card, 50_000)  # the same key again: the same top-up
    assert balance(database, holders[0], card) == 50_000
    with pytest.raises(SigapError) as reused:
        top_up(database, holders[0], card, 20_000)
    assert reused.value.code == "topup_key_reused"
    with pytest.raises(SigapError) as too_much:
        top_up(database, holders[0], card, 1_960_000, key="k2")
    assert too_much.value.code == "invalid_topup_amount"
    books_balance(database)


def test_taps_are_stored_once_and_priced_with_free_transfers(
    database: Database, hasher: Hasher, holders: tuple[int, int], bus: ValidatorRef
) -> None:
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 20_000)
    batch = [TapIn("t1", CARD_A, "in", minutes(0)), TapIn("t2", CARD_A, "in", minutes(50))]
    first = send(database, hasher, bus, batch)
    again = send(database, hasher, bus, batch)  # delivered twice
    assert (first.stored, first.duplicates, first.charged) == (2, 0, 3_500)
    assert (again.stored, again.duplicates, again.charged) == (0, 2, 0)
    assert balance(database, holders[0], card) == 16_500
    with database.reading() as session:
        journeys = service.trips(session, holders[0], card)
    assert [(j["fare"], j["full"], j["saved"]) for j in journeys] == [(3_500, 7_000, 3_500)]
    books_balance(database)


def test_an_unknown_card_is_stored_and_flagged(
    database: Database, hasher: Hasher, bus: ValidatorRef
) -> None:
    outcome = send(database, hasher, bus, [TapIn("u1", "FFFF0000FFFF", "in", minutes(0))])
    assert (outcome.stored, outcome.unknown, outcome.charged) == (1, 1, 0)
    with database.reading() as session:
        tap = session.scalars(select(models.CardTap)).one()
    assert (tap.flag, tap.card_id, tap.card_hash) == (
        "unknown",
        None,
        hasher.lenient("FFFF0000FFFF"),
    )


def test_a_late_tap_reprices_the_journey_and_never_charges_twice(
    database: Database, hasher: Hasher, holders: tuple[int, int], bus: ValidatorRef
) -> None:
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 20_000)
    send(database, hasher, bus, [TapIn("b", CARD_A, "in", minutes(120))])
    assert balance(database, holders[0], card) == 16_500
    late = send(database, hasher, bus, [TapIn("a", CARD_A, "in", minutes(0))])  # hours late
    # 'a' starts the journey (3,500), 'b' becomes a free transfer (refund of 3,500)
    assert late.charged == 0
    assert balance(database, holders[0], card) == 16_500
    with database.reading() as session:
        kinds = session.scalars(select(models.LedgerTxn.kind).order_by(models.LedgerTxn.id)).all()
    assert sorted(kinds) == ["adjust", "fare", "fare", "topup"]
    books_balance(database)


def test_a_fare_never_takes_a_card_below_the_floor(
    database: Database, hasher: Hasher, holders: tuple[int, int], bus: ValidatorRef
) -> None:
    card = register(database, hasher, holders[0])
    top_up(database, holders[0], card, 2_000)
    send(database, hasher, bus, [TapIn("a", CARD_A, "in", minutes(0))], floor=-1_000)
    assert balance(database, holders[0], card) == -1_000
    with database.reading() as session:
        (journey,) = service.trips(session, holders[0], card)
    assert (journey["fare"], journey["unpaid"]) == (3_500, 500)
    top_up(database, holders[0], card, 10_000, key="k2", floor=-1_000)
    assert balance(database, holders[0], card) == 8_500  # the 500 taken with the top-up
    with database.reading() as session:
        (journey,) = service.trips(session, holders[0], card)
    assert journey["unpaid"] == 0
    books_balance(database)


def test_a_lost_card_is_blocked_and_its_balance_moves(
    database: Database, hasher: Hasher, holders: tuple[int, int], bus: ValidatorRef
) -> None:
    lost = register(database, hasher, holders[0])
    top_up(database, holders[0], lost, 30_000)
    with database.transaction() as session:
        new = service.replace(
            session, hasher, holder_id=holders[0], card_id=lost,
            number=CARD_B, now=MORNING + timedelta(hours=1),
        ).id  # fmt: skip
    assert (balance(database, holders[0], lost), balance(database, holders[0], new)) == (0, 30_000)
    outcome = send(
        database,
        hasher,
        bus,
        [TapIn("before", CARD_A, "in", minutes(30)), TapIn("after", CARD_A, "in", minutes(90))],
    )
    assert outcome.charged == 3_500  # the tap before the block, charged to the new card
    assert balance(database, holders[0], new) == 26_500
    with database.reading() as session:
        flags = {r.tap_id: r.flag for r in session.scalars(select(models.CardTap))}
    assert flags == {"before": None, "after": "blocked"}
    with pytest.raises(SigapError) as blocked, database.transaction() as session:
        service.replace(
            session, hasher, holder_id=holders[0], card_id=lost, number="12345678", now=MORNING
        )
    assert blocked.value.code == "card_blocked"
    books_balance(database)


DAY = st.lists(
    st.tuples(st.integers(min_value=0, max_value=16 * 60), st.sampled_from(["in", "out"])),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=DAY, order=st.randoms(use_true_random=False), batch=st.integers(1, 4))
def test_any_order_of_arrival_charges_the_same_total(
    database: Database,
    hasher: Hasher,
    bus: ValidatorRef,
    day: list[tuple[int, str]],
    order: object,
    batch: int,
) -> None:
    with database.transaction() as session:  # each example on a fresh card
        number = f"{len(session.scalars(select(models.Card.id)).all()) + 10_000_000:08d}"
        holder = session.scalars(select(models.Account.id).limit(1)).one()
        card = service.register(
            session, hasher, holder_id=holder, number=number, name="p", now=MORNING
        )
        ids = (card.id, holder)
    top_up(database, ids[1], ids[0], 500_000, key=number)
    taps = [TapIn(f"{number}-{i}", number, kind, minutes(m)) for i, (m, kind) in enumerate(day)]
    at_once = [Tap(t.tap_id, t.at, t.kind, "", "tj:1", "tj") for t in taps]
    expected = sum(leg.amount for leg in TransferPricer()(at_once))  # all known at once
    shuffled = list(taps)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    for start in range(0, len(shuffled), batch):
        send(database, hasher, bus, shuffled[start : start + batch])
    assert 500_000 - balance(database, ids[1], ids[0]) == expected
    books_balance(database)


def test_batches_side_by_side_on_the_same_cards_neither_deadlock_nor_double_charge(
    database: Database, hasher: Hasher, holders: tuple[int, int], bus: ValidatorRef
) -> None:
    numbers = [f"7000000{n}" for n in range(6)]
    cards = [register(database, hasher, holders[0], number) for number in numbers]
    for n, card in enumerate(cards):
        top_up(database, holders[0], card, 200_000, key=f"k{n}")

    def post(worker: int) -> None:
        for round_ in range(30):  # each batch touches every card, in another order
            batch = [
                TapIn(f"w{worker}-{round_}-{n}", number, "in", minutes(round_ * 240 + worker))
                for n, number in enumerate(numbers[worker % 2 :: 1] + numbers[: worker % 2])
            ]
            send(database, hasher, bus, batch)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(post, range(2)))
    # per card: 30 rounds 4 hours apart, two taps a round a minute apart: 3,500 + a free transfer
    assert {balance(database, holders[0], card) for card in cards} == {200_000 - 30 * 3_500}
    books_balance(database)
