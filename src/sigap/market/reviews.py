"""Buyers' reviews (issue #28 item 7): one per completed order, by its buyer, 1-5 stars and a
text; moderated like citizens' comments.

A moderator (an admin, ``/api/v1/admin/market/reviews``) hides or restores a review, audited
in ``admin_event``. The public sees a hidden review as a placeholder: its stars and text null
and ``moderated: true`` (the JSON API's way for reports' hidden parts,
:mod:`sigap.moderation.rules`); a hidden review's stars leave the seller's average. Authors are
never named.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history.audit import record
from sigap.models import MarketOrder, MarketOrderItem, MarketReview

SHOWN = 20  # the newest reviews on a page


def write(
    session: Session, account_id: int, order: MarketOrder, stars: int, body: str, *, now: datetime
) -> MarketReview:
    if order.buyer_id != account_id:
        raise SigapError("market_not_your_order")
    if order.status != "completed":
        raise SigapError("market_review_not_allowed")
    if session.scalar(select(MarketReview.id).where(MarketReview.order_id == order.id)):
        raise SigapError("market_review_exists")
    review = MarketReview(
        order_id=order.id,
        seller_id=order.seller_id,
        account_id=account_id,
        stars=stars,
        body=body,
        hidden=False,
        created_at=now,
    )
    session.add(review)
    session.flush()  # the unique order_id stands behind the check above
    return review


def moderate(session: Session, actor: Subject, review_id: int, *, hide: bool) -> MarketReview:
    review = session.get(MarketReview, review_id, with_for_update=True)
    if review is None:
        raise SigapError("market_review_not_found", review_id=review_id)
    review.hidden, review.hidden_by = hide, (actor.account_id if hide else None)
    action = "hide" if hide else "restore"
    record(
        session,
        actor,
        f"market.review.{action}",
        "market_review",
        review.id,
        after={"hidden": hide},
    )
    session.flush()
    return review


def public(review: MarketReview) -> dict[str, Any]:
    """What anyone sees of a review: a hidden one is a placeholder."""
    shown = not review.hidden
    return {
        "id": review.id,
        "stars": review.stars if shown else None,
        "text": review.body if shown else None,
        "moderated": review.hidden,
        "created_at": review.created_at,
    }


def full(review: MarketReview) -> dict[str, Any]:
    """What the moderator and the review's author see."""
    return {
        "id": review.id,
        "order_id": review.order_id,
        "seller_id": review.seller_id,
        "stars": review.stars,
        "text": review.body,
        "hidden": review.hidden,
        "created_at": review.created_at,
    }


def summary(
    session: Session, *, seller_id: int | None = None, product_id: int | None = None
) -> dict[str, Any]:
    """A seller's or a product's reviews: the average of the visible stars, their count and
    the newest (hidden ones as placeholders)."""
    query = select(MarketReview)
    if seller_id is not None:
        query = query.where(MarketReview.seller_id == seller_id)
    if product_id is not None:
        query = query.where(
            MarketReview.order_id.in_(
                select(MarketOrderItem.order_id).where(MarketOrderItem.product_id == product_id)
            )
        )
    visible = query.where(MarketReview.hidden.is_(False)).subquery()
    count, average = session.execute(select(func.count(), func.avg(visible.c.stars))).one()
    newest = session.scalars(
        query.order_by(MarketReview.created_at.desc(), MarketReview.id.desc()).limit(SHOWN)
    ).all()
    return {
        "count": count,
        "average": None if average is None else round(float(average), 2),
        "items": [public(r) for r in newest],
    }


def recent(session: Session, *, limit: int = 100) -> list[MarketReview]:
    """The newest reviews, hidden ones included (to restore)."""
    return list(session.scalars(select(MarketReview).order_by(MarketReview.id.desc()).limit(limit)))


def of_order(session: Session, order_id: int) -> MarketReview | None:
    return session.scalar(select(MarketReview).where(MarketReview.order_id == order_id))
