"""The order state machine: one table of (state, action) → (new state, who may do it).

States::

    placed ──accept──▶ accepted ──ready──▶ ready ──pick_up──▶ picked_up ──complete──▶ completed
      │                   │                  └────deliver───▶ delivered ──complete──┘
      ├──decline──▶ declined                  (delivery orders only)
      ├──cancel (buyer)──▶ cancelled ◀──cancel (seller)── accepted, ready
      └──expire (system, not accepted in time)──▶ expired

``confirm_payment`` (the seller saw the QRIS payment) and ``refund`` (the seller paid a
cancelled, declined or expired order back) change only the payment's state. Every step that
ends an order before it is handed over (decline, cancel, expire) gives its items' stock back
(:data:`RELEASES`). Every action appends an event and writes an outbox message.
"""

from __future__ import annotations

from dataclasses import dataclass

BUYER = frozenset({"buyer"})
SELLER = frozenset({"seller"})
SYSTEM = frozenset({"system"})
ACTIVE = ("placed", "accepted", "ready", "picked_up", "delivered")
ENDED = ("declined", "cancelled", "expired")


@dataclass(frozen=True, slots=True)
class Rule:
    to: str | None  # None: the state does not change
    actors: frozenset[str]


TRANSITIONS: dict[tuple[str, str], Rule] = {
    ("placed", "accept"): Rule("accepted", SELLER),
    ("placed", "decline"): Rule("declined", SELLER),
    ("placed", "cancel"): Rule("cancelled", BUYER | SELLER),
    ("placed", "expire"): Rule("expired", SYSTEM),
    ("accepted", "ready"): Rule("ready", SELLER),
    ("accepted", "cancel"): Rule("cancelled", SELLER),
    ("ready", "pick_up"): Rule("picked_up", SELLER),
    ("ready", "deliver"): Rule("delivered", SELLER),
    ("ready", "cancel"): Rule("cancelled", SELLER),
    ("picked_up", "complete"): Rule("completed", BUYER | SYSTEM),
    ("delivered", "complete"): Rule("completed", BUYER | SYSTEM),
    **{(state, "confirm_payment"): Rule(None, SELLER) for state in ACTIVE},
    **{(state, "refund"): Rule(None, SELLER) for state in ENDED},
}
ACTIONS = tuple(sorted({action for _, action in TRANSITIONS}))
STATES = ("placed", "accepted", "ready", "picked_up", "delivered", "completed", *ENDED)
RELEASES = frozenset({"decline", "cancel", "expire"})
# The actions a buyer or seller may send (the rest are the system's).
ASKED = tuple(a for a in ACTIONS if a != "expire")


def rule(status: str, action: str, actor: str) -> Rule | None:
    """The rule if ``actor`` may take ``action`` on an order in ``status``, else None."""
    found = TRANSITIONS.get((status, action))
    return found if found is not None and actor in found.actors else None


def allowed(status: str, actor: str) -> list[str]:
    return sorted(a for (s, a), r in TRANSITIONS.items() if s == status and actor in r.actors)
