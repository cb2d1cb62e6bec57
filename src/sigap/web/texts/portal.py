"""Page texts of the public portal (/): key -> (Bahasa Indonesia, English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
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
    "filters_toggle": ("Filter", "Filters"),
    "in_view_title": ("Laporan di peta ini", "Reports in view"),
    "in_view_empty": (
        "Tidak ada laporan di bagian peta ini.",
        "No reports in this part of the map.",
    ),
    "in_view_noscript": (
        "Daftar laporan di peta memerlukan JavaScript; unduh laporan ini di Data terbuka.",
        "The list of reports in view needs JavaScript; download these reports from Open data.",
    ),
    "in_view_more": ("Tampilkan lebih banyak", "Show more"),
    "kind_kecamatan": ("Kec.", "Kec."),
    "kind_kelurahan": ("Kel.", "Kel."),
    "kind_desa": ("Desa", "Desa"),
    "area_search": ("Cari wilayah", "Find an area"),
    "area_search_hint": (
        "ketik nama kelurahan, desa, kecamatan…",
        "type a kelurahan, desa, kecamatan…",
    ),
    # --- portal: searched and paged lists (areas, ranking) ---
    "search_label": ("Cari nama", "Search by name"),
    "search_hint": ("mis. Gambir, Kel. Menteng", "e.g. Gambir, Kel. Menteng"),
    "search_button": ("Cari", "Search"),
    "search_clear": ("Hapus pencarian", "Clear the search"),
    "search_areas": ("Wilayah yang cocok dengan “{q}”", "Areas matching “{q}”"),
    "no_matches": ("Tidak ada yang cocok.", "Nothing matches."),
    "on_other_pages": ("{n} baris ada di halaman lain.", "{n} rows are on other pages."),
    "pages": ("Halaman", "Pages"),
    "page_of": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
    "page_prev": ("← Sebelumnya", "← Previous"),
    "page_next": ("Berikutnya →", "Next →"),
    "level": ("Tingkat", "Level"),
    "on_map": ("peta", "map"),
    "unranked_title": (
        "Belum diperingkat: kurang dari {min} laporan",
        "Not ranked: fewer than {min} reports",
    ),
    "none_ranked": (
        "Belum ada unit di kelompok ini yang punya cukup laporan untuk diperingkat.",
        "No unit of this group has enough reports to be ranked yet.",
    ),
    "ranking_groups": ("Kelompok unit", "Groups of units"),
    # --- portal: report ---
    "report_title": ("Laporan #{id}", "Report #{id}"),
    "reported_at": ("dilaporkan {at}", "reported {at}"),
    "place": ("Lokasi", "Place"),
    "address": ("Alamat", "Address"),
    "responsible_unit": ("Unit penanggung jawab", "Responsible unit"),
    "report_on_map": ("Lihat di peta", "See it on the map"),
    "description": ("Uraian", "Description"),
    "photos": ("Foto", "Photos"),
    "photo_before": ("Sebelum", "Before"),
    "photo_after": ("Sesudah", "After"),
    "photo_other": ("Foto", "Photo"),
    "deadlines": ("Tenggat", "Deadlines"),
    "deadline_response": ("Tanggapan pertama", "First response"),
    "deadline_resolution": ("Penyelesaian", "Resolution"),
    "due": ("Batas waktu", "Due"),
    "done": ("Terlaksana", "Done"),
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
    # --- portal: dashboards ---
    "dashboard_title": ("Dasbor {name}", "Dashboard: {name}"),
    "breadcrumbs": ("Jejak wilayah", "Breadcrumbs"),
    "whole_region": ("Seluruh wilayah", "Whole region"),
    "see_on_map": ("Lihat di peta", "See on the map"),
    "key_figures": ("Angka utama", "Key figures"),
    "total_reports": ("Laporan", "Reports"),
    "median_response": ("Median waktu tanggapan", "Median time to respond"),
    "median_resolution": ("Median waktu penyelesaian", "Median time to resolve"),
    "response_within_sla": ("Ditanggapi tepat waktu", "Responded within SLA"),
    "resolution_within_sla": ("Diselesaikan tepat waktu", "Resolved within SLA"),
    "reopen_rate": ("Dibuka kembali", "Reopen rate"),
    "by_status": ("Menurut status", "By status"),
    "by_category": ("Menurut kategori", "By category"),
    "trend": ("Laporan per bulan", "Reports per month"),
    "trend_caption": (
        "Laporan baru per bulan (UTC), diwarnai menurut status saat ini; tertinggi {peak}.",
        "New reports per month (UTC), coloured by today's status; highest {peak}.",
    ),
    "sub_areas": ("Wilayah di bawahnya", "Areas within"),
    "area": ("Wilayah", "Area"),
    "reports": ("Laporan", "Reports"),
    "pending": ("Belum selesai", "Pending"),
    "category": ("Kategori", "Category"),
    "unit": ("Unit", "Unit"),
    "responsible_units": ("Unit penanggung jawab", "Responsible units"),
    "dashboard_definitions": (
        "Tepat waktu: tanggapan pertama (atau penyelesaian) sebelum tenggat, dari semua yang "
        "ditanggapi (diselesaikan). Dibuka kembali: laporan yang dibuka lagi, dari yang pernah "
        "diselesaikan. Median dihitung dari kelompok waktu selebar 15% (selisih hingga 7%).",
        "Within SLA: first responses (or resolutions) by their deadline, of all responded "
        "(resolved) reports. Reopen rate: reports reopened, of those ever resolved. Medians "
        "come from time buckets 15% wide (within 7%).",
    ),
    # --- portal: ranking ---
    "ranking_title": ("Peringkat unit", "Unit ranking"),
    "period": ("Periode", "Period"),
    "last_months": ("{n} bulan terakhir", "Last {n} months"),
    "formula_title": ("Cara menghitung", "How the score is computed"),
    "formula_text": (
        "Skor = {w1} \u00d7 porsi ditanggapi tepat waktu + {w2} \u00d7 porsi diselesaikan "
        "tepat waktu + {w3} \u00d7 (1 \u2212 porsi dibuka kembali); 100 adalah terbaik. "
        "Hanya unit dengan sedikitnya {min} laporan dalam periode ini yang diberi peringkat. "
        "Laporan yang diteruskan karena di luar kewenangan unit tidak dihitung untuk unit itu.",
        "Score = {w1} \u00d7 share responded within SLA + {w2} \u00d7 share resolved within "
        "SLA + {w3} \u00d7 (1 \u2212 reopen rate); 100 is best. Only units with at least {min} "
        "reports in the period are ranked. Reports forwarded as outside the unit's authority "
        "do not count against it.",
    ),
    "formula_period": (
        "Laporan yang dibuat sejak bulan {since} (UTC).",
        "Reports created since month {since} (UTC).",
    ),
    "ranking_group_kelurahan": ("Kelurahan", "Kelurahan offices"),
    "ranking_group_kecamatan": ("Kecamatan", "Kecamatan offices"),
    "ranking_group_agency": ("Dinas dan instansi", "Agencies and other bodies"),
    "score": ("Skor", "Score"),
    "received": ("Diterima", "Received"),
    "not_ranked": ("terlalu sedikit", "too few"),
    "no_reports": ("Belum ada laporan.", "No reports yet."),
    # --- portal: open data ---
    "open_data_title": ("Data terbuka", "Open data"),
    "open_data_intro": (
        "Semua laporan publik dapat diunduh, dengan filter yang sama seperti di peta.",
        "Every public report can be downloaded, with the same filters as on the map.",
    ),
    "download_csv": ("Unduh CSV", "Download CSV"),
    "download_geojson": ("Unduh GeoJSON", "Download GeoJSON"),
    "export_filtered": ("Dengan filter:", "Filtered by:"),
    "columns_title": ("Kolom", "Columns"),
    "no_personal_data": (
        "Tanpa data pribadi: tidak ada nama, kontak, perangkat, akun pelapor, ataupun uraian "
        "bebas yang ditulis warga.",
        "No personal data: no reporter name, contact, device or account, and no free text "
        "written by citizens.",
    ),
    "chain_title": (
        "Riwayat yang tidak bisa diubah diam-diam",
        "History that cannot be quietly rewritten",
    ),
    "chain_text": (
        "Setiap peristiwa pada riwayat laporan dan setiap perubahan konsol admin membawa hash "
        "yang terikat pada peristiwa sebelumnya. Setiap hari ujung-ujung rantai itu terbit di "
        "sini; simpan berkasnya: jika riwayat kemudian diubah, `sigap audit verify --heads "
        "BERKAS` menunjukkannya. Tanggal lain: ganti tanggal di alamat berkas.",
        "Every event of a report's history and every admin console change carries a hash "
        "chained to the one before it. The chains' heads are published here every day; save "
        "the file: if the history is changed later, `sigap audit verify --heads FILE` shows it. "
        "Other days: change the date in the file's address.",
    ),
    "chain_digest_of": ("Ringkasan rantai {day} ({zone}):", "Chain digest of {day} ({zone}):"),
    "chain_heads_file": ("Ujung rantai (JSON)", "Chain heads (JSON)"),
    "licence_title": ("Lisensi", "Licence"),
    "licence_text": (
        "Data laporan dapat digunakan ulang di bawah Creative Commons Atribusi 4.0 (CC BY 4.0); "
        "sebutkan Sigap dan pemerintah daerah sebagai sumber. Batas wilayah mengikuti lisensi "
        "sumbernya (lihat paket wilayah).",
        "Report data may be reused under Creative Commons Attribution 4.0 (CC BY 4.0); credit "
        "Sigap and the local government. Boundaries follow their sources' licences (see the "
        "region pack).",
    ),
    "open311_text": (
        "Aplikasi lain dapat membaca dan mengirim laporan melalui Open311 GeoReport v2:",
        "Other apps can read and submit reports through Open311 GeoReport v2:",
    ),
    "api_docs": ("Dokumentasi API", "API documentation"),
}
