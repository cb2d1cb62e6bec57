"""API contract of the admin outbox and webhook endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from sigap.inputs import Input

Topic = Literal[
    "*",
    "report.created",
    "report.status_changed",
    "report.forwarded",
    "report.escalated",
    "report.rated",
    "report.sla_warning",
    "report.moderated",
    "report.published",
    "market.order",
]


class OutboxMessage(BaseModel):
    id: int
    message_id: str
    topic: str
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    available_at: datetime


class OutboxPage(BaseModel):
    items: list[OutboxMessage]
    counts: dict[str, int] = Field(description="messages per state")
    next_before: int | None = Field(description="pass as before= for the next (older) page")


class OutboxRetried(BaseModel):
    id: int
    state: Literal["pending"] = Field(description="Due now, with a fresh round of attempts")


class WebhookCreate(Input):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    events: list[Topic] = Field(min_length=1, description="topics, or ['*'] for all")
    secret: str | None = Field(
        default=None, min_length=16, max_length=200, description="generated when absent"
    )


class Webhook(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(Webhook):
    secret: str = Field(description="the signing secret, shown only now")
