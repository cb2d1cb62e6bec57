"""Request bodies and answers of the admin JSON API (the answers: the ``*_dict`` helpers of
:mod:`sigap.admin.service` and :mod:`sigap.admin.people`, declared key for key)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from sigap.inputs import INT32_MAX, Input, SmallInt
from sigap.kit import Answer, IsoTime

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
Datatype = Literal[
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
    "transit_route",
    "transit_stop",
]


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


class Unit(Answer):
    id: int
    code: str
    name_id: str
    name_en: str
    kind: str = Field(description="government, agency, police or utility")
    parent_id: int | None = Field(description="The parent unit's id; null: top level")
    area_code: str | None
    active: bool


class UnitDeactivated(Answer):
    unit_id: int
    reports_forwarded: int = Field(description="Open reports moved to ``to_unit``")
    to_unit: str


class Official(Answer):
    id: int
    email: str
    name: str
    role: str = Field(description="field_officer, unit_head, supervisor or admin")
    unit_id: int | None
    language: str
    active: bool


class OfficialWithPassword(Official):
    one_time_password: str = Field(description="Shown only in this answer")


class Category(Answer):
    code: str
    name_id: str
    name_en: str
    icon: str
    response_hours: int
    resolution_hours: int
    photo_required: bool
    sort_order: int
    active: bool


class Choice(Answer):
    key: str
    name_id: str
    name_en: str


class Question(Answer):
    category_code: str
    code: str
    datatype: Datatype
    required: bool
    order: int
    label_id: str
    label_en: str
    description_id: str
    description_en: str
    values: list[Choice] = Field(description="The options of a list question, in order")
    active: bool = Field(description="false: retired (no longer asked)")


class Rule(Answer):
    id: int
    category_code: str | None = Field(description="null: any category")
    area_code: str | None = Field(description="null: anywhere")
    unit_id: int
    unit_code: str | None = Field(description="null: a unit this process does not know yet")


class RouteTest(Answer):
    category: str
    lat: float
    lon: float
    kelurahan_code: str
    kelurahan_name: str
    kecamatan_code: str
    unit_code: str
    unit_name_id: str
    unit_name_en: str


class Channel(Answer):
    id: int
    slug: str
    name: str
    key_prefix: str = Field(description="The key's first characters, to tell keys apart")
    created_at: IsoTime
    revoked_at: IsoTime | None
    reports_per_hour: int | None = Field(description="null: the deployment's default")


class ChannelCreated(Channel):
    api_key: str = Field(description="Shown only in this answer")


class Photo(Answer):
    id: int
    report_id: int
    kind: str = Field(description="before or after")
    hidden: bool
    thumb_url: str
    created_at: IsoTime


class PhotoModerated(Answer):
    id: int
    hidden: bool


class Comment(Answer):
    id: int
    report_id: int
    body: str
    hidden: bool
    created_at: IsoTime


class TransitCsvDirection(Answer):
    headsign: str
    stops: list[str] = Field(description="the stops' names in order")
    minutes: list[float] = Field(description="minutes from the first stop, stop by stop")
    first: str = Field(description="first departure from the first stop, HH:MM")
    last: str = Field(description="last departure from the first stop, HH:MM")
    headway_min: int
    days: str = Field(description="mon,tue,... the days it runs")
    start: str
    end: str
    both_ways: bool = Field(description="also runs back the same way, same hours")


class TransitCsvRoute(Answer):
    id: str
    short_name: str
    long_name: str
    agency: str
    directions: list[TransitCsvDirection]


class TransitCsv(Answer):
    """A CSV of simple routes read into a feed: its preview, and whether it was imported."""

    name: str
    routes: list[TransitCsvRoute]
    stops: int
    trips: int
    warnings: list[str]
    imported: bool
    network_version: int | None = Field(description="the network's version after the import")
