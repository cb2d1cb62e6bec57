"""The workflow tests' helpers (sign-in, submit, clock) for the history tests, each on a
database of its own: admin events are append-only, so what these tests write would stay in
the shared PostgreSQL test database (and in the copies other tests make of it)."""

from __future__ import annotations

import pytest
from tests.workflow.conftest import clock, db, login, submit

__all__ = ["clock", "db", "login", "submit"]


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url
