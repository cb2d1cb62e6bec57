"""The report state machine: one table of (state, action) → (new state, who may do it).

States::

    open ──acknowledge──▶ in_progress ──resolve──▶ resolved ──accept / close──▶ closed
     │ ▲                      │                      │  ▲                        │
     │ └──────forward─────────┘                      │  └──── resolve ─────┐     │
     ├──reject──▶ rejected ──appeal (once)──▶ open   └──reopen──▶ in_progress ◀──┘ (supervisor)
     └──mark_duplicate──▶ duplicate

``forward`` sends a report to another unit and back to ``open`` there, from ``open`` or
``in_progress``; ``note``, ``assign`` (to one field officer of the unit) and ``escalate`` record
something without changing the state. Every
transition appends an event; the timeline replayed from the first event gives the current state
(:func:`replay`). The use cases that carry these out: see :mod:`sigap.workflow.actions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sigap.errors import SigapError
from sigap.models.states import STATUSES, ReportStatus
from sigap.models.states import ReportStatus as S

# Who can act. Officials act only on reports their scope covers (sigap.workflow.visibility).
FIELD = frozenset({"field_officer", "unit_head", "supervisor", "admin"})
HEADS = frozenset({"unit_head", "supervisor", "admin"})
SUPERVISORS = frozenset({"supervisor", "admin"})
REPORTER = frozenset({"reporter"})
SYSTEM = frozenset({"system"})
# Who a report can be assigned to: a field officer of the report's unit (workflow.assign.assign).
ASSIGNABLE = frozenset({"field_officer"})

# Reasons a report can be rejected with (a fixed list, shown to the reporter in their language).
REJECTION_REASONS = (
    "not_city_problem",
    "insufficient_information",
    "spam",
    "abusive",
    "not_found_on_site",
    "private_property",
)


@dataclass(frozen=True, slots=True)
class Rule:
    to: ReportStatus | None  # None: the state does not change
    actors: frozenset[str]


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.open, "acknowledge"): Rule(S.in_progress, FIELD),
    (S.open, "forward"): Rule(S.open, HEADS),
    (S.in_progress, "forward"): Rule(S.open, HEADS),
    (S.open, "resolve"): Rule(S.resolved, FIELD),
    (S.in_progress, "resolve"): Rule(S.resolved, FIELD),
    (S.open, "reject"): Rule(S.rejected, HEADS),
    (S.in_progress, "reject"): Rule(S.rejected, HEADS),
    (S.open, "mark_duplicate"): Rule(S.duplicate, FIELD),
    (S.in_progress, "mark_duplicate"): Rule(S.duplicate, FIELD),
    (S.resolved, "accept"): Rule(S.closed, REPORTER),
    (S.resolved, "close"): Rule(S.closed, SYSTEM),
    (S.resolved, "reopen"): Rule(S.in_progress, REPORTER | SUPERVISORS),
    (S.closed, "reopen"): Rule(S.in_progress, SUPERVISORS),
    (S.rejected, "appeal"): Rule(S.open, REPORTER),
    (S.open, "assign"): Rule(None, HEADS),
    (S.in_progress, "assign"): Rule(None, HEADS),
    (S.open, "escalate"): Rule(None, SYSTEM),
    (S.in_progress, "escalate"): Rule(None, SYSTEM),
    **{(state, "note"): Rule(None, FIELD) for state in STATUSES},
}
ACTIONS = tuple(sorted({action for _, action in TRANSITIONS}))


def allowed(status: str, actor: str) -> list[str]:
    """The actions ``actor`` (a role, "reporter" or "system") may take on a report in ``status``."""
    return sorted(
        action
        for (state, action), rule in TRANSITIONS.items()
        if state == status and actor in rule.actors
    )


def target(status: str, action: str, actor: str) -> str:
    """The state after ``action``, or a 409 ``illegal_transition`` naming what is allowed."""
    rule = TRANSITIONS.get((status, action))
    if rule is None or actor not in rule.actors:
        raise SigapError(
            "illegal_transition",
            action=action,
            state=status,
            details=[{"allowed_actions": allowed(status, actor)}],
        )
    # A plain str, as read back from the database: the member never leaks into stored rows,
    # payloads or dictionary keys.
    return status if rule.to is None else rule.to.value


def replay(events: Iterable[Mapping[str, object]]) -> str | None:
    """The state a timeline leads to, checking that each event starts where the last ended."""
    state: str | None = None
    for event in events:
        if event["from_status"] != state:
            raise ValueError(
                f"event {event.get('id')} starts at {event['from_status']}, not {state}"
            )
        state = str(event["to_status"])
    return state
