"""The words on server-rendered pages: key -> (Bahasa Indonesia, English).

Pages never hard-code a sentence; they call ``t("key")`` (see :mod:`sigap.web.pages`), so both
languages stay complete and a missing key fails a test instead of showing up half translated.
Placeholders use ``str.format`` names: ``t("count_reports", n=3)``. Add keys of a new page in a
block under a comment naming the page (eases merging between branches).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- layout ---
    "site_name": ("Sigap", "Sigap"),
    "tagline": ("Laporan warga, tanggapan pemerintah", "Citizen reports, government response"),
    "skip_to_content": ("Langsung ke isi", "Skip to content"),
    "nav_main": ("Navigasi utama", "Main navigation"),
    "nav_map": ("Peta", "Map"),
    "nav_areas": ("Wilayah", "Areas"),
    "nav_ranking": ("Peringkat", "Ranking"),
    "nav_open_data": ("Data terbuka", "Open data"),
    "nav_api": ("API", "API"),
    "language_switch": ("English", "Bahasa Indonesia"),
    "language_switch_label": ("Ganti bahasa", "Change language"),
    "footer_note": (
        "Sigap: laporan publik tanpa identitas pelapor.",
        "Sigap: public reports without the reporter's identity.",
    ),
    "not_found_title": ("Halaman tidak ditemukan", "Page not found"),
    # --- statuses ---
    "status_open": ("Baru", "Open"),
    "status_in_progress": ("Diproses", "In progress"),
    "status_resolved": ("Selesai", "Resolved"),
    "status_rejected": ("Ditolak", "Rejected"),
    "status_duplicate": ("Duplikat", "Duplicate"),
    "status_closed": ("Ditutup", "Closed"),
}
