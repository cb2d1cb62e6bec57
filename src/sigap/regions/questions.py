"""The written form of a question's options, shared by region packs and the admin console.

Options are written ``key=Nama Indonesia|English name``, separated by ``;`` (or new lines in the
console's text box), e.g. ``kecil=Kecil|Small;besar=Besar|Large``. A key is what a client sends
and what a report stores; the names are what people read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# The columns of a pack's questions.csv; the first three name a question and never change.
COLUMNS = (
    "category_code",
    "code",
    "datatype",
    "required",
    "order",
    "label_id",
    "label_en",
    "description_id",
    "description_en",
    "values",
    "active",
)
FIXED = COLUMNS[:3]
CODE = re.compile(r"^[a-z0-9_]{1,40}$")
KEY = re.compile(r"^[a-z0-9_-]{1,40}$")
NAME_MAX = 120


def parse_choices(text: str) -> list[dict[str, str]]:
    """The options written in ``text``, in order; ValueError says what is wrong."""
    choices: list[dict[str, str]] = []
    for entry in re.split(r"[;\n]", text):
        entry = entry.strip()
        if not entry:
            continue
        key, equals, names = entry.partition("=")
        name_id, bar, name_en = names.partition("|")
        key, name_id, name_en = key.strip(), name_id.strip(), name_en.strip()
        if not (equals and bar and name_id and name_en):
            raise ValueError(f"{entry!r} is not key=Nama Indonesia|English name")
        if KEY.match(key) is None:
            raise ValueError(f"option key {key!r}: use lower-case letters, digits, _ or -")
        if any(choice["key"] == key for choice in choices):
            raise ValueError(f"option key {key!r} repeats")
        if max(len(name_id), len(name_en)) > NAME_MAX or "|" in name_en:
            raise ValueError(f"option {key!r}: one name per language, {NAME_MAX} characters each")
        choices.append({"key": key, "name_id": name_id, "name_en": name_en})
    return choices


def format_choices(choices: Iterable[Mapping[str, str]], separator: str = ";") -> str:
    return separator.join(f"{c['key']}={c['name_id']}|{c['name_en']}" for c in choices)
