"""The reporter's rating rule lives in sigap.workflow.rating; the JSON API (by tracking token),
the citizen pages and the demo all call it (their behaviour: test_officials, the citizen tests)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.regions.state import RegionState
from sigap.workflow import actions, rating

SRC = Path(rating.__file__).parents[1]
OWN = SRC / "workflow" / "rating.py"


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_only_one_to_five_stars(stars: int) -> None:
    nothing = cast(Session, None)  # refused before the report is read
    with pytest.raises(SigapError):
        rating.rate(
            nothing, cast(RegionState, None), 1, stars=stars, comment=None, reason=None,
            options=actions.Options(),
        )  # fmt: skip


@pytest.mark.parametrize("stars", [1, 2])
def test_a_reopening_rating_needs_a_reason(stars: int) -> None:
    nothing = cast(Session, None)
    with pytest.raises(SigapError) as refused:
        rating.rate(
            nothing, cast(RegionState, None), 1, stars=stars, comment="Bagus.", reason=None,
            options=actions.Options(),
        )  # fmt: skip
    assert refused.value.code == "rating_reason_required"


def _rates_as_the_reporter(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    reporter = any(isinstance(a, ast.Attribute) and a.attr == "REPORTER" for a in node.args)
    return node.func.attr in {"accept", "reopen"} and reporter


def test_no_handler_applies_the_rule_itself() -> None:
    found = [
        f"{path.relative_to(SRC)}:{node.lineno}"  # type: ignore[attr-defined]
        for path in sorted(SRC.rglob("*.py"))
        if path != OWN
        for node in ast.walk(ast.parse(path.read_text()))
        if _rates_as_the_reporter(node)
    ]
    assert found == []
