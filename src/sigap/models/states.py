"""A report's states, defined once.

The transition table between them is :mod:`sigap.workflow.machine`; this module imports nothing
of Sigap, so the models, the queries and the adapters can all use it without a cycle.

The collections hold plain ``str`` values, as stored in ``report.status`` and as shown in every
answer: an enum member as a dictionary key would be refused by orjson, and plain strings compare
and hash like the members anyway (``ReportStatus.open == "open"``).
"""

from __future__ import annotations

from enum import StrEnum


class ReportStatus(StrEnum):
    """The value stored in ``report.status`` (and ``report_event.from_status``/``to_status``)."""

    open = "open"
    in_progress = "in_progress"
    resolved = "resolved"
    rejected = "rejected"
    duplicate = "duplicate"
    closed = "closed"


# Every state, in the order of the table and the lists shown to people.
STATUSES: tuple[str, ...] = tuple(status.value for status in ReportStatus)
# Still waiting for the city: Open311's "open", the map's and the inbox's default, the states
# with a deadline, the partial indexes' rows.
OPEN_STATUSES: frozenset[str] = frozenset({ReportStatus.open.value, ReportStatus.in_progress.value})
# The open states in the order the partial indexes' predicates name them, status IN ('open',
# 'in_progress') (migrations 0011 and 0019): SQLite uses such an index only for a query whose
# IN list is written the same way, so the SQL that wants those indexes writes this tuple.
OPEN_IN_INDEX_ORDER: tuple[str, ...] = tuple(s for s in STATUSES if s in OPEN_STATUSES)
