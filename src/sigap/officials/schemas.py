"""The officials' JSON contract: inbox items, the full report, and one body per action.

The bodies are the actions' only input models: the JSON API takes them as its bodies, the
officials' pages validate their forms into them (:mod:`sigap.officials.actions`). What a form
can only say as text is read here, by the types, the same for both: an empty optional field is
none (``OptionalNote``, an officer cleared), an id may be written as the pages show it
(``#123``), a checkbox's ``on`` is true (pydantic's booleans). Nothing is cut: a note over
4,000 characters is refused."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sigap.inputs import Id, Input, SmallId
from sigap.reports.schemas import Ref, Report, Text

NOTE_MAX = 4000


def _blank_is_none(value: object) -> object:
    """A form cannot send null: an empty (or blank) field is the absent value."""
    return None if isinstance(value, str) and not value.strip() else value


def _typed_id(value: object) -> object:
    """An id as typed into a form: ``#123`` (as the pages show ids) is 123."""
    return value.strip().removeprefix("#") if isinstance(value, str) else value


Note = Annotated[Text, Field(min_length=1, max_length=NOTE_MAX)]
OptionalNote = Annotated[Note | None, BeforeValidator(_blank_is_none)]


class Officer(BaseModel):
    """An official of the unit, as its colleagues see them (never shown publicly)."""

    id: int
    name: str


class Thumbnail(BaseModel):
    url: str
    width: int
    height: int


class InboxItem(BaseModel):
    id: int
    category: Ref
    status: str
    status_colour: str
    kelurahan: Ref
    rw: Ref | None = Field(default=None, description="Where the region has RW boundaries")
    unit: Ref
    summary: str
    created_at: datetime
    due_at: datetime | None = Field(description="The deadline that matters now")
    seconds_left: int | None = Field(description="Negative when overdue")
    overdue: bool
    escalation_level: int
    assignee: Officer | None = Field(description="The field officer the report is assigned to")
    assigned_to_me: bool
    thumbnail: Thumbnail | None = Field(description="The first visible photo, small")


class Inbox(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None
    limit: int


class InboxSort(StrEnum):
    urgency = "urgency"  # overdue first, then the nearest deadline
    recent = "recent"  # last changed first


class Contact(BaseModel):
    name: str | None
    email: str | None
    phone: str | None


class InternalEvent(BaseModel):
    id: int
    action: str
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    internal: bool
    data: dict[str, object]
    created_at: datetime


class OfficialReport(Report):
    allowed_actions: list[str]
    reporter_contact: Contact | None = Field(
        description="Only when the reporter allowed officials to see it"
    )
    events: list[InternalEvent] = Field(description="The whole timeline, internal notes included")
    assignee: Officer | None = Field(description="The field officer the report is assigned to")
    officers: list[Officer] = Field(
        description="Who it may be assigned to (its unit's field officers) when `assign` is allowed"
    )
    escalation_due_at: datetime | None = Field(
        default=None,
        description="While escalated: when the unit it is escalated to must respond by, or it "
        "climbs one more level",
    )
    visibility: str = Field(
        default="public",
        description="public; pending (waits for a moderator: the region has triage on); "
        "withheld (a moderator took it down). Only public reports are shown to the public",
    )
    public_hidden: list[str] = Field(
        default=[],
        description="What the public does not see of it (a moderator hid it, or the report is "
        "confidential); officials see everything",
    )


class Acknowledge(Input):
    model_config = ConfigDict(extra="forbid")
    note: OptionalNote = None


class Resolve(Input):
    """The fields of the resolve form (multipart, beside its after-photos). An empty note is
    left to the use case, which says ``note_required``."""

    model_config = ConfigDict(extra="forbid")
    note: Annotated[Text, Field(max_length=NOTE_MAX)] = ""


class Forward(Input):
    model_config = ConfigDict(extra="forbid")
    unit: Annotated[str, Field(min_length=1, max_length=60, description="Code of the target unit")]
    reason: Note
    out_of_authority: bool = Field(
        default=False,
        description="Not this unit's job: the report then does not count against this unit",
    )


class Reject(Input):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=40)]
    note: OptionalNote = None


class MarkDuplicate(Input):
    model_config = ConfigDict(extra="forbid")
    parent_id: Annotated[Id, BeforeValidator(_typed_id)]
    note: OptionalNote = None


class Reopen(Input):
    model_config = ConfigDict(extra="forbid")
    reason: Note


class Assign(Input):
    model_config = ConfigDict(extra="forbid")
    officer: Annotated[SmallId | None, BeforeValidator(_blank_is_none)] = Field(
        description="Account id of a field officer of the report's unit; null (or empty) clears"
    )
    note: OptionalNote = Field(default=None, description="Internal, for the officer")


class AddNote(Input):
    model_config = ConfigDict(extra="forbid")
    note: Note
    internal: bool = Field(default=True, description="Internal notes are for officials only")


class UnitItem(BaseModel):
    code: str
    name: str
    kind: str
    parent: str | None
