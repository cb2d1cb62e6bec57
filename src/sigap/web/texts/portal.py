"""Page texts of the public portal (/): key -> (Bahasa Indonesia, English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- portal: map ---
    "map_title": ("Peta laporan", "Map of reports"),
    "filter_category": ("Kategori", "Category"),
    "filter_status": ("Status", "Status"),
    "filter_area": ("Wilayah", "Area"),
    "filter_route": ("Rute angkutan umum", "Transit route"),
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
        "Belum diperingkat: kurang dari {min} laporan yang dapat dinilai",
        "Not ranked: fewer than {min} reports that can be judged yet",
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
    "proof_title": ("Bukti perbaikan", "Proof of fix"),
    "proof_verified": ("Terverifikasi", "Verified"),
    "proof_unverified": ("Belum terverifikasi", "Unverified"),
    "proof_verified_help": (
        "Foto sesudah diambil setelah laporan dibuat, di dekat lokasinya, dan bukan salinan "
        "foto lain.",
        "The after-photos were taken after the report was filed, near its place, and are not "
        "copies of other photos.",
    ),
    "proof_unverified_help": (
        "Foto sesudah bukan salinan foto lain, tetapi tidak dapat diperiksa sepenuhnya:",
        "The after-photos are not copies of other photos, but could not be fully checked:",
    ),
    "proof_note_no_time": ("tanpa waktu pengambilan", "no capture time"),
    "proof_note_no_gps": ("tanpa lokasi GPS", "no GPS position"),
    "proof_note_time_in_future": ("jam kamera tidak tepat", "the camera's clock is wrong"),
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
    "counts_lag": (
        "Angka diperbarui tiap {s} detik: perubahan beberapa detik terakhir belum terhitung.",
        "Counts are updated every {s} seconds: the last few seconds' changes are not in them yet.",
    ),
    "median_response": ("Median waktu tanggapan", "Median time to respond"),
    "median_resolution": ("Median waktu penyelesaian", "Median time to resolve"),
    "response_within_sla": ("Ditanggapi tepat waktu", "Responded within SLA"),
    "resolution_within_sla": ("Diselesaikan tepat waktu", "Resolved within SLA"),
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
        "ditanggapi (diselesaikan) ditambah yang belum ditanggapi (belum selesai) padahal "
        "tenggatnya lewat. Perbaikan bertahan: laporan yang diperbaiki dan tidak dibuka lagi, "
        "dari yang pernah diperbaiki ditambah yang belum pernah diperbaiki padahal tenggatnya "
        "lewat. Median dihitung dari kelompok waktu selebar 15% (selisih hingga 7%).",
        "Within SLA: first responses (or fixes) by their deadline, of all responded (resolved) "
        "reports plus those still unanswered (unresolved) after their deadline. Fixes that "
        "held: reports fixed and never reopened, of those ever fixed plus those never fixed "
        "though their deadline passed. Medians come from time buckets 15% wide (within 7%).",
    ),
    # --- portal: the marketplace's public numbers (dashboards) ---
    "portal_market_title": ("Pasar UMKM", "The UMKM marketplace"),
    "portal_market_intro": (
        "Toko rumahan yang dikurasi dan pesanan yang selesai (bulan selesai, waktu setempat); "
        "toko demo tidak dihitung. Angka per kelurahan hanya diterbitkan bila sedikitnya {n} "
        "toko berjualan pada bulan itu.",
        "Curated home businesses and completed orders (month of completion, local time); demo "
        "shops are not counted. A kelurahan's numbers are published only when at least {n} "
        "shops sold that month.",
    ),
    "market_sellers": ("Toko terkurasi", "Curated shops"),
    "market_orders": ("Pesanan selesai, {n} bulan", "Completed orders, {n} months"),
    "market_sales": ("Penjualan, {n} bulan", "Sales, {n} months"),
    "market_month": ("Bulan", "Month"),
    "market_orders_short": ("Pesanan", "Orders"),
    "market_sales_short": ("Penjualan", "Sales"),
    # --- portal: the fair score's components (area dashboards, a unit's page) ---
    "fair_title": ("Skor adil dan rinciannya", "The fair score and its parts"),
    "fair_intro_area": (
        "Laporan di wilayah ini, dihitung dengan aturan yang sama seperti peringkat unit.",
        "The reports in this area, counted by the same rule as the unit ranking.",
    ),
    "fair_component": ("Komponen", "Component"),
    "fair_measured": ("Yang diukur", "Measured"),
    "fair_share": ("Porsi", "Share"),
    "fair_points_of": ("Poin / bobot", "Points / weight"),
    "fair_fixes_held": ("Perbaikan bertahan", "Fixes that held"),
    "fair_rating": ("Penilaian pelapor", "Reporters' rating"),
    "fair_of": ("{hits} dari {of}", "{hits} of {of}"),
    "fair_missed_response": (
        "termasuk {n} tak ditanggapi, tenggat lewat",
        "incl. {n} unanswered past the deadline",
    ),
    "fair_missed_resolution": (
        "termasuk {n} belum selesai, tenggat lewat",
        "incl. {n} unresolved past the deadline",
    ),
    "fair_missed_fixes_held": (
        "termasuk {n} tak diperbaiki, tenggat lewat",
        "incl. {n} never fixed past the deadline",
    ),
    "fair_missed_rating": (
        "termasuk {n} tak diperbaiki, dihitung 1",
        "incl. {n} never fixed, counted as 1",
    ),
    "fair_rating_mean": (
        "rata-rata {mean} dari 5 ({n} penilaian)",
        "mean {mean} of 5 ({n} ratings)",
    ),
    "fair_nothing": ("belum ada data", "nothing to measure yet"),
    "fair_nothing_points": (
        "Komponen yang belum ada datanya bernilai 0 poin.",
        "A component with nothing to measure yet gives 0 points.",
    ),
    "fair_sum": ("Skor = {terms} = {score}", "Score = {terms} = {score}"),
    "unit_title": ("{name}: skor dan rinciannya", "{name}: score and its parts"),
    "unit_rank": (
        "Peringkat {rank} dari {of} ({group}), {months} bulan terakhir.",
        "Rank {rank} of {of} ({group}), last {months} months.",
    ),
    "unit_unranked": (
        "Belum diperingkat: baru {judged} laporan yang dapat dinilai, perlu {min}.",
        "Not ranked: only {judged} reports can be judged yet, {min} are needed.",
    ),
    "unit_no_reports": (
        "Unit ini tidak menerima laporan dalam periode ini.",
        "This unit received no reports in this period.",
    ),
    "back_to_ranking": ("Kembali ke peringkat", "Back to the ranking"),
    # --- portal: ranking ---
    "ranking_title": ("Peringkat unit", "Unit ranking"),
    "period": ("Periode", "Period"),
    "last_months": ("{n} bulan terakhir", "Last {n} months"),
    "formula_title": ("Cara menghitung", "How the score is computed"),
    "formula_text": (
        "Skor = {w1} \u00d7 porsi ditanggapi tepat waktu + {w2} \u00d7 porsi diselesaikan "
        "tepat waktu + {w3} \u00d7 porsi perbaikan yang bertahan (tidak dibuka kembali) + "
        "{w4} \u00d7 penilaian pelapor (rata-rata 1\u20135 menjadi 0\u20131); 100 adalah "
        "terbaik. Laporan yang belum ditanggapi (atau belum selesai) padahal tenggatnya lewat "
        "dihitung meleset, sama seperti yang terlambat; laporan yang belum pernah diperbaiki "
        "padahal tenggatnya lewat juga dihitung sebagai perbaikan yang gagal dan penilaian 1. "
        "Jadi mengabaikan laporan tidak pernah lebih menguntungkan daripada menanganinya. "
        "Komponen yang belum ada datanya bernilai 0 poin; skor tidak dihitung ulang atas "
        "komponen lain. Hanya unit dengan sedikitnya {min} laporan yang dapat dinilai (sudah "
        "ditanggapi, atau tenggatnya lewat) dalam periode ini yang diberi peringkat. Laporan "
        "yang diteruskan karena di luar kewenangan unit dihitung untuk unit penerima, tidak "
        "untuk pengirimnya.",
        "Score = {w1} \u00d7 share responded within SLA + {w2} \u00d7 share resolved within "
        "SLA + {w3} \u00d7 share of fixes that held (not reopened) + {w4} \u00d7 reporters' "
        "rating (the 1\u20135 mean as 0\u20131); 100 is best. A report still unanswered (or "
        "unresolved) after its deadline is a miss, like a late one; a report never fixed "
        "though its deadline has passed also counts as a fix that failed and as a rating of "
        "1. So ignoring a report never pays more than handling it. A component with nothing "
        "to measure yet gives 0 points, and the score is not re-scaled to the others. Only "
        "units with at least {min} reports that can be judged (answered, or past their "
        "deadline) in the period are ranked. Reports forwarded as outside the unit's "
        "authority count for the unit that receives them, not against the sender.",
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
        "sini; simpan berkasnya: jika riwayat kemudian diubah, perintah "
        "“sigap audit verify --heads BERKAS” menunjukkannya. Tanggal lain: ganti tanggal "
        "di alamat berkas.",
        "Every event of a report's history and every admin console change carries a hash "
        "chained to the one before it. The chains' heads are published here every day; save "
        "the file: if the history is changed later, the command “sigap audit verify --heads FILE” "
        "shows it. "
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
