"""The report states are defined once (sigap.models.states): everything else names them from
there, and what is stored or shown stays the plain strings."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES, STATUSES, ReportStatus
from sigap.notify.fanout import STATUS_LABELS
from sigap.reports.schemas import STATUS_COLOURS
from sigap.web.pages import STATUS_CLASSES
from sigap.workflow import machine

SRC = Path(machine.__file__).parents[1]
MIGRATIONS = SRC / "migrations" / "versions"
# Open311's own two statuses share two names with ours; a literal of only those is Open311's.
OPEN311_WORDS = {"open", "closed"}


def test_the_collections_hold_plain_strings_in_the_table_order() -> None:
    assert STATUSES == ("open", "in_progress", "resolved", "rejected", "duplicate", "closed")
    assert {"open", "in_progress"} == OPEN_STATUSES
    assert all(type(s) is str for s in (*STATUSES, *OPEN_STATUSES, *OPEN_IN_INDEX_ORDER))
    assert set(STATUSES) >= OPEN_STATUSES


def test_the_open_states_are_written_as_the_partial_indexes_name_them() -> None:
    """SQLite uses a partial index only when the query repeats its IN list as written."""
    lists = [
        [word.strip(" '") for word in found.split(",")]
        for path in MIGRATIONS.glob("*.py")
        for found in re.findall(r"status IN \(([^)]*)\)", path.read_text())
    ]
    of_open = [words for words in lists if set(words) == OPEN_STATUSES]
    assert of_open
    assert all(tuple(words) == OPEN_IN_INDEX_ORDER for words in of_open)


@pytest.mark.parametrize("table", [STATUS_LABELS, STATUS_COLOURS, STATUS_CLASSES])
def test_every_per_state_table_names_every_state(table: dict[str, object]) -> None:
    assert sorted(table) == sorted(STATUSES)


def test_a_transition_stores_a_plain_string() -> None:
    """An enum member would reach rows, payloads and dictionary keys (orjson refuses those)."""
    to = machine.target(ReportStatus.open, "acknowledge", "field_officer")
    assert to == "in_progress"
    assert type(to) is str


def _status_literals(path: Path) -> list[tuple[int, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = [
                e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in STATUSES
            ]
            if len(words) >= 2 and not set(words) <= OPEN311_WORDS:
                found.append((node.lineno, words))
    return found


def test_no_module_lists_the_states_itself() -> None:
    """A second list of states drifts from the first: name them from sigap.models.states."""
    own = Path(SRC / "models" / "states.py")
    found = {
        str(path.relative_to(SRC)): literals
        for path in SRC.rglob("*.py")
        if path != own and MIGRATIONS not in path.parents
        if (literals := _status_literals(path))
    }
    assert found == {}
