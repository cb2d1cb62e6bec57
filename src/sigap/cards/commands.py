"""The `sigap ledger` command: prove the fare card's books balance."""

from __future__ import annotations

import argparse


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ledger = commands.add_parser("ledger", help="the fare card's double-entry ledger")
    actions = ledger.add_subparsers(title="ledger commands", metavar="LEDGER_COMMAND")
    verify = actions.add_parser(
        "verify",
        help="prove the books balance; exit 1 and name each transaction or account that does not",
        description="Every transaction's entries sum to zero (at least two of them), all "
        "entries sum to zero, and every account's stored balance (a card's balance) equals the "
        "sum of its entries (docs/cards.md, 'The ledger').",
    )
    verify.add_argument("--database-url", default=None)
    verify.set_defaults(run=_verify)


def _verify(args: argparse.Namespace) -> int:
    from sigap.cards import ledger
    from sigap.config import Settings
    from sigap.db import Database
    from sigap.history.verify import snapshot

    database = Database(args.database_url or Settings().database_url)
    try:
        with snapshot(database) as session:  # one state of the books throughout
            verdict = ledger.verify(session)
    finally:
        database.dispose()
    for problem in verdict.problems:
        print(f"UNBALANCED {problem}")
    books = f"{verdict.transactions} transactions, {verdict.entries} entries"
    if verdict.problems:
        print(f"the books do NOT balance ({books}): {len(verdict.problems)} problems")
        return 1
    print(f"the books balance: {books}")
    return 0
