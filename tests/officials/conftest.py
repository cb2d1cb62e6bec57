"""The officials' pages use the workflow tests' fixtures (sign-in, submit, clock)."""

from tests.workflow.conftest import clock, db, login, submit

__all__ = ["clock", "db", "login", "submit"]
