"""The JSON contract of signing in and of API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sigap.inputs import Input


class Login(Input):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=200)]
    label: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="A name for this token (e.g. the device), shown in the list"
    )


class Me(BaseModel):
    id: int
    name: str
    email: str
    role: str
    unit: str | None = Field(description="Code of the official's unit")
    language: str


class TokenIssued(BaseModel):
    token: str = Field(description="Secret: send as 'Authorization: Bearer <token>'. Shown once.")
    token_id: str
    expires_at: datetime
    account: Me


class TokenInfo(BaseModel):
    token_id: str
    kind: str
    label: str | None
    created_at: datetime
    expires_at: datetime
