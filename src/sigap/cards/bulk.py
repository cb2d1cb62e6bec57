"""The fare card's dialect-specific SQL, in one place: PostgreSQL takes a batch's keys and
values as arrays (one short statement whatever the batch's size, parsed once), SQLite as
parameter lists and ``executemany``, which cost it nothing extra (no round trips)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def among(session: Session, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``: ``= ANY(array)`` on PostgreSQL, a plain IN list on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, list(values), type_=ARRAY(column.type))
        condition: ColumnElement[bool] = column == any_(array)
        return condition
    return column.in_(list(values))  # type: ignore[no-any-return]


def add_to(session: Session, table: Table, column: str, deltas: dict[int, int]) -> None:
    """``column += delta`` for each row id of ``deltas``, in id order (two batches lock shared
    rows in the same order: no deadlock)."""
    ids = sorted(deltas)
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                f"UPDATE {table.name} SET {column} = {column} + d.delta "  # noqa: S608 - ours
                "FROM unnest(CAST(:ids AS bigint[]), CAST(:deltas AS bigint[])) AS d(id, delta) "
                f"WHERE {table.name}.id = d.id"
            ),
            {"ids": ids, "deltas": [deltas[i] for i in ids]},
        )
        return
    session.execute(
        text(f"UPDATE {table.name} SET {column} = {column} + :d WHERE id = :a"),  # noqa: S608
        [{"a": i, "d": deltas[i]} for i in ids],
    )


def update_rows(
    session: Session, table: Table, key: str, rows: Sequence[dict[str, Any]], names: Sequence[str]
) -> None:
    """Set ``names`` of the rows of ``table`` whose ``key`` is each row's (a batch's changed
    rows in one statement on PostgreSQL)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        dialect = session.get_bind().dialect
        columns = [key, *names]
        kinds = [table.c[name].type.compile(dialect=dialect) for name in columns]
        arrays = ", ".join(f"CAST(:{n} AS {k}[])" for n, k in zip(columns, kinds, strict=True))
        sets = ", ".join(f"{n} = d.{n}" for n in names)
        session.execute(
            text(
                f"UPDATE {table.name} SET {sets} FROM unnest({arrays}) "  # noqa: S608 - ours
                f"AS d({', '.join(columns)}) WHERE {table.name}.{key} = d.{key}"
            ),
            {n: [row[n] for row in rows] for n in columns},
        )
        return
    changed: dict[str, Any] = {name: bindparam(f"new_{name}") for name in names}
    statement = table.update().where(table.c[key] == bindparam("old_key")).values(changed)
    session.execute(
        statement,
        [{"old_key": row[key], **{f"new_{n}": row[n] for n in names}} for row in rows],
    )
