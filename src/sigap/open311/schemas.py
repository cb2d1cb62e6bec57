"""The GeoReport v2 contract: resources with the spec's field names, in the spec's order (the
XML elements come out in field order), ids and codes always strings, times as W3C strings with
an offset. Domain names stay out of here; :mod:`sigap.open311.mapping` translates."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from sigap.inputs import Input, Instant, PageNumber
from sigap.web.params import HEADER, PATH

W3CDateTime = Annotated[str, Field(examples=["2026-11-27T09:30:00+07:00"])]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
PAGE_SIZE_MAX = 1000
RADIUS_MAX_M = 50_000


def _absent(value: object) -> bool:
    return value is None


class Format(StrEnum):
    xml = "xml"
    json = "json"


class Service(BaseModel):
    service_code: str
    service_name: str
    description: str | None
    metadata: bool = Field(description="true: fetch the service definition for its attributes")
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str | None
    group: str | None


class AttributeValue(BaseModel):
    key: str
    name: str


class Attribute(BaseModel):
    """One question of a service definition."""

    variable: bool = Field(description="false: shown to the person only, no answer expected")
    code: str
    datatype: Datatype
    required: bool
    datatype_description: str | None = None
    order: int | None = None
    description: str | None = None
    values: list[AttributeValue] = Field(default_factory=list)


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[Attribute]


class AttributeAnswer(BaseModel):
    """A request's answer to one attribute of its service (``extensions=true``), in the
    definition's own terms: its code, datatype and description, and the values given (for a
    list, the chosen keys with their names; otherwise the value itself as both)."""

    code: str
    datatype: Datatype
    description: str
    values: list[AttributeValue]


class Photo(BaseModel):
    media_url: str
    title: str | None
    created_at: W3CDateTime
    proof: str | None = Field(
        default=None,
        description="An after-photo's proof-of-fix verdict: verified (taken after the report, "
        "near it, not a copy) or unverified (no capture time or GPS to check); null for "
        "before-photos and after-photos from before the checks",
    )


class ExtendedAttributes(BaseModel):
    """What Sigap knows beyond the spec (``extensions=true``), flat as Chicago's are."""

    channel: str
    kelurahan_code: str
    kelurahan_name: str
    kecamatan_code: str
    kecamatan_name: str
    kota_code: str
    kota_name: str
    unit_code: str
    unit_name: str
    escalation_level: int
    duplicate: bool
    parent_service_request_id: str | None
    photos: list[Photo]
    proof: str | None = Field(
        default=None,
        description="The latest resolution's proof of fix: verified when all its after-photos "
        "are, else unverified; null when not resolved with checked photos",
    )
    proof_notes: list[str] = Field(
        default_factory=list,
        description="Checks of that proof that could not be made: no_time (no capture time), "
        "no_gps (no position), time_in_future (the camera's clock is wrong)",
    )
    attributes: list[AttributeAnswer] = Field(
        default_factory=list,
        description="The answers to the service's attributes; free text (datatype text) is "
        "never shown here",
    )
    moderated: bool = Field(
        default=False, description="A moderator hid or redacted parts of the request's text"
    )
    confidential: bool = Field(
        default=False,
        description="Filed as confidential: description, address, notes, answers and photos "
        "are not public, and lat/long are its kelurahan's centre",
    )


class Note(BaseModel):
    """One public timeline event (``extensions=true``)."""

    datetime: W3CDateTime
    type: str
    summary: str
    description: str | None


class ServiceRequest(BaseModel):
    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str | None
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: W3CDateTime
    updated_datetime: W3CDateTime | None
    expected_datetime: W3CDateTime | None = Field(description="The resolution deadline (SLA)")
    address: str | None
    address_id: str | None
    zipcode: str | None = Field(description="The kelurahan's postcode")
    lat: float
    long: float
    media_url: str | None
    # Extensions appear only when asked for (extensions=true); every spec field always appears.
    extended_attributes: ExtendedAttributes | None = Field(default=None, exclude_if=_absent)
    notes: list[Note] | None = Field(default=None, exclude_if=_absent)


class RequestCreated(BaseModel):
    service_request_id: str
    token: str | None = Field(
        description="Secret tracking token of the report; tokens/{token} resolves it"
    )
    service_notice: str | None
    account_id: str | None = Field(description="Always null: reporter identity is never echoed")


class TokenResult(BaseModel):
    service_request_id: str
    token: str


class Endpoint(BaseModel):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Error(BaseModel):
    code: str = Field(description="Sigap's machine code, the same as the JSON API's")
    description: str


class RequestForm(Input):
    """The plain fields of POST requests (form-encoded); ``attribute[code]`` and
    ``attribute[code][]`` come beside them. The report fields are checked by the JSON API's
    own schema, so limits and messages are the same on both."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    api_key: str | None = None
    jurisdiction_id: str | None = None
    service_code: str | None = None
    lat: str | None = Field(default=None, description="WGS84; with long, required")
    long: str | None = Field(default=None, description="WGS84; with lat, required")
    address_string: str | None = Field(default=None, description="Stored as the address")
    address_id: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="Accepted; not used (Sigap routes by point)"
    )
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = Field(default=None, description="3 to 4,000 characters")
    confidential: bool | None = Field(
        default=None,
        description="Sigap's extension: true files the request as confidential (the public "
        "sees only its service, area and status)",
    )
    media_url: Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")] | None = Field(
        default=None,
        description="Checked, never fetched (Sigap downloads nothing a client names); upload "
        "photos with the JSON API",
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        return _sent(data)


class RequestSearch(BaseModel):
    """The filters of GET requests; an empty parameter counts as not sent."""

    service_request_id: str | None = Field(
        default=None, description="Comma-separated ids; overrides every other filter"
    )
    service_code: list[str] = Field(default_factory=list, description="Repeat or comma-separate")
    start_date: Instant | None = Field(default=None, description="Requested at or after")
    end_date: Instant | None = Field(default=None, description="Requested at or before")
    status: list[str] = Field(default_factory=list, description="open, closed")
    updated_after: Instant | None = None
    updated_before: Instant | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    radius: float | None = Field(default=None, gt=0, le=RADIUS_MAX_M, description="Metres")
    route: str | None = Field(
        default=None,
        max_length=100,
        description="Sigap's extension: only requests naming this transit route (its id, "
        "/api/v1/transit/routes)",
    )
    page: PageNumber = 1
    page_size: int = Field(default=PAGE_SIZE_MAX, ge=1, le=PAGE_SIZE_MAX)
    extensions: bool = Field(default=False, description="Add extended_attributes and notes")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        return _sent(data)


def _sent(data: Any) -> Any:
    """The spec's rule for optional arguments: an empty parameter is the same as one not sent.
    Repeated parameters may also be comma-separated (``status=open,closed``)."""
    if not isinstance(data, dict):
        return data
    sent: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = [part.strip() for item in value for part in str(item).split(",")]
            value = [part for part in value if part]
        elif isinstance(value, str) and not value.strip():
            continue
        sent[key] = value
    return sent


JURISDICTION = "Optional: the region code or SIGAP_OPEN311_JURISDICTION"


# The parameters of the hot routes (sigap.app.HOT_ROUTES), read by sigap.web.params.read and
# documented from these models.
class Where(BaseModel):
    """The format of the path, and the optional jurisdiction every resource takes."""

    fmt: Annotated[Format, PATH] = Field(description="xml or json")
    jurisdiction_id: str | None = Field(default=None, description=JURISDICTION)


class OneArgs(Where):
    service_request_id: Annotated[str, PATH]
    extensions: bool = Field(default=False, description="Add extended_attributes and notes")


class SearchArgs(RequestSearch, Where):
    """The filters of GET requests with the path's format and the jurisdiction."""


class PostArgs(Where):
    idempotency_key: Annotated[str | None, HEADER] = Field(
        default=None,
        alias="idempotency-key",
        description="1 to 200 characters: a retry with it is safe",
    )
