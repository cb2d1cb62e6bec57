"""The workflow tests' helpers (sign-in, submit, clock) for the history tests."""

from __future__ import annotations

from tests.workflow.conftest import clock, db, login, submit

__all__ = ["clock", "db", "login", "submit"]
