"""The JSON API contract for reports. Never the ORM classes; never the reporter's identity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StringConstraints

from sigap.inputs import Input
from sigap.models.states import ReportStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
AnswerItem = Annotated[str, StringConstraints(max_length=4000)] | StrictInt | StrictFloat
# One answer: text, a number, a list (the keys of a multivaluelist), or null for none.
AnswerIn = AnswerItem | Annotated[list[AnswerItem], Field(max_length=50)]
QuestionCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
STATUS_COLOURS: dict[str, str] = {
    ReportStatus.open: "red",
    ReportStatus.in_progress: "yellow",
    ReportStatus.resolved: "green",
    ReportStatus.closed: "grey",
    ReportStatus.rejected: "grey",
    ReportStatus.duplicate: "grey",
}


class ReporterIn(Input):
    """Optional contact details. Stored privately; never in a public response."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(max_length=200)] | None = None
    email: Annotated[Text, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = (
        None
    )
    phone: Annotated[Text, Field(max_length=40, pattern=r"^\+?[0-9 ()-]{6,40}$")] | None = None
    device_id: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="The reporting app's device id (Open311 device_id)"
    )
    account_id: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None, description="The reporter's account in the submitting app (Open311)"
    )
    contact_visible: bool = Field(
        default=False, description="Let the responsible officials see these contact details"
    )


class ReportCreate(Input):
    model_config = ConfigDict(extra="forbid")

    category: Annotated[Text, Field(min_length=1, max_length=40, examples=["banjir"])]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, examples=[-6.1754])]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, examples=[106.8272])]
    description: Annotated[Text, Field(min_length=3, max_length=4000)]
    address: Annotated[Text, Field(max_length=300)] | None = None
    reporter: ReporterIn | None = None
    attributes: Annotated[dict[QuestionCode, AnswerIn | None], Field(max_length=50)] | None = Field(
        default=None,
        description="Answers to the category's questions (GET /api/v1/categories): question "
        "code -> a number, text, an ISO 8601 datetime, an option key, or a list of keys for a "
        "multivaluelist",
        examples=[{"ketinggian_air": 40, "sejak": "2026-11-27T06:00"}],
    )
    confidential: bool = Field(
        default=False,
        description="Confidential (rahasia: extortion, complaints about officials): the "
        "officials see everything, the public only the category, area and status; it cannot "
        "be supported, followed or commented on publicly. The reporter's tracking page shows "
        "it whole.",
    )


class Ref(BaseModel):
    code: str
    name: str


class Routing(BaseModel):
    method: str = Field(description="inside, overlap (tie-broken) or nearest (in a boundary gap)")
    distance_m: float
    boundary_version: int


class Photo(BaseModel):
    id: int
    kind: str = Field(description="before (sent with the report) or after (of its resolution)")
    url: str = Field(description="Display size (longest side at most 1600 px), no metadata")
    thumb_url: str = Field(description="Thumbnail (longest side at most 320 px)")
    width: int
    height: int
    proof: str | None = Field(
        default=None,
        description="An after-photo's proof-of-fix verdict: verified (taken after the report "
        "and near it, not a copy of any photo) or unverified (see proof_notes); null for "
        "before-photos",
    )
    proof_notes: list[str] = Field(
        default=[],
        description="Checks that could not be made: no_time (no capture time in the photo), "
        "no_gps (no position), time_in_future (the camera's clock is wrong)",
    )


class Proof(BaseModel):
    """The proof of a resolution: its after-photos' verdicts taken together."""

    verdict: str = Field(description="verified when every after-photo is, else unverified")
    notes: list[str] = Field(default=[], description="Checks that could not be made")


class Event(BaseModel):
    action: str
    from_status: str | None
    to_status: str
    actor: str = Field(description="citizen, system, or the acting unit's name; never a person")
    note: str | None
    note_hidden: bool = Field(
        default=False,
        description="The note is not public (a moderator hid the report's notes, or the report "
        "is confidential)",
    )
    created_at: datetime
    photos: list[Photo] = Field(default=[], description="Photos taken with this step")


class TransitRef(BaseModel):
    id: str = Field(description="The GTFS id, namespaced by its feed (mrt:MRTJ_NS, mrt:SBHI)")
    name: str = Field(description="As people know it (the id where the network lacks it)")


class Answer(BaseModel):
    code: str
    question: str = Field(description="The question, in the language asked for")
    datatype: str
    value: str | int | float | list[str] = Field(
        description="As stored: a number, ISO 8601 text, text, an option key or a list of keys"
    )
    text: str = Field(description="For people: option names in the language asked for")


HIDDEN_HELP = (
    "What the public does not see of this report: description, address, notes (of the "
    "timeline), answers, comments, photos, point (a confidential report's lat/lon are its "
    "kelurahan's centre)"
)


class Report(BaseModel):
    id: int
    category: Ref
    status: str
    status_colour: str
    description: str | None = Field(
        description="null when a moderator hid it or the report is confidential"
    )
    address: str | None
    lat: float
    lon: float
    moderated: bool = Field(
        default=False, description="A moderator hid or redacted parts of it (see hidden)"
    )
    confidential: bool = Field(
        default=False, description="Filed as confidential: the public sees category, area, status"
    )
    hidden: list[str] = Field(default=[], description=HIDDEN_HELP)
    kelurahan: Ref
    kecamatan: Ref
    kabkota: Ref
    rw: Ref | None = Field(
        default=None, description="The RW (rukun warga), where the region has RW boundaries"
    )
    unit: Ref
    channel: str
    routing: Routing
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    support_count: int
    reopen_count: int
    received_at: datetime | None = Field(description="When the current unit received it")
    overdue: bool = Field(description="The active deadline (response, then resolution) passed")
    escalation_level: int = Field(description="0, or how many units up a missed deadline took it")
    escalated_to: Ref | None
    rating: int | None = Field(description="The reporter's 1-5 rating of the fix")
    rejection_reason: str | None
    duplicate_of: int | None = Field(description="The parent report this one was merged into")
    photos: list[Photo] = Field(default=[], description="Visible photos, before and after")
    proof: Proof | None = Field(
        default=None,
        description="The latest resolution's proof of fix (null: not resolved with checked "
        "after-photos)",
    )
    answers: list[Answer] = Field(
        default=[],
        description="Answers to the category's questions; free-text answers (datatype text) "
        "are shown to officials only",
    )
    transit_route: TransitRef | None = Field(
        default=None,
        description="The transit route the report names (a category with a transit_route "
        "question); hidden with the answers",
    )
    transit_stop: TransitRef | None = Field(
        default=None, description="The stop or station the report names; hidden with the answers"
    )
    timeline: list[Event]


class ReportCreated(Report):
    tracking_token: str | None = Field(
        description="Secret: lets an anonymous reporter follow the report. Shown once; keep it."
    )
    tracking_url: str | None
    photo_location: list[float] | None = Field(
        default=None,
        description="[lat, lon] found in the first photo's GPS data before it was removed: a "
        "suggested location to check against the one sent",
    )


class ReportListItem(BaseModel):
    id: int
    category: str
    status: str
    status_colour: str
    lat: float
    lon: float
    kelurahan: str
    unit: str
    summary: str | None = Field(description="null when hidden (see moderated, confidential)")
    transit_route: str | None = Field(
        default=None, description="The transit route it names (null for a confidential report)"
    )
    moderated: bool = False
    confidential: bool = False
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime


class ReportSort(StrEnum):
    newest = "-created_at"
    oldest = "created_at"
    recently_updated = "-updated_at"


Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None = Field(description="Pass as ?cursor= to get the next page")
    limit: int


class Choice(BaseModel):
    key: str
    name: str


class Question(BaseModel):
    code: str
    datatype: str = Field(
        description="string, number, datetime, text, singlevaluelist, multivaluelist, "
        "transit_route (a route id of /api/v1/transit/routes) or transit_stop (a stop id of "
        "that route, /api/v1/transit/routes/{id})"
    )
    required: bool
    label: str
    description: str | None = Field(description="How to answer")
    choices: list[Choice] = Field(description="The options of a list question")
    public: bool = Field(description="False: the answer is shown to officials only")


class Category(BaseModel):
    code: str
    name: str
    name_id: str
    name_en: str
    icon: str
    response_hours: int
    resolution_hours: int
    photo_required: bool
    questions: list[Question] = Field(default=[], description="Extra questions, in order")


class Area(BaseModel):
    code: str
    name: str
    level: str
    kind: str
    postcode: str | None
    label_point: list[float] | None = Field(description="[lon, lat] inside the area, for labels")
    parents: list[Ref]
    children: list[Ref]
    units: list[Ref]
    geometry: dict[str, object] | None = Field(default=None, description="GeoJSON, on request")


class PlaceFound(BaseModel):
    kind: str = Field(
        description="kabkota, kecamatan, kelurahan (a kelurahan or desa), rw or street"
    )
    name: str = Field(description="As shown: 'Kebon Sirih', 'RW 03', 'Menteng'")
    context: str = Field(description="Where it is: its kelurahan and kecamatan, or its parents")
    code: str | None = Field(description="The area's or RW's code (the map's area filter takes it)")
    lat: float
    lon: float
    bbox: list[float] = Field(description="min_lon, min_lat, max_lon, max_lat: what to show")
    distance_m: float | None = Field(description="From the point asked near, if one was given")
