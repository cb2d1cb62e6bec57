"""Page texts shared by every app: layout, error pages, statuses, workflow facts."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- layout ---
    "site_name": ("Sigap", "Sigap"),
    "tagline": ("Laporan warga, tanggapan pemerintah", "Citizen reports, government response"),
    "skip_to_content": ("Langsung ke isi", "Skip to content"),
    "nav_main": ("Navigasi utama", "Main navigation"),
    "nav_map": ("Peta", "Map"),
    "nav_report": ("Laporkan", "Report a problem"),
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
    # --- error pages (web/errors.py, error.html) ---
    "error_title_404": ("Halaman tidak ditemukan", "Page not found"),
    "error_title_403": ("Anda tidak diizinkan membuka halaman ini", "You may not open this page"),
    "error_title_429": (
        "Terlalu banyak permintaan; tunggu sebentar",
        "Too many requests; please wait a moment",
    ),
    "error_title_500": ("Terjadi kesalahan di server", "Something went wrong on the server"),
    "error_title_other": ("Permintaan tidak dapat diproses", "The request could not be handled"),
    "error_500": (
        "Maaf, halaman ini gagal dibuat. Coba lagi sebentar lagi.",
        "Sorry, this page could not be made. Please try again in a moment.",
    ),
    "error_code": ("Kode galat", "Error code"),
    "error_to_app": ("Buka aplikasi warga", "Open the citizen app"),
    # --- statuses ---
    "status_open": ("Baru", "Open"),
    "status_in_progress": ("Diproses", "In progress"),
    "status_resolved": ("Selesai", "Resolved"),
    "status_rejected": ("Ditolak", "Rejected"),
    "status_duplicate": ("Duplikat", "Duplicate"),
    "status_closed": ("Ditutup", "Closed"),
    # --- portal: workflow facts ---
    "mean_rating": ("Rata-rata penilaian", "Mean rating"),
    "forwarded_col": ("Diteruskan", "Forwarded"),
    "of_which_outside": ("{n} di luar kewenangan", "{n} outside its authority"),
    "formula_forwards": (
        "Laporan dihitung untuk unit yang memegangnya: laporan yang diteruskan pindah ke unit "
        "penerima, sehingga laporan di luar kewenangan tidak merugikan unit pengirim. Kolom "
        "'Diteruskan' menunjukkan berapa laporan yang diteruskan setiap unit dan berapa yang "
        "dinyatakan di luar kewenangannya.",
        "A report counts for the unit that holds it: a forwarded report moves to the receiving "
        "unit, so a report outside a unit's authority never counts against the sender. The "
        "'Forwarded' column shows how many reports each unit passed on and how many of those it "
        "declared outside its authority.",
    ),
    "escalated_to": ("Dieskalasi ke", "Escalated to"),
    "duplicate_of": ("Duplikat dari laporan", "Duplicate of report"),
    "rejection_reason": ("Alasan penolakan", "Reason for rejection"),
    "rating": ("Penilaian pelapor", "Reporter's rating"),
    # --- every map: the place search box (web/maps.py, static/basemap.js) ---
    "place_search_label": ("Cari tempat", "Search a place"),
    "place_search_placeholder": ("Cari jalan, RW, kelurahan…", "Search a street, RW, kelurahan…"),
    "place_search_none": ("Tidak ada tempat dengan nama itu.", "No place has that name."),
    "place_search_failed": (
        "Pencarian gagal; periksa koneksi lalu coba lagi.",
        "The search failed; check the connection and try again.",
    ),
    "place_kind_street": ("Jalan", "Street"),
    "place_kind_rw": ("Rukun warga", "Neighbourhood (RW)"),
    "place_kind_kelurahan": ("Kelurahan/desa", "Kelurahan/village"),
    "place_kind_kecamatan": ("Kecamatan", "District (kecamatan)"),
    "place_kind_kabkota": ("Kota/kabupaten", "City/regency"),
    # --- any map: "locate me" (static/locate.js, templates/_locate.html) ---
    "locate_me": ("Lokasi saya", "Locate me"),
    "locate_waiting": ("Mencari lokasi Anda…", "Finding your location…"),
    "locate_found": ("Anda di sini (±{m} m).", "You are here (±{m} m)."),
    "locate_denied": ("Izin lokasi ditolak.", "Location permission was refused."),
    "locate_failed": (
        "Lokasi perangkat tidak bisa didapat.",
        "Your device's location could not be found.",
    ),
    "locate_none": ("Perangkat ini tidak memberi lokasi.", "This device gives no location."),
}
