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
    "error_title_503": ("Layanan sedang tidak tersedia", "Temporarily unavailable"),
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
    "place_kind_station": ("Stasiun/halte", "Station/stop"),
    "place_kind_place": ("Tempat", "Place"),
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
    # --- form field errors (web/fields.py; the browser's own checks say the same) ---
    "form_check_fields": (
        "Ada isian yang perlu diperbaiki: lihat keterangan merah di bawahnya.",
        "Some fields need fixing: see the notes in red below them.",
    ),
    "field_missing": ("Wajib diisi.", "This is required."),
    "field_too_short": (
        "Terlalu pendek: tulis paling sedikit {min_length} karakter.",
        "Too short: write at least {min_length} characters.",
    ),
    "field_too_long": (
        "Terlalu panjang: paling banyak {max_length} karakter.",
        "Too long: at most {max_length} characters.",
    ),
    "field_format": ("Bentuk isian ini tidak sesuai.", "This is not in the expected form."),
    "field_number": ("Tulis angka, misalnya 30 atau 12.5.", "Write a number, such as 30 or 12.5."),
    "field_invalid": ("Isian ini tidak bisa diterima.", "This value cannot be accepted."),
    "field_email": (
        "Tulis alamat e-mail lengkap, misalnya nama@contoh.id.",
        "Write a whole e-mail address, such as name@example.org.",
    ),
    "field_location": (
        "Pilih lokasinya: pakai lokasi saya, atau ketuk peta.",
        "Choose the location: use my location, or tap the map.",
    ),
    "field_outside_service_area": (
        "Titik ini di luar wilayah layanan {region}. Pilih titik di dalam wilayah ini.",
        "This point is outside the {region} service area. Choose a point inside it.",
    ),
    "field_category": ("Pilih salah satu kategori.", "Choose one of the categories."),
    "field_stars": ("Pilih jumlah bintang.", "Choose a number of stars."),
    "field_attribute_required": ("Wajib dijawab.", "Please answer this."),
    "field_invalid_attribute_value": ("Pilih salah satu pilihan.", "Choose one of the options."),
    "field_attribute_one_value": ("Pilih satu saja.", "Choose only one."),
    "field_attribute_not_a_number": (
        "Tulis angka, misalnya 30 atau 12.5 (titik untuk desimal).",
        "Write a number, such as 30 or 12.5.",
    ),
    "field_attribute_not_a_datetime": ("Pilih tanggal dan jam.", "Choose a date and a time."),
    "field_invalid_attribute_type": ("Tulis dalam satu baris.", "Write it on one line."),
    "field_attribute_too_long": (
        "Terlalu panjang: paling banyak {limit} karakter.",
        "Too long: at most {limit} characters.",
    ),
    "field_rating_reason_required": (
        "1 atau 2 bintang membuka kembali laporan: tulis alasannya di sini.",
        "1 or 2 stars reopen the report: write why here.",
    ),
    "field_note_required": (
        "Tulis catatan atau alasannya di sini.",
        "Write the note or reason here.",
    ),
}
