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
    # --- portal: map ---
    "map_title": ("Peta laporan", "Map of reports"),
    "filter_category": ("Kategori", "Category"),
    "filter_status": ("Status", "Status"),
    "filter_area": ("Wilayah", "Area"),
    "filter_since": ("Dari tanggal", "From"),
    "filter_until": ("Sampai tanggal", "Until"),
    "filter_overdue": ("Hanya yang terlambat", "Overdue only"),
    "filter_all": ("Semua", "All"),
    "filter_apply": ("Terapkan", "Apply"),
    "feed_title": ("Kabar terbaru", "Live feed"),
    "feed_empty": (
        "Belum ada kabar baru sejak halaman dibuka.",
        "Nothing new since you opened the page.",
    ),
    "legend_other": ("Ditutup/ditolak", "Closed/rejected"),
    "legend_overdue": ("Terlambat", "Overdue"),
    "export_these": ("Unduh laporan ini (CSV, GeoJSON)", "Download these reports (CSV, GeoJSON)"),
    "reports_count": ("{n} laporan", "{n} reports"),
    "open_report": ("Lihat laporan", "Open report"),
    # --- portal: report ---
    "report_title": ("Laporan #{id}", "Report #{id}"),
    "reported_at": ("dilaporkan {at}", "reported {at}"),
    "place": ("Lokasi", "Place"),
    "address": ("Alamat", "Address"),
    "responsible_unit": ("Unit penanggung jawab", "Responsible unit"),
    "supporters": ("Dukungan warga", "Citizens supporting"),
    "description": ("Uraian", "Description"),
    "photos": ("Foto", "Photos"),
    "photo_before": ("Sebelum", "Before"),
    "photo_after": ("Sesudah", "After"),
    "photo_other": ("Foto", "Photo"),
    "deadlines": ("Tenggat", "Deadlines"),
    "deadline": ("Tenggat", "Deadline"),
    "deadline_response": ("Tanggapan pertama", "First response"),
    "deadline_resolution": ("Penyelesaian", "Resolution"),
    "due": ("Batas waktu", "Due"),
    "done": ("Terlaksana", "Done"),
    "met": ("Tepat waktu?", "On time?"),
    "met_yes": ("Ya", "Yes"),
    "met_no": ("Tidak", "No"),
    "met_pending": ("Masih berjalan", "Still running"),
    "timeline": ("Riwayat", "Timeline"),
    "action_submit": ("Dilaporkan", "Reported"),
    "action_respond": ("Ditanggapi", "Responded"),
    "action_start": ("Mulai dikerjakan", "Work started"),
    "action_resolve": ("Diselesaikan", "Resolved"),
    "action_reject": ("Ditolak", "Rejected"),
    "action_close": ("Ditutup", "Closed"),
    "action_reopen": ("Dibuka kembali", "Reopened"),
    "action_forward": ("Diteruskan", "Forwarded"),
    "action_escalate": ("Dieskalasi", "Escalated"),
    "action_mark_duplicate": ("Ditandai duplikat", "Marked duplicate"),
    "actor_citizen": ("Warga", "Citizen"),
    "actor_system": ("Sistem", "System"),
    "actor_official": ("Petugas", "Official"),
    "back_to_map": ("Kembali ke peta", "Back to the map"),
}
