"""What the portal's JSON API answers, declared for its OpenAPI document.

The handlers build these answers as dictionaries. The dashboards' are run through
:class:`Dashboard` per request (``response_model``; a fraction of a millisecond). The map's
clusters (its hottest read) and the ranking (hundreds of rows in a city: validating them would
add about 4 ms to a 40 ms read) are answered as built (:func:`sigap.web.responses.dict_response`)
and their models only describe them: their tests validate the real answers against them
(``extra="forbid"``), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sigap.kit import Answer
from sigap.models.states import ReportStatus

LagS = Annotated[
    float,
    Field(description="How far behind the changes the counts may be, in seconds (0: never)"),
]
Share = Annotated[float | None, Field(description="0 to 1; null: nothing to measure yet")]


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
    counts_lag_s: LagS


class Rates(Answer):
    """The shares under their public names (:func:`sigap.portal.fair.rates`)."""

    response_within_sla: Share
    resolution_within_sla: Share
    fixes_held: Share
    mean_rating: float | None = Field(description="1 to 5; null: no rating yet")


Missed = Annotated[int, Field(description="Deadlines passed with nothing done")]
Points = Annotated[float, Field(description="weight x share; 0 with nothing to measure")]


class Component(Answer):
    """One component of the fair score (:func:`sigap.portal.fair.measure`)."""

    hits: int
    of: int = Field(description="What can be judged; 0: nothing to measure yet")
    share: Share
    missed: Missed
    weight: int
    points: Points


class RatingComponent(Answer):
    """The rating's component: a mean, so no hits (keys in the order the answer has them)."""

    hits: None
    of: int = Field(description="Ratings, and misses counted as a rating of 1")
    share: Share
    mean: float | None = Field(description="The mean 1-5 rating; null: nothing to measure yet")
    missed: Missed
    weight: int
    points: Points


class Components(Answer):
    response: Component
    resolution: Component
    fixes_held: Component
    rating: RatingComponent


class Measured(Answer):
    components: Components
    score: float = Field(description="0 to 100")
    judged: int = Field(description="Reports whose response can be judged")


class AreaRef(Answer):
    code: str
    name: str
    level: str


class DashboardArea(Answer):
    code: str | None = Field(description="null: the whole region")
    name: str
    level: str = Field(description="region, provinsi, kabkota, kecamatan or kelurahan")
    lineage: list[AreaRef] = Field(description="The areas above, from the top")


class CategoryCount(Answer):
    code: str
    name: str
    n: int


class UnitCount(Answer):
    code: str
    name: str
    n: int
    pending: int = Field(description="Open or in progress")


class AreaRow(Answer):
    """An area one level down, for drilling down."""

    code: str
    name: str
    level: str
    kind: str
    n: int
    pending: int
    rates: Rates
    score: float


class TrendMonth(Answer):
    month: str = Field(description="YYYY-MM (UTC)")
    by_status: dict[str, int] = Field(description="Reports created that month, by status now")
    n: int


class Dashboard(Answer):
    area: DashboardArea
    totals: dict[str, int] = Field(description="The counts the shares are measured from")
    rates: Rates
    fair: Measured
    by_status: dict[str, int]
    by_category: list[CategoryCount]
    units: list[UnitCount]
    children: list[AreaRow]
    trend: list[TrendMonth] = Field(description="The last 12 months, oldest first")
    median_response_s: float | None
    median_resolution_s: float | None
    counts_lag_s: LagS


class RankRow(Answer):
    """One unit's row (:func:`sigap.portal.ranking.ranking`)."""

    code: str
    name: str
    received: int
    judged: int
    responded_in_sla: int
    response_missed: int
    resolution_missed: int
    rates: Rates
    components: Components
    median_response_s: float | None
    median_resolution_s: float | None
    mean_rating: float | None
    ratings: int
    score: float
    forwarded: int
    forwarded_out_of_authority: int
    ranked: bool = Field(description="false: too few judged reports to rank")
    rank: int | None = Field(description="null when not ranked")


class RankingGroups(Answer):
    kelurahan: list[RankRow]
    kecamatan: list[RankRow]
    agency: list[RankRow] = Field(description="Agencies, city governments, police, utilities")


class Ranking(Answer):
    since_month: str = Field(description="The period's first month, YYYY-MM (UTC)")
    months: int
    minimum: int = Field(description="Judged reports a unit needs to be ranked")
    weights: dict[str, int] = Field(description="Points of each component at a share of 1")
    groups: RankingGroups
    counts_lag_s: LagS


# --- the marketplace's public numbers (sigap.market.numbers_public) ---


class MarketMonth(Answer):
    month: str = Field(description="YYYY-MM, the region's time")
    orders: int | None = Field(description="Completed orders; null: too few shops to publish")
    sales: int | None = Field(description="Their total in whole rupiah; null: as orders")


class MarketKelurahan(Answer):
    code: str
    name: str
    sellers: int = Field(description="Curated shops listed now")
    months: list[MarketMonth]


class MarketNumbers(Answer):
    area: str | None = Field(description="The area's code; null: the whole region")
    months: list[str]
    min_shops: int = Field(description="Shops that sold in a kelurahan-month to publish it")
    sellers: int
    orders: int = Field(description="Completed orders in the months, every kelurahan")
    sales: int = Field(description="Their total in whole rupiah")
    by_month: list[MarketMonth]
    kelurahan: list[MarketKelurahan]
