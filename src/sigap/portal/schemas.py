"""What the portal's JSON API answers, declared for its OpenAPI document.

The handlers build these answers as dictionaries (the map's clusters are its hottest read) and
return them as they are: the models here describe them and are not run per request. A test
validates the real answers against them (``extra="forbid"``), so the two cannot drift apart.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from sigap.models.states import ReportStatus


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MapCluster(Answer):
    lon: float = Field(description="Centroid of the cluster's reports")
    lat: float
    count: int
    open: int
    in_progress: int
    resolved: int
    overdue: int | None = Field(
        description="Reports past a deadline; null where the clusters come from the stored "
        "counts (with no time filter), which cannot know it"
    )


class MapPoint(Answer):
    id: int
    lon: float
    lat: float
    status: ReportStatus
    category_code: str
    overdue: bool


class MapClusters(Answer):
    zoom: int
    cell: float | None = Field(description="Grid cell size in degrees; null with points only")
    clusters: list[MapCluster]
    points: list[MapPoint] = Field(description="Single reports (and clusters of one)")
    counts_lag_s: float = Field(
        description="How far behind the changes the counts may be, in seconds (0: never)"
    )
