"""The one error family.

Every error a client can see is a :class:`SigapError`: a stable machine ``code`` (never renamed:
clients and the Open311 adapter switch on it), an HTTP status, and a human message in Bahasa
Indonesia and English from :data:`MESSAGES`. Expected business errors are never a 500. The JSON
shape is the same everywhere::

    {"error": {"code": "outside_service_area", "message": "...", "details": [...]}}
"""

from __future__ import annotations

from typing import Any

# code -> (Bahasa Indonesia, English); "{name}" placeholders are filled from the error's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": (
        "Alamat ini tidak ada.",
        "There is nothing at this address.",
    ),
    "report_not_found": (
        "Laporan {report_id} tidak ditemukan.",
        "Report {report_id} was not found.",
    ),
    "area_not_found": (
        "Wilayah dengan kode {area} tidak ditemukan.",
        "No area has the code {area}.",
    ),
    "unknown_category": (
        "Kategori '{category}' tidak dikenal. Lihat daftar di /api/v1/categories.",
        "Unknown category '{category}'. See the list at /api/v1/categories.",
    ),
    "outside_service_area": (
        "Lokasi ({lat}, {lon}) berada di luar wilayah layanan {region}. "
        "Pilih titik di dalam wilayah ini.",
        "The location ({lat}, {lon}) is outside the {region} service area. "
        "Choose a point inside it.",
    ),
    "no_responsible_unit": (
        "Belum ada unit yang menangani kategori '{category}' di wilayah {area}.",
        "No unit handles category '{category}' in area {area} yet.",
    ),
    "invalid_input": (
        "Data yang dikirim tidak valid. Periksa bagian 'details'.",
        "The data sent is not valid. See 'details'.",
    ),
    "invalid_cursor": (
        "Parameter 'cursor' tidak valid; gunakan nilai next_cursor dari halaman sebelumnya.",
        "The 'cursor' parameter is not valid; use next_cursor from the previous page.",
    ),
    "invalid_bbox": (
        "Parameter 'bbox' harus berupa min_lon,min_lat,max_lon,max_lat dengan min < max.",
        "The 'bbox' parameter must be min_lon,min_lat,max_lon,max_lat with min < max.",
    ),
    "invalid_idempotency_key": (
        "Header Idempotency-Key harus berisi 1 sampai 200 karakter.",
        "The Idempotency-Key header must be 1 to 200 characters long.",
    ),
    "idempotency_key_reused": (
        "Idempotency-Key ini sudah dipakai untuk laporan lain dengan isi berbeda.",
        "This Idempotency-Key was already used for a different request body.",
    ),
    "method_not_allowed": (
        "Metode HTTP ini tidak didukung di alamat ini.",
        "This HTTP method is not supported here.",
    ),
    "region_not_loaded": (
        "Belum ada data wilayah. Jalankan 'sigap import-region' terlebih dahulu.",
        "No region data is loaded yet. Run 'sigap import-region' first.",
    ),
}


class SigapError(Exception):
    """An error with a stable machine code and a bilingual message."""

    status = 400

    def __init__(
        self,
        code: str,
        *,
        status: int | None = None,
        details: list[dict[str, Any]] | None = None,
        **params: Any,
    ) -> None:
        if code not in MESSAGES:
            raise KeyError(f"error code {code!r} has no message")
        super().__init__(code)
        self.code = code
        self.params = params
        self.details = details or []
        if status is not None:
            self.status = status

    def message(self, language: str) -> str:
        indonesian, english = MESSAGES[self.code]
        template = english if language == "en" else indonesian
        return template.format(**self.params)

    def body(self, language: str) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message(language)}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class NotFound(SigapError):
    status = 404


class InvalidInput(SigapError):
    status = 422


class Conflict(SigapError):
    status = 409


class OutsideServiceArea(InvalidInput):
    def __init__(self, *, lat: float, lon: float, region: str) -> None:
        super().__init__("outside_service_area", lat=lat, lon=lon, region=region)
