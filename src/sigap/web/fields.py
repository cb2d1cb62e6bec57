"""Errors as a form shows them: each next to its field, in plain words, in the visitor's language.

The JSON API says what was wrong in pydantic's terms (``body.description``,
``string_too_short``) and machine codes (``photo_required``), and keeps saying it that way for
API clients (:mod:`sigap.web.errors`). A person filling a form needs "Tulis paling sedikit 3
karakter." under the description box instead. This module is the one place that knows which
form field an error belongs to: a :class:`Form` maps the body's locations and the error codes
to the form's field names, and :func:`form_errors` / :func:`validation_errors` word them with
the page texts (``field_*`` in :mod:`sigap.web.texts.common`). The browser checks the same rules
first (``required``, ``minlength``, ``maxlength`` in the templates, with these same words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sigap.errors import SigapError
from sigap.web.texts import TEXTS, translate

# pydantic's error types (and a form's own refusals) -> the page text that words them
KINDS = {
    "missing": "field_missing",
    "string_too_short": "field_too_short",
    "string_too_long": "field_too_long",
    "string_pattern_mismatch": "field_format",
    "float_parsing": "field_number",
    "float_type": "field_number",
    "int_parsing": "field_number",
    "finite_number": "field_number",
    "control_character": "field_format",
    "datetime_out_of_range": "field_format",
}


@dataclass(frozen=True, slots=True)
class Form:
    """Where a form's fields sit in the body and in errors. ``locations``: a body location
    (without the leading "body") to a field name; a name ending in ``.*`` takes the location's
    next part (a question's code). ``codes``: an error code to a field name, ``{param}`` filled
    from the error's parameters. ``words``: a field whose every error reads one text."""

    locations: Mapping[tuple[str, ...], str]
    codes: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)


PHOTO_CODES = ("photo_required", "photo_type_not_allowed", "photo_corrupt", "photo_too_large",
               "photo_too_many_pixels", "photo_animated", "too_many_photos")  # fmt: skip
QUESTION_CODES = ("attribute_required", "invalid_attribute_value", "attribute_one_value",
                  "attribute_not_a_number", "attribute_not_a_datetime",
                  "invalid_attribute_type", "attribute_too_long")  # fmt: skip

# The citizen app's new-report form (templates/citizen/new.html, static/citizen/new.js).
REPORT_FORM = Form(
    locations={
        ("category",): "category",
        ("lat",): "location",
        ("lon",): "location",
        ("description",): "description",
        ("address",): "address",
        ("reporter", "email"): "email",
        ("attributes",): "attributes.*",
    },
    codes={
        "unknown_category": "category",
        "outside_service_area": "location",
        **dict.fromkeys(PHOTO_CODES, "photo"),
        **dict.fromkeys(QUESTION_CODES, "attributes.{attribute}"),
    },
    words={"email": "field_email", "location": "field_location", "category": "field_category"},
)

# A report's page: the comment box, the reporter's rating and appeal (citizen/report.html).
REPORT_PAGE = Form(
    locations={
        ("body",): "body",
        ("stars",): "stars",
        ("comment",): "comment",
        ("reason",): "reason",
    },
    codes={"rating_reason_required": "comment", "note_required": "reason"},
    words={"stars": "field_stars"},
)

# The officials' action forms (templates/officials/report.html).
OFFICIAL_ACTIONS = Form(
    locations={
        ("note",): "note",
        ("reason",): "reason",
        ("unit",): "unit",
        ("parent_id",): "parent_id",
    },
    codes={
        "note_required": "note",
        "after_photo_required": "photo",
        "after_photo_copy": "photo",
        "after_photo_too_early": "photo",
        "after_photo_too_far": "photo",
        "unknown_unit": "unit",
        "forward_same_unit": "unit",
        "unknown_rejection_reason": "reason",
        "invalid_duplicate_parent": "parent_id",
    },
)


@dataclass(frozen=True, slots=True)
class Shown:
    message: str  # above the form (or its send button)
    fields: dict[str, str]  # field name -> what to write next to it


def invalid(name: str, kind: str, **limits: int) -> SigapError:
    """A form's own refusal of one field, in pydantic's terms, its detail shaped as the JSON
    API's (``field``, ``code``, ``message``; the limits too, for the form's wording)."""
    message = translate("en", KINDS.get(kind, "field_invalid"), **limits)
    detail = {"field": name, "code": kind, "message": message, **limits}
    return SigapError("invalid_input", details=[detail])


def form_errors(error: SigapError, form: Form, language: str) -> Shown:
    """``error`` as ``form`` shows it: its details and its code placed on fields."""
    found: dict[str, str] = {}
    for detail in error.details:
        name = _field(form, tuple(str(detail.get("field", "")).split(".")))
        if name is not None and "code" in detail:
            found.setdefault(name, _words(form, name, str(detail["code"]), detail, language))
    name = form.codes.get(error.code)
    if name is not None:
        name = name.format(**error.params)
        found.setdefault(name, _code_words(form, name, error, language))
    return Shown(_summary(error, found, language), found)


def validation_errors(errors: Sequence[Mapping[str, Any]], form: Form, language: str) -> Shown:
    """pydantic's errors of a request body (locations start with "body") as ``form`` shows them."""
    found: dict[str, str] = {}
    for item in errors:
        location = tuple(str(part) for part in item.get("loc", ()))
        name = _field(form, location[1:] if location[:1] == ("body",) else location)
        if name is not None:
            kind = str(item.get("type", ""))
            if kind == "string_too_short" and not str(item.get("input", "")).strip():
                kind = "missing"  # left empty: say so, not "too short"
            found.setdefault(name, _words(form, name, kind, item.get("ctx") or {}, language))
    return Shown(_summary(SigapError("invalid_input"), found, language), found)


def _field(form: Form, location: tuple[str, ...]) -> str | None:
    for size in range(len(location), 0, -1):
        name = form.locations.get(location[:size])
        if name is not None:
            if name.endswith(".*"):
                return name[:-1] + location[size] if len(location) > size else None
            return name
    return None


def _words(form: Form, name: str, kind: str, limits: Mapping[str, Any], language: str) -> str:
    if name in form.words:
        return translate(language, form.words[name])
    key = KINDS.get(kind, "field_invalid")
    if key == "field_too_short" and limits.get("min_length") == 1:
        key = "field_missing"
    params = {k: limits[k] for k in ("min_length", "max_length") if k in limits}
    if key in ("field_too_short", "field_too_long") and not params:
        key = "field_invalid"  # the limit it would name is not known here
    return translate(language, key, **params)


def _code_words(form: Form, name: str, error: SigapError, language: str) -> str:
    """The field's own wording of the code, else the field's, else the error's message."""
    key = f"field_{error.code}"
    if key in TEXTS:
        return translate(language, key, **error.params)
    if name in form.words:
        return translate(language, form.words[name])
    return error.message(language)


def _summary(error: SigapError, found: dict[str, str], language: str) -> str:
    return translate(language, "form_check_fields") if found else error.message(language)
