"""The Open311 items are built as plain dicts (the lists' speed), typed by TypedDicts in
``sigap.open311.mapping`` that each name, in their docstring, the pydantic schema that
documents the same resource. The two must list the same fields, or the OpenAPI document would
promise what the answers do not hold."""

from __future__ import annotations

import re
from typing import get_type_hints, is_typeddict

from sigap.open311 import mapping, schemas


def test_every_item_has_the_fields_of_its_schema() -> None:
    pairs = []
    for name in dir(mapping):
        item = getattr(mapping, name)
        if (
            not (isinstance(item, type) and is_typeddict(item))
            or item.__module__ != mapping.__name__
        ):
            continue
        named = re.match(r":class:`schemas\.(\w+)`", item.__doc__ or "")
        if named is None:
            continue
        pairs.append((item, getattr(schemas, named[1])))
    assert len(pairs) >= 6, pairs
    for item, schema in pairs:
        fields = {f.alias or name for name, f in schema.model_fields.items()}
        assert set(get_type_hints(item)) == fields, (item.__name__, schema.__name__)
