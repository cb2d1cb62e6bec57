"""Request bodies of the moderators' admin API (/api/v1/admin, docs/moderation.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from sigap.inputs import Input

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
