"""Request bodies of the admin JSON API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class NewUnit(BaseModel):
    code: str = Field(min_length=1, max_length=60)
    name_id: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="government, agency, police or utility")
    parent_code: str | None = None
    area_code: str | None = None


class Rename(BaseModel):
    name_id: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class Move(BaseModel):
    parent_code: str | None = Field(description="The new parent unit's code; null: top level")


class Deactivate(BaseModel):
    to_unit: str = Field(description="The unit that takes over the open reports and routes")
    reason: str = Field(min_length=1, max_length=2000)


class NewOfficial(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(description="field_officer, unit_head, supervisor or admin")
    unit_code: str | None = None
    language: str = "id"


class Assign(BaseModel):
    role: str
    unit_code: str | None = None


class CategoryValues(BaseModel):
    name_id: str | None = Field(default=None, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    icon: str | None = Field(default=None, max_length=40)
    response_hours: int | None = Field(default=None, ge=1)
    resolution_hours: int | None = Field(default=None, ge=1)
    photo_required: bool | None = None
    sort_order: int | None = None
    active: bool | None = None


class NewCategory(CategoryValues):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")


class NewRule(BaseModel):
    category_code: str | None = Field(default=None, description="null: any category")
    area_code: str | None = Field(default=None, description="null: anywhere")
    unit_code: str


class NewChannel(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class Redaction(BaseModel):
    body: str = Field(min_length=1, max_length=2000, description="The comment's new text")
