"""The officials' actions as form posts and JSON bodies both reach: one place that turns an
action name and its fields into the use case call (the modules of sigap.workflow)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from sigap.inputs import INT32_MAX, INT64_MAX, id_of
from sigap.photos.service import StoredPhoto
from sigap.regions.state import RegionState
from sigap.web.fields import invalid
from sigap.workflow import actions, answer, assign, duplicate, forward, rating, resolve

Perform = Callable[[Session, actions.Actor, actions.Options], object]


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text[:4000] if text else None


def _flag(fields: Mapping[str, Any], name: str) -> bool:
    return str(fields.get(name, "")).lower() in ("1", "true", "on", "yes")


def _id(fields: Mapping[str, Any], name: str, maximum: int = INT64_MAX) -> int:
    """An id as typed into a form (``#123``, as the pages show them)."""
    found = id_of(str(fields.get(name, "")).strip().lstrip("#"), maximum)
    if found is None:
        raise invalid(name, "int_parsing")
    return found


def _officer(fields: Mapping[str, Any]) -> int | None:
    """The officer to assign to: an account id, or nothing (empty, null) to clear."""
    value = fields.get("officer")
    if value is None or not str(value).strip():
        return None
    return _id(fields, "officer", INT32_MAX)


def perform(
    state: RegionState,
    report_id: int,
    action: str,
    fields: Mapping[str, Any],
    stored: Sequence[StoredPhoto] = (),
) -> Perform:
    """The use case for ``action`` with its fields (and after-photos, already stored) bound;
    an unknown action raises KeyError (a 404 upstream)."""
    note = _text(fields, "note")
    bound: dict[str, Perform] = {
        "acknowledge": lambda s, a, o: answer.acknowledge(
            s, state, a, report_id, note=note, options=o
        ),
        "forward": lambda s, a, o: forward.forward(
            s,
            state,
            a,
            report_id,
            unit_code=_text(fields, "unit") or "",
            reason=_text(fields, "reason") or "",
            out_of_authority=_flag(fields, "out_of_authority"),
            options=o,
        ),
        "resolve": lambda s, a, o: _resolve(s, state, a, report_id, note or "", o, stored),
        "reject": lambda s, a, o: answer.reject(
            s, state, a, report_id, reason=_text(fields, "reason") or "", note=note, options=o
        ),
        "duplicate": lambda s, a, o: duplicate.mark_duplicate(
            s, state, a, report_id, parent_id=_id(fields, "parent_id"), note=note, options=o
        ),
        "reopen": lambda s, a, o: rating.reopen(
            s,
            state,
            a,
            report_id,
            reason=_text(fields, "reason") or note or "",
            rating=None,
            options=o,
        ),
        "assign": lambda s, a, o: assign.assign(
            s, state, a, report_id, officer_id=_officer(fields), note=note, options=o
        ),
        "notes": lambda s, a, o: answer.add_note(
            s,
            state,
            a,
            report_id,
            note=note or "",
            internal=not _flag(fields, "public"),
            options=o,
        ),
    }
    found = bound.get(action)
    if found is None:
        raise KeyError(action)
    return found


def _resolve(
    session: Session,
    state: RegionState,
    actor: actions.Actor,
    report_id: int,
    note: str,
    options: actions.Options,
    stored: Sequence[StoredPhoto],
) -> object:
    """Resolve with the after-photos: they are checked as proof, and their rows hang on the
    resolve event, in the same transaction, so the proof and the change commit together."""
    return resolve.resolve(
        session, state, actor, report_id, note=note, options=options, after=stored
    )
