"""Reading POST requests: the form body, its attribute answers, and the report it asks for.

The body is parsed here rather than by a form library because GeoReport's attribute keys
(``attribute[code]``, ``attribute[code][]`` for several values) are dynamic, and because
``application/x-www-form-urlencoded`` is the only encoding the spec sends.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from sigap.errors import SigapError
from sigap.open311.schemas import Attribute, RequestForm, ServiceDefinition
from sigap.reports.schemas import ReportCreate

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY_BYTES = 64 * 1024  # a 4,000-character description in any script fits many times
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


def report_of(form: RequestForm) -> ReportCreate:
    """The JSON API's own submission, so both APIs share every check and limit."""
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
    }
    try:
        return ReportCreate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def check_attributes(definition: ServiceDefinition, answers: dict[str, list[str]]) -> None:
    """Every answer belongs to a question of the service, and fits its datatype; every required
    question is answered. The first problem found is the error, worded to say what to send."""
    questions = {a.code: a for a in definition.attributes if a.variable}
    for code in answers:
        if code not in questions:
            raise SigapError("unknown_attribute", service=definition.service_code, attribute=code)
    for question in sorted(questions.values(), key=lambda a: (a.order or 0, a.code)):
        values = answers.get(question.code, [])
        if values:
            _check_values(question, values)
        elif question.required:
            raise SigapError(
                "attribute_required",
                attribute=question.code,
                description=question.description or question.datatype,
            )


def _check_values(question: Attribute, values: list[str]) -> None:
    if question.datatype in ("singlevaluelist", "multivaluelist"):
        _check_choices(question, values)
        return
    if len(values) > 1 or not _fits(question.datatype, values[0]):
        raise SigapError(
            "invalid_attribute_type",
            attribute=question.code,
            datatype=question.datatype,
            value=", ".join(values),
        )


def _check_choices(question: Attribute, values: list[str]) -> None:
    keys = [value.key for value in question.values]
    if question.datatype == "singlevaluelist" and len(values) > 1:
        raise SigapError(
            "invalid_attribute_type",
            attribute=question.code,
            datatype=question.datatype,
            value=", ".join(values),
        )
    for value in values:
        if value not in keys:
            raise SigapError(
                "invalid_attribute_value",
                attribute=question.code,
                value=value,
                allowed=", ".join(keys),
            )


def _fits(datatype: str, value: str) -> bool:
    """Whether one answer can be read as ``datatype`` (text takes anything)."""
    if datatype == "string":
        return "\n" not in value and "\r" not in value
    if datatype == "number":
        try:
            return math.isfinite(float(value))
        except ValueError:
            return False
    if datatype == "datetime":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
    return True
