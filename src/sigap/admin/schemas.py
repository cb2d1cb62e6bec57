"""Request bodies of the admin JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from sigap.inputs import INT32_MAX, Input, SmallInt

# A target in whole hours: up to ten years, so that a deadline stays in the calendar.
Hours = Annotated[int, Field(ge=1, le=24 * 366 * 10)]
Order = Annotated[int, Field(ge=1, le=INT32_MAX)]


class NewUnit(Input):
    code: str = Field(min_length=1, max_length=60)
    name_id: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    kind: str = Field(description="government, agency, police or utility")
    parent_code: str | None = None
    area_code: str | None = None


class Rename(Input):
    name_id: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class Move(Input):
    parent_code: str | None = Field(description="The new parent unit's code; null: top level")


class Deactivate(Input):
    to_unit: str = Field(description="The unit that takes over the open reports and routes")
    reason: str = Field(min_length=1, max_length=2000)


class NewOfficial(Input):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(description="field_officer, unit_head, supervisor or admin")
    unit_code: str | None = None
    language: str = "id"


class Assign(Input):
    role: str
    unit_code: str | None = None


class CategoryValues(Input):
    name_id: str | None = Field(default=None, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    icon: str | None = Field(default=None, max_length=40)
    response_hours: Hours | None = None
    resolution_hours: Hours | None = None
    photo_required: bool | None = None
    sort_order: SmallInt | None = None
    active: bool | None = None


class NewCategory(CategoryValues):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")


Name = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^;|\r\n]+$")]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Help = Annotated[str, Field(max_length=500)]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class QuestionChoice(Input):
    """One option of a list question (no ``;`` or ``|`` in names: packs write options as
    ``key=Nama|Name;...``)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name_id: Name
    name_en: Name


class NewQuestion(Input):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    datatype: Datatype
    required: bool = False
    order: Order | None = Field(default=None, description="1 is asked first; default: last")
    label_id: Label = Field(description="The question, in Bahasa Indonesia")
    label_en: Label
    description_id: Help = Field(default="", description="How to answer (optional)")
    description_en: Help = ""
    values: list[QuestionChoice] = Field(
        default=[], max_length=50, description="The options of a list question, in order"
    )


class QuestionValues(Input):
    """A change to a question: only what is sent changes. The datatype never changes."""

    model_config = ConfigDict(extra="forbid")
    datatype: Datatype | None = Field(default=None, description="Refused if it differs")
    required: bool | None = None
    order: Order | None = None
    label_id: Label | None = None
    label_en: Label | None = None
    description_id: Help | None = None
    description_en: Help | None = None
    values: list[QuestionChoice] | None = Field(default=None, max_length=50)
    active: bool | None = Field(default=None, description="false retires it; true restores it")


class NewRule(Input):
    category_code: str | None = Field(default=None, description="null: any category")
    area_code: str | None = Field(default=None, description="null: anywhere")
    unit_code: str


class NewChannel(Input):
    name: str = Field(min_length=1, max_length=100)
    reports_per_hour: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Quota; empty: the deployment's default"
    )


class ChannelQuota(Input):
    reports_per_hour: int | None = Field(
        ge=1, le=1_000_000, description="Reports an hour; null: the deployment's default"
    )


class Redaction(Input):
    body: str = Field(min_length=1, max_length=2000, description="The comment's new text")
