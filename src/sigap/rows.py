"""Rows inserted with one statement sent straight to the driver (the hot write path of report
submission, :func:`sigap.reports.service.store_batch`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import JSON, Connection, Date, Table

from sigap.models.base import UTCDateTime


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: tuple[str, ...] = (),
    skip_conflicts: bool = False,
    ordered: bool = False,
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` with one statement sent straight to the driver.

    The hot write path (report submission) spent most of its time in SQLAlchemy's per-value
    type processing; this helper converts only the columns that need it (aware datetimes, JSON)
    and lets the driver do the rest. SQLite gets a multi-row VALUES list; PostgreSQL gets one
    array per column through ``unnest``, so the statement text is the same for any number of
    rows and the driver parses and prepares it once. Every row must have the same keys.
    ``skip_conflicts``: a row that would break a unique constraint is neither inserted nor
    returned (``ON CONFLICT DO NOTHING``; on PostgreSQL it waits for a transaction inserting
    the same key to end). ``ordered``: the rows go in in the order given, so an autoincrement
    key numbers them in that order (the returned keys, sorted, pair with the rows): SQLite's
    VALUES list is inserted in order, PostgreSQL's ``unnest`` is sorted by its ordinality.
    """
    if not rows:
        return []
    names = tuple(rows[0])
    returned = f" RETURNING {', '.join(returning)}" if returning else ""
    if skip_conflicts:
        returned = " ON CONFLICT DO NOTHING" + returned
    if connection.dialect.name == "sqlite":
        convert = _converters(table, names, sqlite=True)
        group = "(" + ", ".join(["?"] * len(names)) + ")"
        values = ", ".join([group] * len(rows))
        sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES {values}{returned}"  # noqa: S608
        params: tuple[Any, ...] = tuple(
            value if fn is None else fn(value)
            for row in rows
            for fn, value in zip(convert, (row[name] for name in names), strict=True)
        )
    else:
        convert = _converters(table, names, sqlite=False)
        kinds = _pg_types(table, names, connection.dialect)
        arrays = ", ".join(f"%b::{kind}[]" for kind in kinds)
        listed = ", ".join(names)
        source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - our own schema
        if ordered:
            source = (
                f"SELECT {listed} FROM unnest({arrays}) WITH ORDINALITY "  # noqa: S608
                f"AS u({listed}, ordinality) ORDER BY ordinality"
            )
        sql = f"INSERT INTO {table.name} ({listed}) {source}{returned}"
        params = tuple(
            [row[name] if fn is None else fn(row[name]) for row in rows]
            for fn, name in zip(convert, names, strict=True)
        )
        # Binary parameters (%b): psycopg's text format escapes every array element with a regex.
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()] if returning else []
    result = connection.exec_driver_sql(sql, params)
    return [tuple(row) for row in result] if returning else []


@cache
def _pg_types(table: Table, names: tuple[str, ...], dialect: Any) -> tuple[str, ...]:
    """PostgreSQL's names for the columns' types, for the ``unnest`` array casts."""
    return tuple(table.c[name].type.compile(dialect=dialect) for name in names)


@cache
def _converters(
    table: Table, names: tuple[str, ...], *, sqlite: bool
) -> tuple[Callable[[Any], Any] | None, ...]:
    def for_column(name: str) -> Callable[[Any], Any] | None:
        kind = table.c[name].type
        if isinstance(kind, JSON):
            return _json
        if isinstance(kind, UTCDateTime) and sqlite:
            return _sqlite_datetime
        if isinstance(kind, Date) and sqlite:
            return _sqlite_date
        return None

    return tuple(for_column(name) for name in names)


def _sqlite_date(value: date | None) -> str | None:
    """The text SQLAlchemy's SQLite Date reads back (sqlite3's own date adapter is deprecated)."""
    return None if value is None else value.isoformat()


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


@lru_cache(maxsize=4096)  # a report's times repeat: created = updated = its event's time
def _sqlite_datetime(value: datetime | None) -> str | None:
    """The text SQLAlchemy's SQLite DateTime reads back: naive UTC, always with microseconds."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    text = str(value)[:-6]  # drop "+00:00"
    return text if value.microsecond else text + ".000000"
