"""Accounts: argon2 password hashes, officials tied to a unit."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from sigap.accounts.service import create, password_matches
from sigap.db import Database


def test_password_is_hashed_with_argon2_and_checked(database: Database) -> None:
    with database.transaction() as session:
        account = create(
            session,
            email="Lurah@Example.id",
            name="Lurah",
            password="rahasia-sekali",
            role="unit_head",
            unit_code="kel-31.71.01.1001",
        )
        assert account.email == "lurah@example.id"
        assert account.password_hash.startswith("$argon2id$")
        assert "rahasia" not in account.password_hash
        assert password_matches(account, "rahasia-sekali")
        assert not password_matches(account, "salah")


def test_an_official_needs_a_unit(database: Database) -> None:
    with pytest.raises(IntegrityError), database.transaction() as session:
        create(session, email="x@example.id", name="X", password="p", role="field_officer")
    with pytest.raises(LookupError), database.transaction() as session:
        create(session, email="y@example.id", name="Y", password="p", role="admin",
               unit_code="no-such-unit")  # fmt: skip
