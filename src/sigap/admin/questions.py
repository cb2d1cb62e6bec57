"""Console use cases on a category's extra questions: list, add, change, remove.

Like every console change, each runs in the caller's transaction, writes its audit row and
marks the reference data as changed. Changes apply to reports submitted afterwards; answers
already stored stay as they are. That is why a question is never deleted but retired (kept
inactive, so old answers keep their meaning and their code is not reused), and why its datatype
cannot change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap.auth.service import Subject
from sigap.errors import SigapError
from sigap.history.audit import record, touch
from sigap.models import Category, CategoryQuestion
from sigap.models.category import LIST_DATATYPES, QUESTION_DATATYPES, TRANSIT_DATATYPES
from sigap.regions.questions import CODE, COLUMNS, FIXED

# What the console may change of a question (its code and datatype stay).
FIELDS = tuple(column for column in COLUMNS if column not in FIXED)


def question_dict(question: CategoryQuestion) -> dict[str, Any]:
    return {
        "category_code": question.category_code,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "order": question.position,
        "label_id": question.label_id,
        "label_en": question.label_en,
        "description_id": question.description_id,
        "description_en": question.description_en,
        "values": [dict(choice) for choice in question.choices],
        "active": question.active,
    }


def list_questions(session: Session, category_code: str) -> list[CategoryQuestion]:
    """Every question of a category, retired ones last."""
    _category(session, category_code)
    query = (
        select(CategoryQuestion)
        .where(CategoryQuestion.category_code == category_code)
        .order_by(CategoryQuestion.active.desc(), CategoryQuestion.position, CategoryQuestion.code)
    )
    return list(session.scalars(query))


def _category(session: Session, code: str) -> Category:
    category = session.get(Category, code)
    if category is None:
        raise SigapError("category_not_found", category=code)
    return category


def _question(session: Session, category_code: str, code: str) -> CategoryQuestion:
    _category(session, category_code)
    question = session.scalar(
        select(CategoryQuestion).where(
            CategoryQuestion.category_code == category_code, CategoryQuestion.code == code
        )
    )
    if question is None:
        raise SigapError("question_not_found", category=category_code, question=code)
    return question


def add_question(
    session: Session, actor: Subject, category_code: str, values: dict[str, Any]
) -> CategoryQuestion:
    """A new question, asked last unless ``order`` says otherwise. A code in use, even by a
    retired question, is refused: old answers hold it."""
    _category(session, category_code)
    code, datatype = str(values.get("code") or "").strip(), values.get("datatype")
    if CODE.match(code) is None or datatype not in QUESTION_DATATYPES:
        raise SigapError("invalid_input", detail="code and datatype")
    taken = session.scalar(
        select(CategoryQuestion.id).where(
            CategoryQuestion.category_code == category_code, CategoryQuestion.code == code
        )
    )
    if taken is not None:
        raise SigapError("code_taken", key=f"{category_code}/{code}")
    if datatype in TRANSIT_DATATYPES and session.scalar(
        select(CategoryQuestion.code).where(
            CategoryQuestion.category_code == category_code,
            CategoryQuestion.datatype == datatype,
            CategoryQuestion.active,
        )
    ):
        raise SigapError("question_transit_twice", category=category_code, datatype=datatype)
    last = session.scalar(
        select(func.max(CategoryQuestion.position)).where(
            CategoryQuestion.category_code == category_code
        )
    )
    question = CategoryQuestion(
        category_code=category_code,
        code=code,
        datatype=datatype,
        required=False,
        position=(last or 0) + 1,
        description_id="",
        description_en="",
        choices=[],
        active=True,
    )
    _apply(question, values)
    session.add(question)
    session.flush()
    after = question_dict(question)
    record(session, actor, "question.add", "question", _target(question), after=after)
    touch(session)
    return question


def update_question(
    session: Session, actor: Subject, category_code: str, code: str, values: dict[str, Any]
) -> CategoryQuestion:
    """Change what was sent of :data:`FIELDS`; a different datatype is refused."""
    question = _question(session, category_code, code)
    if values.get("datatype") not in (None, question.datatype):
        raise SigapError("question_datatype_fixed", question=code)
    before = question_dict(question)
    _apply(question, values)
    after = question_dict(question)
    record(
        session, actor, "question.update", "question", _target(question), before=before, after=after
    )
    touch(session)
    return question


def remove_question(session: Session, actor: Subject, category_code: str, code: str) -> None:
    """Retire a question: new reports are no longer asked it; old answers keep their meaning."""
    question = _question(session, category_code, code)
    before = question_dict(question)
    question.active = False
    record(session, actor, "question.remove", "question", _target(question), before=before)
    touch(session)


def _apply(question: CategoryQuestion, values: dict[str, Any]) -> None:
    for key in FIELDS:
        value = values.get(key)
        if value is None:
            continue
        if key == "values":
            question.choices = [dict(choice) for choice in value]
        elif key == "order":
            question.position = int(value)
        elif isinstance(value, str):
            setattr(question, key, value.strip())
        else:
            setattr(question, key, value)
    if not question.label_id or not question.label_en:
        raise SigapError("invalid_input", detail="label_id and label_en")
    keys = [choice["key"] for choice in question.choices]
    if len(set(keys)) != len(keys):
        raise SigapError("invalid_question_values")
    if question.datatype in LIST_DATATYPES and not keys:
        raise SigapError("question_values_required", datatype=question.datatype)
    if question.datatype not in LIST_DATATYPES and keys:
        raise SigapError("question_values_not_allowed", datatype=question.datatype)


def _target(question: CategoryQuestion) -> str:
    return f"{question.category_code}/{question.code}"
