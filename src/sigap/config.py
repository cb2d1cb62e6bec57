"""Settings: one class, read from the environment (prefix ``SIGAP_``) and never at import time."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGAP_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./sigap.db",
        description="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://user@host/db",
    )
    read_database_url: str | None = Field(
        default=None, description="Optional read replica for public reads; defaults to the primary"
    )
    public_url: str = Field(default="http://127.0.0.1:8000", description="Base URL used in links")
    default_language: str = Field(default="id", pattern="^(id|en)$")
    page_size_max: int = Field(default=100, ge=1, le=1000)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    open311_jurisdiction: str | None = Field(
        default=None,
        description="Open311 jurisdiction_id of this deployment, domain-like (jakarta.go.id); "
        "the region code (31) is always accepted too",
    )
    open311_contact: str | None = Field(
        default=None,
        description="How to reach the operators, for Open311 discovery; defaults to public_url",
    )
    # --- portal ---
    map_tile_url: str | None = Field(
        default=None,
        description="Optional XYZ tile URL template for the public map ({z}/{x}/{y}); without "
        "it the map draws the region's boundaries only (no tile server needed)",
    )
    map_tile_attribution: str = Field(
        default="", description="Attribution shown with the tiles of map_tile_url"
    )
    ranking_min_reports: int = Field(
        default=10, ge=1, description="Reports a unit needs in a period to be ranked"
    )
