"""Answers to a category's extra questions: one check for every way a report comes in.

The JSON API sends ``attributes`` as an object (question code -> a value, or a list of values);
Open311 sends ``attribute[code]`` and ``attribute[code][]`` form fields. Both become lists of
strings (:func:`as_lists`) and go through :func:`check`, which returns the answers as the report
stores them (question code -> value) or raises the first problem as an error that says what to
send. Only a category's active questions are asked; a blank answer counts as none.

Stored values: a number as a JSON number, a datetime as ISO 8601 text in the deployment's zone,
string and text as given (trimmed), a transit route or stop as its id (checked against the
network by :mod:`sigap.reports.transit`), a singlevaluelist as its key, a multivaluelist as a
list of keys. Answers are never rewritten: a question changed or retired later leaves them as
they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sigap.errors import SigapError
from sigap.inputs import storable
from sigap.models.category import TRANSIT_DATATYPES
from sigap.regions.state import CategoryInfo, QuestionInfo

STRING_MAX = 200  # one line: a name, a number plate, a bus corridor
TEXT_MAX = 2000
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Answers of these kinds may hold anything a person writes, names and phone numbers included:
# they are shown to officials only, never on public pages, the public API or Open311.
PRIVATE_DATATYPES = frozenset({"text"})
# A route or a stop of the transit network: an id, kept as given here and checked against the
# network by sigap.reports.transit.
ONE_LINE = frozenset({"string", *TRANSIT_DATATYPES})
Raw = str | int | float | list[str | int | float] | None


def as_lists(raw: Mapping[str, Raw] | None) -> dict[str, list[str]]:
    """JSON answers as the form sends them: every answer a list of non-blank strings."""
    if not raw:
        return {}
    found: dict[str, list[str]] = {}
    for code, value in raw.items():
        values = value if isinstance(value, list) else [] if value is None else [value]
        texts = [(item if isinstance(item, str) else repr(item)).strip() for item in values]
        found[code] = [text for text in texts if text]
    return found


def check(
    category: CategoryInfo, answers: Mapping[str, Sequence[str]], zone: ZoneInfo
) -> dict[str, Any] | None:
    """The answers to store (None when there are none), after checking each against its
    question: unknown codes first, then every question in the order it is asked."""
    if not answers and not category.questions:
        return None
    asked = {question.code: question for question in category.questions}
    for code in answers:
        if code not in asked:
            known = ", ".join(asked) or "-"
            raise SigapError(
                "unknown_attribute", category=category.code, attribute=code, known=known
            )
    stored: dict[str, Any] = {}
    for question in category.questions:
        values = answers.get(question.code) or ()
        if values:
            stored[question.code] = _value(question, values, zone)
        elif question.required:
            raise _error("attribute_required", question)
    return stored or None


def _error(code: str, question: QuestionInfo, **params: Any) -> SigapError:
    """An error naming the question by its code and, in each language, by its label."""
    return SigapError(
        code,
        attribute=question.code,
        label_id=question.label_id,
        label_en=question.label_en,
        **params,
    )


def _value(question: QuestionInfo, values: Sequence[str], zone: ZoneInfo) -> Any:
    if question.datatype == "multivaluelist":
        return [_key(question, value) for value in dict.fromkeys(values)]
    if len(values) > 1:
        raise _error("attribute_one_value", question, count=len(values))
    value = values[0]
    if question.datatype == "singlevaluelist":
        return _key(question, value)
    if question.datatype == "number":
        return _number(question, value)
    if question.datatype == "datetime":
        return _datetime(question, value, zone)
    if question.datatype in ONE_LINE and ("\n" in value or "\r" in value):
        raise _error("invalid_attribute_type", question, datatype=question.datatype)
    limit = STRING_MAX if question.datatype in ONE_LINE else TEXT_MAX
    if len(value) > limit:
        raise _error("attribute_too_long", question, limit=limit)
    return value


def _key(question: QuestionInfo, value: str) -> str:
    if question.choice(value) is None:
        allowed = ", ".join(choice.key for choice in question.choices)
        raise _error("invalid_attribute_value", question, value=value, allowed=allowed)
    return value


def _number(question: QuestionInfo, value: str) -> int | float:
    if NUMBER.match(value) is None or len(value) > 40:
        raise _error("attribute_not_a_number", question, value=value)
    number = float(value)
    if not math.isfinite(number):
        raise _error("attribute_not_a_number", question, value=value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _datetime(question: QuestionInfo, value: str, zone: ZoneInfo) -> str:
    """ISO 8601 (a date alone means its midnight); without an offset, the deployment's time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _error("attribute_not_a_datetime", question, value=value) from None
    if not storable(moment):
        raise _error("attribute_not_a_datetime", question, value=value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone).isoformat(timespec="seconds")


def is_public(question: QuestionInfo | None) -> bool:
    """Whether an answer may be shown to anyone: not free text, and its question is known."""
    return question is not None and question.datatype not in PRIVATE_DATATYPES


def display(question: QuestionInfo | None, value: Any, language: str) -> str:
    """An answer for people: option names in ``language``, times as the pages show them."""
    values = value if isinstance(value, list) else [value]
    if question is None:
        return ", ".join(str(item) for item in values)
    if question.datatype in ("singlevaluelist", "multivaluelist"):
        names = [question.choice(str(item)) for item in values]
        return ", ".join(
            choice.name(language) if choice else str(item)
            for choice, item in zip(names, values, strict=True)
        )
    if question.datatype == "datetime":
        try:
            return datetime.fromisoformat(str(value)).strftime("%d-%m-%Y %H:%M")
        except ValueError:
            return str(value)
    return str(value)
