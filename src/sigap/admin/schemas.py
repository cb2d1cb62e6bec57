"""Request bodies of the admin JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


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


Name = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^;|\r\n]+$")]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Help = Annotated[str, Field(max_length=500)]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class QuestionChoice(BaseModel):
    """One option of a list question (no ``;`` or ``|`` in names: packs write options as
    ``key=Nama|Name;...``)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name_id: Name
    name_en: Name


class NewQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    datatype: Datatype
    required: bool = False
    order: int | None = Field(default=None, ge=1, description="1 is asked first; default: last")
    label_id: Label = Field(description="The question, in Bahasa Indonesia")
    label_en: Label
    description_id: Help = Field(default="", description="How to answer (optional)")
    description_en: Help = ""
    values: list[QuestionChoice] = Field(
        default=[], max_length=50, description="The options of a list question, in order"
    )


class QuestionValues(BaseModel):
    """A change to a question: only what is sent changes. The datatype never changes."""

    model_config = ConfigDict(extra="forbid")
    datatype: Datatype | None = Field(default=None, description="Refused if it differs")
    required: bool | None = None
    order: int | None = Field(default=None, ge=1)
    label_id: Label | None = None
    label_en: Label | None = None
    description_id: Help | None = None
    description_en: Help | None = None
    values: list[QuestionChoice] | None = Field(default=None, max_length=50)
    active: bool | None = Field(default=None, description="false retires it; true restores it")


class NewRule(BaseModel):
    category_code: str | None = Field(default=None, description="null: any category")
    area_code: str | None = Field(default=None, description="null: anywhere")
    unit_code: str


class NewChannel(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    reports_per_hour: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Quota; empty: the deployment's default"
    )


class ChannelQuota(BaseModel):
    reports_per_hour: int | None = Field(
        ge=1, le=1_000_000, description="Reports an hour; null: the deployment's default"
    )


class Redaction(BaseModel):
    body: str = Field(min_length=1, max_length=2000, description="The comment's new text")
