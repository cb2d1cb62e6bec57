"""HTTP of buyers' reviews: the buyer reviews a completed order
(``/api/v1/market/orders/{id}/review``); a moderator hides or restores a review
(``/api/v1/admin/market/reviews``, audited). The rules are :mod:`sigap.market.reviews`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from sigap.auth.deps import CurrentAdmin, CurrentSubject
from sigap.deps import ReadSession, clock, in_transaction
from sigap.inputs import Id
from sigap.market import orders, reviews, schemas

router = APIRouter(prefix="/api/v1/market", tags=["market"])
admin_router = APIRouter(prefix="/api/v1/admin/market", tags=["admin"])


@router.post(
    "/orders/{order_id}/review",
    response_model=schemas.ReviewFull,
    status_code=status.HTTP_201_CREATED,
    summary="Review my completed order (once)",
)
async def review_order(
    order_id: Id, body: schemas.ReviewCreate, subject: CurrentSubject, request: Request
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        order = orders.load(session, order_id, lock=True)
        review = reviews.write(
            session, subject.account_id, order, body.stars, body.text, now=clock(request)
        )
        return reviews.full(review)

    return await in_transaction(request, run)


@admin_router.get(
    "/reviews",
    response_model=list[schemas.ReviewFull],
    summary="The newest reviews, hidden ones included",
)
def recent_reviews(admin: CurrentAdmin, session: ReadSession) -> list[dict[str, Any]]:
    return [reviews.full(r) for r in reviews.recent(session)]


@admin_router.post(
    "/reviews/{review_id}/{action}",
    response_model=schemas.ReviewFull,
    summary="Hide or restore a review",
)
async def moderate_review(
    review_id: Id, action: Literal["hide", "restore"], admin: CurrentAdmin, request: Request
) -> dict[str, Any]:
    def run(session: Session) -> dict[str, Any]:
        return reviews.full(reviews.moderate(session, admin, review_id, hide=action == "hide"))

    return await in_transaction(request, run)
