"""Settings: one class, read from the environment (prefix ``SIGAP_``) and never at import time."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    sqlite_busy_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="SQLite: how long a request waits for a lock another process holds (a "
        "long write, a backup) before it answers 503 database_unavailable",
    )
    writer_process: bool = Field(
        default=True,
        description="write submitted reports from a process of their own (python -m "
        "sigap.writer) instead of a thread of the server: the writer then has a core and a GIL "
        "of its own",
    )
    open311_jurisdiction: str | None = Field(
        default=None,
        description="Open311 jurisdiction_id of this deployment, domain-like (jakarta.go.id); "
        "the region code (31) is always accepted too",
    )
    open311_contact: str | None = Field(
        default=None,
        description="How to reach the operators, for Open311 discovery; defaults to public_url",
    )
    api_key_cache_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a process trusts a channel API key it saw valid before it reads "
        "it again (0: read on every POST); a revoked key stops working within this time in "
        "other processes, at once in the one that revoked it",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the reverse proxies in front of Sigap, "
        "comma-separated; only their X-Forwarded-For and X-Forwarded-Proto are believed. Empty "
        "(the default): no proxy header is believed and a client's address is the peer's; "
        "'*' believes every peer (only where nothing but the proxy can reach the server)",
    )
    # --- workflow ---
    rating_window_days: int = Field(
        default=7, ge=1, le=90, description="A resolved report not rated in this time closes"
    )
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    api_token_days: int = Field(default=90, ge=1, le=365)
    cookie_secure: bool | None = Field(
        default=None, description="Secure flag of the session cookie; default: public_url is https"
    )
    # --- sign-in throttling (sigap.auth.throttle) ---
    sign_in_free_failures: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins of one account before delays"
    )
    sign_in_lock_failures: int = Field(
        default=10,
        ge=2,
        le=1000,
        description="Failed sign-ins of one account that lock it for sign_in_lock_minutes",
    )
    sign_in_lock_minutes: float = Field(default=15.0, gt=0, le=24 * 60)
    sign_in_fade_minutes: float = Field(
        default=15.0,
        gt=0,
        le=60,
        description="An account's failed sign-ins are forgotten one every this many minutes",
    )
    sign_in_delay_s: float = Field(
        default=5.0, gt=0, le=3600, description="The first delay; each further failure doubles it"
    )
    sign_in_delay_max_s: float = Field(default=300.0, gt=0, le=3600, description="Longest delay")
    sign_in_address_free_failures: int = Field(
        default=30,
        ge=1,
        le=10_000,
        description="Failed sign-ins from one address (any accounts) before delays: generous, "
        "for an office behind one NAT",
    )
    sign_in_address_fade_minutes: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="An address's failed sign-ins are forgotten one every this many minutes",
    )
    sign_in_notify_citizens: bool = Field(
        default=False,
        description="Also e-mail citizens when their account is locked (officials always are)",
    )
    sweep_interval_s: float = Field(
        default=60.0, gt=0, description="How often the worker looks for overdue reports"
    )
    # --- market (issue #28) ---
    market_curator_unit: str = Field(
        default="umkm",
        max_length=64,
        description="The unit (code) whose officials verify, curate and suspend sellers",
    )
    market_accept_minutes: int = Field(
        default=60, ge=5, le=24 * 60, description="An order not accepted in this time expires"
    )
    market_complete_hours: int = Field(
        default=72, ge=1, le=24 * 30, description="A handed-over order completes after this"
    )
    market_photo_max_count: int = Field(
        default=6, ge=1, le=20, description="Photos of one product (the report photos' checks)"
    )
    stats_fold_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="PostgreSQL: how often the worker folds the queued counts into the portal's",
    )
    # --- photos ---
    media_dir: str = Field(
        default="./media", description="Directory of stored photos (the local storage backend)"
    )
    media_min_free_mb: int = Field(
        default=200,
        ge=0,
        description="Photos are refused (507 storage_full) rather than leave less free space "
        "than this on the media folder's disk; sigap check fails under it",
    )
    media_url: str | None = Field(
        default=None, description="Base URL of stored photos; defaults to public_url + /media"
    )
    photo_max_count: int = Field(default=5, ge=1, le=20, description="Photos per submission")
    photo_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted photo file, in bytes"
    )
    photo_max_pixels: int = Field(
        default=50_000_000,
        ge=1,
        le=170_000_000,
        description="Largest accepted photo in pixels (width x height), against decompression "
        "bombs; read from the header before decoding",
    )
    photo_format: str = Field(
        default="jpeg", pattern="^(jpeg|webp)$", description="Format of stored renditions"
    )
    photo_quality: int = Field(default=80, ge=30, le=95)
    photo_keep_original: bool = Field(
        default=False,
        description="Also keep the uploaded file as sent (WITH its metadata, e.g. GPS); it is "
        "never served",
    )
    photo_required_channels: list[str] = Field(
        default=["web"],
        description="Channels that must send a photo when the category requires one "
        "(the citizen web app); the JSON API and Open311 may send none",
    )
    photo_workers: int = Field(
        default=2, ge=1, le=64, description="Photos decoded at the same time (bounds memory)"
    )
    proof_max_distance_m: float = Field(
        default=150,
        ge=10,
        le=100_000,
        description="An after-photo whose GPS position is farther than this from the report "
        "(metres) is refused as proof of the fix",
    )
    # --- portal ---
    map_tile_url: str | None = Field(
        default=None,
        description="Optional XYZ tile URL template for every map ({z}/{x}/{y}); without it "
        "the maps draw Sigap's own street tiles from the region pack (no tile server needed)",
    )
    tile_dir: str | None = Field(
        default=None,
        description="Folder where Sigap's street tiles are kept once drawn, across restarts and "
        "processes; `sigap draw-tiles` fills it ahead of the first visitors",
    )
    map_tile_attribution: str = Field(
        default="", description="Attribution shown with the tiles of map_tile_url"
    )
    ranking_min_reports: int = Field(
        default=10, ge=1, description="Judged reports a unit needs in a period to be ranked"
    )
    # --- admin ---
    region_check_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often each process checks whether the admin console changed the "
        "region's units, categories or routing (0: never; the changing process reloads at once)",
    )
    # --- transit ---
    transit_check_seconds: float = Field(
        default=5.0,
        ge=0,
        description="How often each process looks whether a new version of the transit network "
        "was imported (sigap import-gtfs); the next journey after that builds it",
    )
    # --- citizen ---
    citizen_nearby_m: float = Field(
        default=50.0, gt=0, le=5000, description="Radius of the nearby-report suggestion"
    )
    citizen_nearby_days: int = Field(
        default=30, ge=1, le=365, description="Age limit of nearby-report suggestions"
    )
    citizen_nearby_m_by_category: dict[str, float] = Field(
        default_factory=dict,
        description="Per-category radius of the nearby suggestion (e.g. banjir: 300)",
    )
    shutdown_timeout_s: float = Field(
        default=15.0,
        gt=0,
        le=600,
        description="On SIGTERM: how long requests in progress may take to finish",
    )
    # --- the fare card (sigap.cards, docs/cards.md) ---
    card_balance_floor: int = Field(
        default=0,
        ge=-1_000_000,
        le=0,
        description="The lowest balance a card may reach, in rupiah (0: never negative; "
        "-5000: a ride on credit); a fare beyond it stays unpaid",
    )
    card_balance_max: int = Field(
        default=2_000_000,
        ge=10_000,
        le=100_000_000,
        description="The highest balance a top-up may bring a card to, in rupiah",
    )
    card_qris_merchant: str | None = Field(
        default=None,
        max_length=512,
        description="The city's static QRIS merchant code: top-ups offer a dynamic QRIS code",
    )
    card_qris_notify_secret: str | None = Field(
        default=None,
        min_length=16,
        max_length=256,
        description="The secret the QRIS acquirer signs its payment notifications with "
        "(POST /api/v1/payments/qris/notifications); unset: QRIS top-ups stay pending",
    )
    # --- abuse limits, the same on every channel (sigap.reports.limits) ---
    secret_key: str | None = Field(
        default=None,
        description="Signs the citizen app's device ids; unset: a secret the database made "
        "for itself at migration 0021",
    )
    reports_per_hour: int = Field(
        default=10, ge=1, description="Reports one account, or one device, may file an hour"
    )
    address_reports_per_hour: int = Field(
        default=30,
        ge=1,
        description="Reports one address may file an hour without a channel key (several "
        "phones share an address behind a carrier's NAT)",
    )
    channel_reports_per_hour: int = Field(
        default=600, ge=1, description="Reports an hour per Open311 channel, unless set on it"
    )
    identical_per_day: int = Field(
        default=2,
        ge=1,
        description="Reports of the same category within identical_m one account or device "
        "may file a day",
    )
    identical_m: float = Field(default=50.0, gt=0, le=5000)
    supports_per_hour: int = Field(
        default=30, ge=1, description="+1s one account, device or address may give an hour"
    )
    follows_per_hour: int = Field(
        default=60, ge=1, description="Reports one account may start following an hour"
    )
    citizen_password_min: int = Field(default=8, ge=6, le=128)
    # --- notify ---
    smtp_host: str | None = Field(default=None, description="SMTP server; no e-mail when unset")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_timeout_s: float = Field(default=10.0, gt=0)
    mail_from: str = Field(default="Sigap <noreply@localhost>", description="From: of e-mails")
    outbox_max_attempts: int = Field(default=10, ge=1, description="failures before 'dead'")
    outbox_backoff_s: float = Field(default=10.0, gt=0, description="first retry delay")
    outbox_backoff_max_s: float = Field(default=3600.0, gt=0, description="longest retry delay")
    outbox_lease_s: float = Field(
        default=120.0, gt=0, description="a claimed message returns to the queue after this"
    )
    outbox_batch: int = Field(default=50, ge=1, le=1000)
    outbox_keep_days: float = Field(default=7.0, ge=0, description="keep delivered messages")
    worker_poll_s: float = Field(default=1.0, gt=0, description="idle worker polls this often")
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, description="wall time of a whole delivery, however slow the receiver"
    )
    webhook_allow: str = Field(
        default="",
        description="comma-separated networks (CIDR) that webhooks may reach although they are "
        "loopback, private, link-local or otherwise not public: on-premise receivers",
    )
    worker_concurrency: int = Field(
        default=8, ge=1, le=100, description="deliveries a worker runs side by side"
    )
    inprocess_worker: bool = Field(
        default=False, description="run the outbox worker inside the server (sigap demo)"
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's native OpenTelemetry traces, metrics and logs, for a deployment "
        "that configures an OpenTelemetry provider (off: nothing is asked of the providers)",
    )
    warm_maps: bool = Field(
        default=True,
        description="build the street layer, the place search index and the transit network "
        "(with today's timetable) on threads at start, so the first map, search and journey do "
        "not wait a second or two for them",
    )
    live_poll_s: float = Field(
        default=2.0, gt=0, description="live events: look for changes without a notification"
    )
    live_keepalive_s: float = Field(default=15.0, gt=0)
    live_queue_size: int = Field(default=500, ge=1, description="events a slow client may lag")

    @field_validator("webhook_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        """A mistyped network fails at start-up, not at the first delivery it should allow."""
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
        return value

    @model_validator(mode="after")
    def _lock_after_the_delays(self) -> Settings:
        if self.sign_in_lock_failures <= self.sign_in_free_failures:
            raise ValueError("sign_in_lock_failures must be above sign_in_free_failures")
        return self

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: object) -> object:
        """``10.0.0.5, 10.1.0.0/16`` from the environment; each entry must be an address or a
        network, so a typing error fails at start rather than trusting nobody in silence."""
        entries = value.split(",") if isinstance(value, str) else value
        if not isinstance(entries, list):
            return value
        entries = [str(entry).strip() for entry in entries if str(entry).strip()]
        for entry in entries:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)
        return entries
