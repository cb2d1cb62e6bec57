"""The ledger: balanced postings, idempotent keys, the floor, append-only rows, and
`sigap ledger verify` that finds what breaks the books."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sigap import models
from sigap.cards import audit, ledger
from sigap.cards.ledger import Entry, Posting
from sigap.cli import main
from sigap.db import Database
from sigap.errors import SigapError

AT = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
KEYS = count()


def accounts(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        return {
            name: ledger.account_id(session, name, name.split(":")[0])
            for name in ("card:a", "card:b", "clearing:demo", "revenue:tj", "adjustment")
        }


def test_a_posting_moves_money_and_a_retry_changes_nothing(database: Database) -> None:
    ids = accounts(database)
    topup = Posting(
        "topup:1", "topup", AT, ((ids["clearing:demo"], -50_000), (ids["card:a"], 50_000))
    )
    with database.transaction() as session:
        first, new = ledger.post(session, topup)
        again, new_again = ledger.post(session, topup)
    assert (new, new_again, first == again) == (True, False, True)
    with database.reading() as session:
        assert ledger.balance(session, ids["card:a"]) == 50_000
        assert ledger.balance(session, ids["clearing:demo"]) == -50_000
        assert ledger.verify(session).problems == []


@pytest.mark.parametrize(
    "entries",
    [((1, 100),), ((1, 100), (2, -99)), ((1, 0), (2, 0)), ((1, 1.5), (2, -1.5))],
)
def test_an_unbalanced_posting_is_a_bug_and_posts_nothing(
    database: Database, entries: tuple[tuple[int, int], ...]
) -> None:
    with pytest.raises(ValueError, match="posting"), database.transaction() as session:
        ledger.post(session, Posting("bad", "fare", AT, entries))
    with database.reading() as session:
        assert ledger.verify(session).transactions == 0


def test_a_card_never_goes_below_the_floor(database: Database) -> None:
    ids = accounts(database)
    fare = Posting("fare:1", "fare", AT, ((ids["card:a"], -3_500), (ids["revenue:tj"], 3_500)))
    with pytest.raises(SigapError) as refused, database.transaction() as session:
        ledger.post(session, fare, floor=0)
    assert refused.value.code == "card_balance_too_low"
    with database.transaction() as session:  # a floor of -5,000 lets one ride on credit
        ledger.post(session, fare, floor=-5_000)
    with database.reading() as session:
        assert ledger.balance(session, ids["card:a"]) == -3_500


def test_revenue_counts_on_its_rides_day_and_undated_entries_on_their_posting_day(
    database: Database,
) -> None:
    """A revenue entry's ``day`` is its rides' day; one without (posted before migration 0031)
    counts on the local day the ledger posted it."""
    ids = accounts(database)
    wib = ZoneInfo("Asia/Jakarta")
    tuesday = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # 00:30 WIB on Tuesday the 8th
    monday, dated = date(2026, 12, 7), Entry(ids["revenue:tj"], 3_500, date(2026, 12, 7))
    postings = [
        Posting("fare:late", "fare", tuesday, (Entry(ids["card:a"], -3_500), dated)),
        Posting("fare:old", "fare", tuesday, ((ids["card:b"], -2_000), (ids["revenue:tj"], 2_000))),
    ]
    with database.transaction() as session:
        ledger.post_many(session, postings)
    with database.reading() as session:
        by_ride = audit.revenue(session, monday, monday + timedelta(days=1), wib)
        by_posting = audit.revenue(session, monday, monday + timedelta(days=1), wib, by="posting")
        assert ledger.verify(session).problems == []
    assert [(row["day"], row["fares"]) for row in by_ride] == [
        (monday, 3_500),
        (monday + timedelta(days=1), 2_000),
    ]
    assert [(row["day"], row["fares"]) for row in by_posting] == [
        (monday + timedelta(days=1), 5_500)
    ]


def test_transactions_and_entries_are_append_only(database: Database) -> None:
    ids = accounts(database)
    with database.transaction() as session:
        ledger.post(
            session, Posting("t", "topup", AT, ((ids["clearing:demo"], -1), (ids["card:a"], 1)))
        )
    for statement in (
        "UPDATE ledger_entry SET amount = 2",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_txn SET kind = 'fare'",
        "DELETE FROM ledger_txn",
    ):
        with pytest.raises(DBAPIError, match="append-only"), database.transaction() as session:
            session.execute(text(statement))


def test_verify_names_what_breaks_the_books(database: Database, database_url: str) -> None:
    ids = accounts(database)
    with database.transaction() as session:
        ledger.post(
            session, Posting("ok", "topup", AT, ((ids["clearing:demo"], -9), (ids["card:a"], 9)))
        )
    assert main(["ledger", "verify", "--database-url", database_url]) == 0
    with database.transaction() as session:
        session.execute(text("UPDATE ledger_account SET balance = 10 WHERE name = 'card:a'"))
        forged = models.LedgerTxn(key="forged", kind="fare", at=AT, memo="")
        session.add(forged)
        session.flush()
        session.add(models.LedgerEntry(txn_id=forged.id, account_id=ids["revenue:tj"], amount=5))
    with database.reading() as session:
        problems = ledger.verify(session).problems
    assert any(p.startswith("transaction forged: 1 entries summing to 5") for p in problems)
    assert "all entries sum to 5, not 0" in problems
    assert any("account card:a: stored balance 10 but its entries sum to 9" in p for p in problems)
    assert any(p.startswith("account revenue:tj") for p in problems)
    assert main(["ledger", "verify", "--database-url", database_url]) == 1


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["topup", "fare", "refund", "transfer", "retry"]),
        st.sampled_from(["card:a", "card:b"]),
        st.integers(min_value=1, max_value=20_000),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations=OPERATIONS)
def test_any_sequence_of_operations_keeps_the_ledger_balanced(
    database: Database, operations: list[tuple[str, str, int]]
) -> None:
    ids = accounts(database)
    floor = -2_000
    with database.reading() as session:
        expected = {name: ledger.balance(session, i) for name, i in ids.items()}
    last: Posting | None = None
    for operation, card, amount in operations:
        other = "card:b" if card == "card:a" else "card:a"
        source, target = {
            "topup": ("clearing:demo", card),
            "fare": (card, "revenue:tj"),
            "refund": ("revenue:tj", card),
            "transfer": (card, other),
            "retry": ("clearing:demo", card),
        }[operation]
        posting = Posting(
            f"p{next(KEYS)}", "topup", AT, ((ids[source], -amount), (ids[target], amount))
        )
        if operation == "retry" and last is not None:
            posting = last
        try:
            with database.transaction() as session:
                _, new = ledger.post(session, posting, floor=floor)
        except SigapError as refused:
            assert (refused.code, expected[source] - amount < floor) == (  # noqa: PT017
                "card_balance_too_low",
                True,
            )
            continue
        if new:
            src, dst = posting.entries
            names = {i: n for n, i in ids.items()}
            expected[names[src[0]]] += src[1]
            expected[names[dst[0]]] += dst[1]
        last = posting
    with database.reading() as session:
        assert ledger.verify(session).problems == []
        assert {name: ledger.balance(session, i) for name, i in ids.items()} == expected
    assert all(expected[card] >= floor for card in ("card:a", "card:b"))
