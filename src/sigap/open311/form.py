"""Reading POST requests: the form body, its attribute answers, and the report it asks for.

The body is parsed here rather than by a form library because GeoReport's attribute keys
(``attribute[code]``, ``attribute[code][]`` for several values) are dynamic, and because
``application/x-www-form-urlencoded`` is the only encoding the spec sends. The answers are
checked where the JSON API's are, by the submit use case (:mod:`sigap.reports.answers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sigap.errors import SigapError
from sigap.inputs import check_fields
from sigap.open311.schemas import RequestForm
from sigap.reports.schemas import ReportCreate
from sigap.web.body import MAX_BODY_BYTES

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 200
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


@dataclass(frozen=True)
class Submission:
    form: RequestForm
    attributes: dict[str, list[str]] = field(default_factory=dict)


def parse(body: bytes, content_type: str | None) -> Submission:
    """The fields of a form-encoded body; the first value of a repeated plain field wins."""
    if (content_type or "").split(";")[0].strip().lower() != FORM_TYPE:
        raise SigapError("unsupported_content_type")
    if len(body) > MAX_BODY_BYTES:
        raise SigapError("request_too_large", limit=MAX_BODY_BYTES)
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS
        )
    except UnicodeDecodeError:
        raise SigapError("unsupported_content_type") from None
    except ValueError:  # more fields than MAX_FIELDS
        raise SigapError("request_too_large", limit=MAX_BODY_BYTES) from None
    check_fields(pairs, "body")
    fields: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for key, value in pairs:
        match = ATTRIBUTE_KEY.match(key)
        if match is None:
            fields.setdefault(key, value)
        elif value.strip():
            attributes.setdefault(match.group(1), []).append(value.strip())
    return Submission(_validated(RequestForm, fields), attributes)


def _validated(model: type[RequestForm], data: dict[str, Any]) -> RequestForm:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def report_of(form: RequestForm, attributes: dict[str, list[str]] | None = None) -> ReportCreate:
    """The JSON API's own submission, so both APIs share every check and limit: each
    ``attribute[code]`` answer becomes ``attributes[code]`` (a list, as the form sent it)."""
    if form.lat is None or form.long is None:
        raise SigapError("location_required")
    name = " ".join(part for part in (form.first_name, form.last_name) if part)
    reporter = {
        "name": name or None,
        "email": form.email,
        "phone": form.phone,
        "device_id": form.device_id,
        "account_id": form.account_id,
    }
    data = {
        "category": form.service_code,
        "lat": form.lat,
        "lon": form.long,
        "description": form.description,
        "address": form.address_string,
        "reporter": {k: v for k, v in reporter.items() if v is not None} or None,
        "attributes": attributes or None,
        "confidential": form.confidential,
    }
    try:
        return ReportCreate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
