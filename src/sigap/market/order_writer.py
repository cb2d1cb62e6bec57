"""The order writer: orders placed through the API are written in batches, as submitted
reports are (:mod:`sigap.writer`: a process of its own beside each server process, or
``SIGAP_WRITER_PROCESS=false`` a thread of it).

Each batch is one transaction of :func:`sigap.market.orders.place_all` over every placement
that has arrived, committed once; a placement is answered only after that commit (a 201 is
durable). An order that cannot be placed (out of stock, a product gone, a key reused) is
answered with its own error and writes nothing; the others of its batch are placed all the
same. If the batch's transaction fails, its placements are written one by one
(:func:`sigap.db.commit_batch`), so one bad placement fails alone.

The writer answers each placement as the buyer sees the order (:func:`Answer`), built in the
writer from the rows it inserted: the server sends it on without a database of its own.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from sigap.errors import SigapError
from sigap.market import orders, present
from sigap.market.orders import Placing

# A placement's answer: whether the order is new (False: a retry under its Idempotency-Key)
# and the order as its buyer sees it; or the error that refused it.
Answer = tuple[bool, dict[str, Any]] | SigapError
HANDLER = "sigap.market.order_writer:store_batch"
WIRE = "sigap.market.order_writer:wire"


def store_batch(session: Session, placings: list[Placing]) -> list[Answer]:
    """The writer's handler: ``placings`` in the batch's transaction, one answer each."""
    answers: list[Answer] = []
    for placed in orders.place_all(session, placings):
        if isinstance(placed, SigapError):
            answers.append(placed)
        else:
            answers.append((placed.new, present.shown(placed.order, "buyer", placed.items)))
    return answers


def wire(answer: Answer) -> Answer:
    """What crosses from the writer process: the answer as it is (it is small already)."""
    return answer


def unwire(_placing: Placing, answer: Answer) -> Answer:
    return answer


class OrderWriterT(Protocol):
    async def submit(self, item: Placing) -> Answer: ...
