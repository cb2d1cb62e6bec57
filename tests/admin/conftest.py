"""The console changes reference data (units, rules, categories): every test gets a database of
its own, and the workflow tests' helpers (sign-in, submit, clock)."""

from __future__ import annotations

import pytest
from tests.workflow.conftest import clock, login, submit

__all__ = ["clock", "login", "submit"]


@pytest.fixture
def database_url(isolated_database_url: str) -> str:
    return isolated_database_url
