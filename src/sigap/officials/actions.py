"""The officials' actions, one typed path from both entries to the use cases of sigap.workflow.

The JSON API takes an action's body model (:mod:`sigap.officials.schemas`) as its request
body; the officials' pages validate their form into the same model (:func:`from_form`). Either
way :func:`perform` gets the model, its values already typed and checked (a note over 4,000
characters is refused where it enters, never cut), and calls the use case with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self, TypeVar, assert_never

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from sigap.officials import schemas
from sigap.photos.service import StoredPhoto
from sigap.regions.state import RegionState
from sigap.workflow import answer, assign, duplicate, forward, rating, resolve
from sigap.workflow.actions import Actor, Options

Action = (
    schemas.Acknowledge
    | schemas.Forward
    | schemas.Resolve
    | schemas.Reject
    | schemas.MarkDuplicate
    | schemas.Reopen
    | schemas.Assign
    | schemas.AddNote
)
Model = TypeVar("Model", bound=BaseModel)


class NoteForm(schemas.AddNote):
    """The pages' note form: its checkbox says ``public`` (unchecked: internal, as the API's
    default), the API's ``internal`` turned over; what it gives is an :class:`AddNote`."""

    public: bool = Field(default=False, exclude=True)

    @model_validator(mode="after")
    def _internal(self) -> Self:
        self.internal = not self.public
        return self


# The page's action name (its form's path) -> the model its form is validated into.
FORMS: Mapping[str, type[Action]] = {
    "acknowledge": schemas.Acknowledge,
    "forward": schemas.Forward,
    "resolve": schemas.Resolve,
    "reject": schemas.Reject,
    "duplicate": schemas.MarkDuplicate,
    "reopen": schemas.Reopen,
    "assign": schemas.Assign,
    "notes": NoteForm,
}
FORM_ONLY = frozenset({"csrf"})  # the form's own fields, not the action's


def validated(model: type[Model], fields: Mapping[str, object]) -> Model:
    """``fields`` (a form's) as ``model``; refused as FastAPI refuses a body (422
    ``invalid_input``, locations under "body"), so the same handlers word it."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        errors = [
            {"type": e["type"], "loc": ("body", *e["loc"]), "msg": e["msg"], "input": e["input"]}
            | ({"ctx": e["ctx"]} if "ctx" in e else {})
            for e in exc.errors(include_url=False)
        ]
        raise RequestValidationError(errors) from None


def from_form(action: str, fields: Mapping[str, str]) -> Action:
    """A page's form for ``action`` as its model; an unknown action raises KeyError (a 404)."""
    model = FORMS[action]
    return validated(model, {k: v for k, v in fields.items() if k not in FORM_ONLY})


def perform(
    session: Session,
    state: RegionState,
    actor: Actor,
    report_id: int,
    body: Action,
    *,
    options: Options,
    stored: Sequence[StoredPhoto] = (),
) -> object:
    """Carry out the action ``body`` stands for (inside the caller's transaction). A resolve's
    after-photos, already stored, are checked as proof and hang on its event, so the proof
    and the change commit together."""
    where = (session, state, actor, report_id)
    match body:
        case schemas.Acknowledge():
            return answer.acknowledge(*where, note=body.note, options=options)
        case schemas.Forward():
            return forward.forward(
                *where,
                unit_code=body.unit,
                reason=body.reason,
                out_of_authority=body.out_of_authority,
                options=options,
            )
        case schemas.Resolve():
            return resolve.resolve(*where, note=body.note, options=options, after=stored)
        case schemas.Reject():
            return answer.reject(*where, reason=body.reason, note=body.note, options=options)
        case schemas.MarkDuplicate():
            return duplicate.mark_duplicate(
                *where, parent_id=body.parent_id, note=body.note, options=options
            )
        case schemas.Reopen():
            return rating.reopen(*where, reason=body.reason, rating=None, options=options)
        case schemas.Assign():
            return assign.assign(*where, officer_id=body.officer, note=body.note, options=options)
        case schemas.AddNote():
            return answer.add_note(*where, note=body.note, internal=body.internal, options=options)
        case _:
            assert_never(body)
