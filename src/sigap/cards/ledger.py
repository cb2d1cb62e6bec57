"""THE ledger: double-entry, integer rupiah, append-only, idempotent by a key.

Every movement of money is one :class:`Posting`: a transaction of two or more entries whose
signed amounts sum to zero, so every rupiah has a source (a negative entry) and a destination
(a positive one). A card's account holds the card's balance as the sum of its entries (a
top-up: the adapter's clearing account -100,000, the card +100,000; a fare: the card -3,500,
the network's revenue +3,500). ``ledger_account.balance`` stores that sum, updated by the
posting in the same transaction, so a balance is one row read; :func:`verify` proves it equals
the entries (``sigap ledger verify``). Transactions and entries are never changed or deleted
(triggers refuse it): a mistake is corrected by another posting.

Account names: ``card:<card id>``, ``clearing:<adapter>``, ``revenue:<network>``,
``adjustment``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sigap.cards import bulk
from sigap.errors import SigapError
from sigap.kit import utcnow
from sigap.models import LedgerAccount, LedgerEntry, LedgerTxn
from sigap.rows import insert_rows

TXN = cast(Table, LedgerTxn.__table__)
ACCOUNT = cast(Table, LedgerAccount.__table__)
ENTRY = cast(Table, LedgerEntry.__table__)

KINDS = ("card", "clearing", "revenue", "adjustment")
TXN_KINDS = ("topup", "fare", "adjust", "transfer")


class Entry(NamedTuple):
    """An entry of a posting; ``day`` the local day of the rides a revenue entry books."""

    account: int
    amount: int
    day: date | None = None


@dataclass(frozen=True, slots=True)
class Posting:
    """One transaction: ``entries`` are (ledger account id, signed amount in rupiah), or
    :class:`Entry` with the rides' day."""

    key: str
    kind: str
    at: datetime
    entries: tuple[tuple[int, int] | Entry, ...]
    memo: str = ""

    def check(self) -> None:
        """A posting that would unbalance the books is a bug, never a client's error."""
        amounts = [amount for _, amount, *_ in self.entries]
        if len(amounts) < 2 or sum(amounts) != 0:
            raise ValueError(f"unbalanced posting {self.key!r}: {self.entries}")
        if any(type(amount) is not int or amount == 0 for amount in amounts):
            raise ValueError(f"posting {self.key!r}: amounts are non-zero int rupiah")
        if self.kind not in TXN_KINDS or not 0 < len(self.key) <= 120:
            raise ValueError(f"posting {self.key!r}: kind {self.kind!r} or key is wrong")


def account_id(session: Session, name: str, kind: str) -> int:
    """The id of the account ``name``, made on first use (a race to make it: one wins)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger account kind {kind!r}")
    found = session.scalar(select(LedgerAccount.id).where(LedgerAccount.name == name))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = LedgerAccount(name=name, kind=kind, balance=0, created_at=utcnow())
            session.add(row)
        return row.id
    except IntegrityError:
        return session.scalars(select(LedgerAccount.id).where(LedgerAccount.name == name)).one()


def revenue_accounts(session: Session, networks: set[str]) -> dict[str, int]:
    """The revenue account of each network (``revenue:<network>``), in one query when they
    all exist."""
    names = {f"revenue:{network}": network for network in networks}
    if not names:
        return {}
    query = select(LedgerAccount.name, LedgerAccount.id)
    query = query.where(bulk.among(session, LedgerAccount.name, sorted(names)))
    found: dict[str, int] = dict(session.execute(query).all())
    return {
        network: found[name] if name in found else account_id(session, name, "revenue")
        for name, network in names.items()
    }


def post(session: Session, posting: Posting, *, floor: int | None = None) -> tuple[int, bool]:
    """Post once: the id of the transaction of ``posting.key`` and whether it is new. A key
    already posted returns its transaction and changes nothing (a retried top-up)."""
    posting.check()
    existing = session.scalar(select(LedgerTxn.id).where(LedgerTxn.key == posting.key))
    if existing is not None:
        return existing, False
    return post_many(session, [posting], floor=floor)[posting.key], True


def post_many(
    session: Session, postings: Sequence[Posting], *, floor: int | None = None
) -> dict[str, int]:
    """Post new transactions (their keys unused: the caller makes them unique) in three
    statements plus one balance update per account; their ids by key. With ``floor``, a card
    account that would end below it refuses the whole batch (``card_balance_too_low``)."""
    if not postings:
        return {}
    for posting in postings:
        posting.check()
    deltas: dict[int, int] = defaultdict(int)
    for posting in postings:
        for account, amount, *_ in posting.entries:
            deltas[account] += amount
    session.flush()
    _apply(session, deltas, floor)  # first: a refusal leaves nothing written
    connection = session.connection()
    txns = [{"key": p.key, "kind": p.kind, "at": p.at, "memo": p.memo} for p in postings]
    returned = insert_rows(connection, TXN, txns, returning=("id", "key"))
    ids = {key: txn_id for txn_id, key in returned}
    entries = [  # an entry is (account, amount) or an Entry, whose third field is the day
        {
            "txn_id": ids[p.key],
            "account_id": account,
            "amount": amount,
            "day": day[0] if day else None,
        }
        for p in postings
        for account, amount, *day in p.entries
    ]
    insert_rows(connection, ENTRY, entries)
    return ids


def _apply(session: Session, deltas: dict[int, int], floor: int | None) -> None:
    """Each account's stored balance moved by its delta, in account order (two transactions
    lock the same rows in the same order: no deadlock). A card going below ``floor``: 409."""
    if floor is None:
        bulk.add_to(session, ACCOUNT, "balance", {a: d for a, d in deltas.items() if d})
        return
    guarded = text(
        "UPDATE ledger_account SET balance = balance + :d WHERE id = :a "
        "AND (:d >= 0 OR kind <> 'card' OR balance + :d >= :floor)"
    )
    for account, delta in sorted(deltas.items()):
        values = {"a": account, "d": delta, "floor": floor}
        if delta and session.execute(guarded, values).rowcount != 1:  # type: ignore[attr-defined]
            raise SigapError("card_balance_too_low", floor=f"{floor:,}")


def balance(session: Session, account: int) -> int:
    return session.scalars(select(LedgerAccount.balance).where(LedgerAccount.id == account)).one()


@dataclass
class Verdict:
    transactions: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)


def verify(session: Session) -> Verdict:
    """Whether the books balance: every transaction's entries sum to zero (and it has at
    least two), all entries sum to zero, and every account's stored balance is the sum of its
    entries. Each broken rule is a line of ``problems`` naming what breaks it."""
    verdict = Verdict(
        transactions=session.scalar(select(func.count()).select_from(LedgerTxn)) or 0,
        entries=session.scalar(select(func.count()).select_from(LedgerEntry)) or 0,
    )
    sums = (
        select(
            LedgerTxn.key,
            func.count(LedgerEntry.id),
            func.coalesce(func.sum(LedgerEntry.amount), 0),
        )
        .outerjoin(LedgerEntry, LedgerEntry.txn_id == LedgerTxn.id)
        .group_by(LedgerTxn.id, LedgerTxn.key)
        .having(
            (func.coalesce(func.sum(LedgerEntry.amount), 0) != 0) | (func.count(LedgerEntry.id) < 2)
        )
        .order_by(LedgerTxn.id)
    )
    for key, count, summed in session.execute(sums):
        verdict.problems.append(f"transaction {key}: {count} entries summing to {summed}")
    total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)))
    if total:
        verdict.problems.append(f"all entries sum to {total}, not 0")
    entries = func.coalesce(func.sum(LedgerEntry.amount), 0)
    stored = (
        select(LedgerAccount.name, LedgerAccount.balance, entries)
        .outerjoin(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .group_by(LedgerAccount.id, LedgerAccount.name, LedgerAccount.balance)
        .having(LedgerAccount.balance != entries)
        .order_by(LedgerAccount.id)
    )
    for name, stored_balance, summed in session.execute(stored):
        verdict.problems.append(
            f"account {name}: stored balance {stored_balance} but its entries sum to {summed}"
        )
    return verdict
