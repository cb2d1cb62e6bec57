"""Request bodies and answers of the moderators' admin API (/api/v1/admin, docs/moderation.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from sigap.inputs import Input
from sigap.kit import Answer, IsoTime
from sigap.models.states import ReportStatus

Part = Literal["description", "address", "notes", "answers", "comments"]
Reason = Annotated[
    str,
    Field(
        min_length=3,
        max_length=500,
        description="Why (kept in the audit and on the officials' timeline; do not copy the "
        "personal data it concerns into it)",
    ),
]


class Hide(Input):
    model_config = ConfigDict(extra="forbid")

    reason: Reason
    parts: list[Part] = Field(
        default=["description", "address", "notes", "answers", "comments"],
        min_length=1,
        description="What the public no longer sees: the description, the address, the notes "
        "of the timeline (officials' public answers), the answers to the category's questions, "
        "citizens' comments (also closed to new ones)",
    )
    description: Annotated[str, Field(max_length=4000)] | None = Field(
        default=None,
        description="A redacted description the public sees instead (needs part description)",
    )
    address: Annotated[str, Field(max_length=300)] | None = Field(
        default=None, description="A redacted address the public sees instead (needs part address)"
    )


class Undo(Input):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class Publish(Input):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(max_length=500)] = ""


class Triage(Input):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(description="New reports wait for a moderator before they are public")


class ModeratedReport(Answer):
    """A report as the moderators see it: its own text and what the public sees
    (:func:`sigap.workflow.moderation.report_dict`)."""

    id: int
    category_code: str
    status: ReportStatus
    created_at: IsoTime
    kelurahan_code: str
    kelurahan_name: str
    unit_code: str | None
    description: str = Field(description="As the reporter wrote it")
    address: str | None
    visibility: Literal["public", "pending", "withheld"] = Field(
        description="pending: waits for a moderator (triage); withheld: taken down"
    )
    confidential: bool
    hidden_parts: list[Part] = Field(description="What the public no longer sees")
    public_description: str | None = Field(description="The redacted text the public sees")
    public_address: str | None


class ModerationQueue(Answer):
    triage: bool = Field(description="Whether new reports wait for a moderator")
    queue: Literal["pending", "hidden", "withheld", "confidential"]
    items: list[ModeratedReport]


class TriageState(Answer):
    triage: bool
