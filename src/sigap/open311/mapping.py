"""Domain → GeoReport: categories become services, reports become service requests.

Names, units and areas come from the region snapshot (no joins); times are shown in the
deployment's zone with their offset, to the second, as the W3C note the spec cites allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NotRequired, TypedDict, cast
from zoneinfo import ZoneInfo

from sigap.config import Settings
from sigap.models.category import TRANSIT_DATATYPES
from sigap.models.rows import EventRow, Proof
from sigap.models.states import OPEN_IN_INDEX_ORDER, OPEN_STATUSES, STATUSES, ReportStatus
from sigap.moderation.rules import Audience, Shown, shown
from sigap.open311 import schemas
from sigap.regions.state import CategoryInfo, QuestionInfo, RegionState
from sigap.reports import answers, transit
from sigap.reports.present import is_public
from sigap.transit.state import Network

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


# Service requests are built as plain dicts (a page of a thousand is rendered on every poll);
# these are their shapes, field for field those of the pydantic schemas that document them.
class PhotoItem(TypedDict):
    """:class:`schemas.Photo`."""

    media_url: str
    title: str | None
    created_at: str
    proof: str | None


class ValueItem(TypedDict):
    """:class:`schemas.AttributeValue`."""

    key: str
    name: str


class AnswerItem(TypedDict):
    """:class:`schemas.AttributeAnswer`."""

    code: str
    datatype: str
    description: str
    values: list[ValueItem]


class ExtendedItem(TypedDict):
    """:class:`schemas.ExtendedAttributes`."""

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
    photos: list[PhotoItem]
    proof: str | None
    proof_notes: list[str]
    attributes: list[AnswerItem]
    moderated: bool
    confidential: bool


class NoteItem(TypedDict):
    """:class:`schemas.Note`."""

    datetime: str
    type: str
    summary: str
    description: str | None


class RequestItem(TypedDict):
    """:class:`schemas.ServiceRequest`; the extensions only with ``extensions=true``."""

    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str | None
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: str
    updated_datetime: str | None
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None
    extended_attributes: NotRequired[ExtendedItem]
    notes: NotRequired[list[NoteItem]]


# A request's extras: its public timeline, its visible photos, its proof of fix (or None).
Extended = tuple[Sequence[EventRow], list[PhotoItem], Proof | None]
CLOSED_STATUSES = tuple(s for s in STATUSES if s not in OPEN_STATUSES)
# (Bahasa Indonesia, English), filled with str.format.
SLA = (
    "Target tanggapan {response} jam, target penyelesaian {resolution} jam.",
    "Response within {response} hours, resolution within {resolution} hours.",
)
NOTICE = (
    "Ditangani oleh {unit}. Target tanggapan {response} jam, target penyelesaian {resolution} jam.",
    "Handled by {unit}. Response within {response} hours, resolution within {resolution} hours.",
)
# datatype_description when a question has no description of its own: how to write an answer.
DATATYPE_HINTS = {
    "string": ("Teks satu baris", "One line of text"),
    "number": ("Angka, misalnya 30 atau 12.5", "A number such as 30 or 12.5"),
    "datetime": (
        "Tanggal dan jam ISO 8601, misalnya 2026-11-27T08:00:00+07:00",
        "An ISO 8601 date and time such as 2026-11-27T08:00:00+07:00",
    ),
    "text": ("Teks bebas (hanya dibaca petugas)", "Free text (read by officials only)"),
    "singlevaluelist": ("Pilih satu key", "Choose one key"),
    "multivaluelist": ("Pilih satu key atau lebih", "Choose one or more keys"),
    "transit_route": (
        "Id rute dari /api/v1/transit/routes, misalnya mrt:MRTJ_NS",
        "A route id from /api/v1/transit/routes, such as mrt:MRTJ_NS",
    ),
    "transit_stop": (
        "Id halte atau stasiun rute itu, dari /api/v1/transit/routes/{id}",
        "A stop or station id of that route, from /api/v1/transit/routes/{id}",
    ),
}


def open311_datatype(datatype: str) -> schemas.Datatype:
    """GeoReport's own datatype: a transit route or stop is a string (an id) to its clients."""
    return "string" if datatype in TRANSIT_DATATYPES else cast(schemas.Datatype, datatype)


KEY_SERVICE = (
    "Kunci API diberikan oleh pengelola Sigap ini: {contact}",
    "API keys are issued by the operators of this Sigap deployment: {contact}",
)
NOTE_SUMMARIES = {
    "submit": ("Laporan diterima", "Report received"),
    "acknowledge": ("Laporan ditanggapi dan sedang diproses", "Acknowledged, work in progress"),
    "forward": ("Diteruskan ke unit lain", "Forwarded to another unit"),
    "resolve": ("Diselesaikan", "Resolved"),
    "reject": ("Ditolak", "Rejected"),
    "mark_duplicate": ("Digabung dengan laporan lain", "Merged into another report"),
    "merge": ("Laporan duplikat digabung ke sini", "A duplicate report was merged in"),
    "reopen": ("Dibuka kembali", "Reopened"),
    "accept": ("Diterima oleh pelapor", "Accepted by the reporter"),
    "close": ("Ditutup", "Closed"),
    "appeal": ("Banding atas penolakan", "Rejection appealed"),
    "escalate": ("Melewati batas waktu: dieskalasi", "Deadline missed: escalated"),
    "note": ("Catatan", "Note"),
    "publish": ("Diterbitkan setelah ditinjau moderator", "Published after a moderator's review"),
}


def _text(pair: tuple[str, str], language: str, **values: Any) -> str:
    return pair[1 if language == "en" else 0].format(**values)


def status(domain_status: str) -> str:
    """open and in_progress are "open"; every other state is "closed"."""
    return "open" if domain_status in OPEN_STATUSES else "closed"


def domain_statuses(open311_status: str) -> tuple[str, ...]:
    return OPEN_IN_INDEX_ORDER if open311_status == "open" else CLOSED_STATUSES


def w3c(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds")


def w3c_or_none(value: datetime | None, zone: ZoneInfo) -> str | None:
    return None if value is None else w3c(value, zone)


def service(category: CategoryInfo, language: str) -> schemas.Service:
    names = (category.name_id, category.name_en, category.code.replace("_", " "))
    return schemas.Service(
        service_code=category.code,
        service_name=category.name(language),
        description=_sla(SLA, category, language),
        metadata=bool(category.questions),
        type="realtime",
        keywords=", ".join(dict.fromkeys(name.lower() for name in names)),
        group=None,
    )


def service_definition(category: CategoryInfo, language: str) -> schemas.ServiceDefinition:
    """The category's questions as attributes, every one of them asking for an answer."""
    return schemas.ServiceDefinition(
        service_code=category.code,
        attributes=[attribute(question, language) for question in category.questions],
    )


def attribute(question: QuestionInfo, language: str) -> schemas.Attribute:
    """The question is the attribute's description; its own description (how to answer) is
    the datatype_description, or a hint on how to write that datatype."""
    hint = question.description(language) or _text(DATATYPE_HINTS[question.datatype], language)
    return schemas.Attribute(
        variable=True,
        code=question.code,
        datatype=open311_datatype(question.datatype),
        required=question.required,
        datatype_description=hint,
        order=question.order,
        description=question.label(language),
        values=[
            schemas.AttributeValue(key=choice.key, name=choice.name(language))
            for choice in question.choices
        ],
    )


def _sla(pair: tuple[str, str], category: CategoryInfo, language: str, **values: Any) -> str:
    return _text(
        pair,
        language,
        response=category.response_hours,
        resolution=category.resolution_hours,
        **values,
    )


def notice(state: RegionState, category_code: str, unit_id: int, language: str) -> str | None:
    """What the city will do about a request: who handles it and its service level."""
    category = state.categories.get(category_code)
    if category is None:
        return None
    return _sla(NOTICE, category, language, unit=state.units[unit_id].name(language))


def service_request(
    state: RegionState,
    report: Any,
    language: str,
    *,
    media_url: str | None,
    extended: Extended | None = None,
    network: Network | None = None,
) -> RequestItem:
    """A stored report (a row of :data:`sigap.open311.service.COLUMNS`) as a service request:
    the fields of :class:`schemas.ServiceRequest` in its order, built as plain values, since a
    page of a thousand requests is rendered on every poll. Never the reporter: the report row
    has no identity on it, and address_id is not stored.

    ``media_url`` is the display URL of its first visible photo; ``extended`` (its public
    timeline, visible photos and proof of fix) adds ``extended_attributes`` and ``notes``."""
    zone = state.timezone
    category = state.categories.get(report.category_code)
    kelurahan = state.areas.get(report.kelurahan_code)
    view = shown(state, report._asdict(), Audience.PUBLIC)
    found: RequestItem = {
        "service_request_id": str(report.id),
        "status": status(report.status),
        "status_notes": view.note(report.status_note, language),
        "service_name": category.name(language) if category else None,
        "service_code": report.category_code,
        "description": view.text(view.description, language),
        "agency_responsible": state.units[report.unit_id].name(language),
        "service_notice": notice(state, report.category_code, report.unit_id, language),
        "requested_datetime": w3c(report.created_at, zone),
        "updated_datetime": w3c_or_none(report.updated_at, zone),
        "expected_datetime": w3c_or_none(report.resolution_due_at, zone),
        "address": _address(view, language),
        "address_id": None,
        "zipcode": kelurahan.postcode if kelurahan else None,
        "lat": view.lat,
        "long": view.lon,
        "media_url": media_url if view.shows("photos") else None,
    }
    if extended is not None:
        events, photos, proof = extended
        if not view.shows("photos"):
            photos, proof = [], None
        found["extended_attributes"] = extended_attributes(
            state, report, photos, language, proof, view, network
        )
        found["notes"] = notes(events, zone, language, view)
    return found


def _address(view: Shown, language: str) -> str | None:
    """The address, or the placeholder where a moderator hid it (a confidential report has
    none to show)."""
    if view.address is None and "address" in view.hidden and not view.confidential:
        return view.placeholder(language)
    return view.address


def extended_attributes(
    state: RegionState,
    report: Any,
    photos: list[PhotoItem],
    language: str,
    proof: Proof | None = None,
    view: Shown | None = None,
    network: Network | None = None,
) -> ExtendedItem:
    """The fields of :class:`schemas.ExtendedAttributes`; ``photos`` are the report's visible
    photos as :class:`schemas.Photo` values, ``proof`` the verdict of its latest resolution's
    after-photos (:func:`sigap.photos.proof.summary`); ``view`` what the public sees of it."""
    unit = state.units[report.unit_id]
    answers_shown = view is None or view.shows("answers")
    parent = report.duplicate_of_id
    return {
        "channel": report.channel,
        "kelurahan_code": report.kelurahan_code,
        "kelurahan_name": _area_name(state, report.kelurahan_code),
        "kecamatan_code": report.kecamatan_code,
        "kecamatan_name": _area_name(state, report.kecamatan_code),
        "kota_code": report.kabkota_code,
        "kota_name": _area_name(state, report.kabkota_code),
        "unit_code": unit.code,
        "unit_name": unit.name(language),
        "escalation_level": report.escalation_level,
        "duplicate": report.status == ReportStatus.duplicate,
        "parent_service_request_id": None if parent is None else str(parent),
        "photos": photos,
        "proof": proof["verdict"] if proof else None,
        "proof_notes": list(proof["notes"]) if proof else [],
        "attributes": (
            attribute_answers(state, report, language, network) if answers_shown else []
        ),
        "moderated": view.moderated if view else False,
        "confidential": view.confidential if view else False,
    }


def attribute_answers(
    state: RegionState, report: Any, language: str, network: Network | None = None
) -> list[AnswerItem]:
    """The public answers (never free text) as :class:`schemas.AttributeAnswer` values, named
    in the request's language (a transit route or stop by its name in ``network``)."""
    stored: Mapping[str, Any] = report.attributes or {}
    category = state.categories.get(report.category_code)
    found: list[AnswerItem] = []
    for code, value in stored.items():
        question = category.question(code) if category else None
        if question is None or not answers.is_public(question):
            continue
        given = value if isinstance(value, list) else [value]

        def named(item: Any, question: QuestionInfo = question) -> str:
            return transit.answer_text(question, item, language, network)

        found.append(
            {
                "code": code,
                "datatype": open311_datatype(question.datatype),
                "description": question.label(language),
                "values": [{"key": str(item), "name": named(item)} for item in given],
            }
        )
    return found


def _area_name(state: RegionState, code: str) -> str:
    area = state.areas.get(code)
    return area.name if area else code


def notes(
    events: Sequence[EventRow],
    zone: ZoneInfo,
    language: str,
    view: Shown | None = None,
) -> list[NoteItem]:
    """The public timeline (internal notes left out), as :class:`schemas.Note` values. Events
    never name a person, so neither do notes; a moderator may still hide their text."""
    return [
        {
            "datetime": w3c(event["created_at"], zone),
            "type": event["action"],
            "summary": _summary(event["action"], language),
            "description": event["note"] if view is None else view.note(event["note"], language),
        }
        for event in events
        if is_public(event)
    ]


def _summary(action: str, language: str) -> str:
    pair = NOTE_SUMMARIES.get(action)
    return _text(pair, language) if pair else action


def discovery(state: RegionState, settings: Settings, language: str) -> schemas.Discovery:
    """Service discovery: one production endpoint; its changeset is the last region import,
    when services could have changed."""
    changeset = w3c(state.imported_at, state.timezone)
    contact = settings.open311_contact or settings.public_url
    endpoint = schemas.Endpoint(
        specification=SPECIFICATION,
        url=f"{settings.public_url}/open311/v2",
        changeset=changeset,
        type="production",
        formats=["text/xml", "application/json"],
    )
    return schemas.Discovery(
        changeset=changeset,
        contact=contact,
        key_service=_text(KEY_SERVICE, language, contact=contact),
        endpoints=[endpoint],
    )
