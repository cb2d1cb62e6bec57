"""Page texts of the admin console (/admin): key -> (Bahasa Indonesia, English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- admin ---
    "adm_console": ("Konsol admin", "Admin console"),
    "adm_units": ("Unit kerja", "Units"),
    "adm_officials": ("Petugas", "Officials"),
    "adm_categories": ("Kategori & SLA", "Categories & SLA"),
    "adm_routing": ("Aturan rute", "Routing rules"),
    "adm_channels": ("Kanal & kunci API", "Channels & API keys"),
    "adm_webhooks_help": (
        "Sigap mengirim setiap peristiwa laporan ke alamat ini, ditandatangani HMAC-SHA256 "
        "(lihat docs/webhooks.md). Rahasia penandatanganan hanya ditampilkan sekali.",
        "Sigap posts each report event to these addresses, signed with HMAC-SHA256 (see "
        "docs/webhooks.md). The signing secret is shown once.",
    ),
    "adm_webhook_events": (
        "Peristiwa (pisahkan dengan spasi; * = semua)",
        "Events (space-separated; * = all)",
    ),
    "adm_webhook_create": ("Daftarkan webhook", "Register webhook"),
    "adm_webhook_delete": ("Hapus", "Delete"),
    "adm_dead_letters": ("Pesan gagal (dead letter)", "Dead letters"),
    "adm_outbox_counts": ("Antrean outbox", "Outbox queue"),
    "adm_topic": ("Jenis", "Topic"),
    "adm_attempts": ("Percobaan", "Attempts"),
    "adm_last_error": ("Galat terakhir", "Last error"),
    "adm_retry": ("Kirim ulang", "Retry"),
    "adm_no_dead_letters": ("Tidak ada pesan gagal.", "No dead letters."),
    "adm_photos": ("Moderasi foto", "Photo moderation"),
    "adm_events": ("Jejak audit", "Audit trail"),
    "adm_transit": ("Rute angkutan", "Transit routes"),
    "adm_transit_help": (
        "Unggah rute sederhana sebagai CSV dari lembar kerja: satu baris per halte, berurutan "
        "(format di docs/transit.md, contoh di src/sigap/data/transit/examples). Sigap "
        "memeriksanya dan menampilkan pratinjau sebelum mengimpornya sebagai feed GTFS.",
        "Upload simple routes as a CSV from a spreadsheet: one row per stop, in order (the "
        "format in docs/transit.md, an example in src/sigap/data/transit/examples). Sigap "
        "checks it and shows a preview before importing it as a GTFS feed.",
    ),
    "adm_transit_feed": ("Nama feed", "Feed name"),
    "adm_transit_file": ("Berkas CSV", "CSV file"),
    "adm_transit_check": ("Periksa", "Check"),
    "adm_transit_import": ("Impor feed ini", "Import this feed"),
    "adm_transit_preview": ("Pratinjau", "Preview"),
    "adm_transit_route": ("Rute", "Route"),
    "adm_transit_headsign": ("Arah", "Towards"),
    "adm_transit_stops": ("Halte (menit dari halte pertama)", "Stops (minutes from the first)"),
    "adm_transit_service": ("Layanan", "Service"),
    "adm_transit_every": ("setiap {n} menit", "every {n} minutes"),
    "adm_transit_both_ways": ("juga arah sebaliknya", "also the way back"),
    "adm_transit_counts": ("{stops} halte, {trips} perjalanan", "{stops} stops, {trips} trips"),
    "adm_transit_stored": ("Feed tersimpan", "Stored feeds"),
    "adm_transit_version": ("Versi", "Version"),
    "adm_transit_span": ("Berlaku", "Valid"),
    "adm_transit_none": ("Belum ada feed.", "No feed yet."),
    "adm_webhooks": ("Webhook", "Webhooks"),
    "adm_done": ("Perubahan disimpan dan dicatat.", "The change is saved and audited."),
    "adm_secret_once": (
        "Salin sekarang: ini hanya ditampilkan sekali.",
        "Copy it now: it is shown only once.",
    ),
    "adm_code": ("Kode", "Code"),
    "adm_name": ("Nama", "Name"),
    "adm_name_id": ("Nama (Indonesia)", "Name (Indonesian)"),
    "adm_name_en": ("Nama (Inggris)", "Name (English)"),
    "adm_kind": ("Jenis", "Kind"),
    "adm_parent": ("Induk", "Parent"),
    "adm_area": ("Wilayah (kode)", "Area (code)"),
    "adm_unit": ("Unit", "Unit"),
    "adm_unit_create": ("Buat unit", "Create a unit"),
    "adm_unit_change": ("Ubah unit", "Change a unit"),
    "adm_rename": ("Ganti nama", "Rename"),
    "adm_move": ("Pindahkan", "Move"),
    "adm_to_unit": ("Laporan terbuka ke unit", "Open reports go to"),
    "adm_reason": ("Alasan", "Reason"),
    "adm_deactivate": ("Nonaktifkan", "Deactivate"),
    "adm_inactive": ("nonaktif", "inactive"),
    "adm_units_list": ("Semua unit ({count})", "All units ({count})"),
    "adm_official_create": ("Undang petugas", "Invite an official"),
    "adm_role": ("Peran", "Role"),
    "adm_language": ("Bahasa", "Language"),
    "adm_assign": ("Tetapkan", "Assign"),
    "adm_reset_password": ("Atur ulang sandi", "Reset password"),
    "adm_sla_note": (
        "Target waktu berlaku untuk laporan baru; laporan lama tetap dengan tenggatnya.",
        "Targets apply to new reports; existing reports keep their deadlines.",
    ),
    "adm_category_create": ("Buat kategori", "Create a category"),
    "adm_response_hours": ("Tanggapan (jam)", "Response (hours)"),
    "adm_resolution_hours": ("Penyelesaian (jam)", "Resolution (hours)"),
    "adm_photo_required": ("Foto wajib", "Photo required"),
    "adm_active": ("Aktif", "Active"),
    "adm_save": ("Simpan", "Save"),
    "adm_routing_note": (
        "Aturan paling spesifik menang (kategori, lalu wilayah terdalam). Perubahan berlaku "
        "untuk laporan baru saja.",
        "The most specific rule wins (category, then the deepest area). Changes apply to new "
        "reports only.",
    ),
    "adm_tester": ("Uji rute", "Routing tester"),
    "adm_tester_hint": (
        "Klik peta untuk memilih titik.",
        "Click the map to pick a point.",
    ),
    "adm_tester_result": (
        "Laporan di {kelurahan} masuk ke {unit} ({code}).",
        "A report in {kelurahan} goes to {unit} ({code}).",
    ),
    "adm_category": ("Kategori", "Category"),
    "adm_lat": ("Lintang", "Latitude"),
    "adm_lon": ("Bujur", "Longitude"),
    "adm_test": ("Uji", "Test"),
    "adm_any": ("(semua)", "(any)"),
    "adm_rule_add": ("Tambah aturan", "Add a rule"),
    "adm_rules": ("Aturan ({count})", "Rules ({count})"),
    "adm_remove": ("Hapus", "Remove"),
    "adm_channel_create": ("Buat kunci kanal", "Create a channel key"),
    "adm_key_prefix": ("Awalan kunci", "Key prefix"),
    "adm_created": ("Dibuat", "Created"),
    "adm_revoked": ("dicabut", "revoked"),
    "adm_revoke": ("Cabut", "Revoke"),
    "adm_photos_note": (
        "Foto terbaru. Menyembunyikan tidak menghapus: foto bisa dipulihkan.",
        "Newest photos. Hiding deletes nothing: a photo can be restored.",
    ),
    "adm_none": ("Belum ada.", "None yet."),
    "adm_hidden": ("(tersembunyi)", "(hidden)"),
    "adm_hide": ("Sembunyikan", "Hide"),
    "adm_restore": ("Pulihkan", "Restore"),
    "adm_comments": ("Moderasi komentar", "Comment moderation"),
    "adm_comments_note": (
        "Komentar warga terbaru. Sembunyikan yang kasar; sunting untuk menghapus data pribadi.",
        "Citizens' newest comments. Hide abusive ones; redact to remove personal data.",
    ),
    "adm_redact": ("Sunting", "Redact"),
    "adm_when": ("Waktu (UTC)", "When (UTC)"),
    "adm_who": ("Akun", "Account"),
    "adm_action": ("Tindakan", "Action"),
    "adm_target": ("Sasaran", "Target"),
    "adm_change": ("Sebelum → sesudah", "Before → after"),
    # --- admin: a category's extra questions ---
    "adm_questions": ("Pertanyaan tambahan", "Extra questions"),
    "adm_questions_count": ("{n} pertanyaan", "{n} questions"),
    "adm_questions_of": ("Pertanyaan tambahan: {name}", "Extra questions: {name}"),
    "adm_questions_note": (
        "Pertanyaan ditanyakan saat warga melapor di kategori ini (juga lewat API dan Open311). "
        "Perubahan berlaku untuk laporan baru; jawaban lama tetap tersimpan apa adanya. "
        "Pertanyaan yang dihapus hanya dipensiunkan, dan jenis jawabannya tidak bisa diubah. "
        "Jawaban berjenis text hanya dibaca petugas.",
        "Questions are asked when a citizen reports in this category (through the API and "
        "Open311 too). Changes apply to new reports; old answers stay as they were stored. A "
        "removed question is only retired, and its answer type cannot change. Answers of type "
        "text are read by officials only.",
    ),
    "adm_back_categories": ("Kembali ke kategori", "Back to categories"),
    "adm_question_add": ("Tambah pertanyaan", "Add a question"),
    "adm_datatype": ("Jenis jawaban", "Answer type"),
    "adm_required": ("Wajib dijawab", "Required"),
    "adm_order": ("Urutan", "Order"),
    "adm_label_id": ("Pertanyaan (Indonesia)", "Question (Indonesian)"),
    "adm_label_en": ("Pertanyaan (Inggris)", "Question (English)"),
    "adm_description_id": ("Petunjuk menjawab (Indonesia)", "How to answer (Indonesian)"),
    "adm_description_en": ("Petunjuk menjawab (Inggris)", "How to answer (English)"),
    "adm_values": ("Pilihan", "Options"),
    "adm_values_hint": (
        "Untuk singlevaluelist dan multivaluelist: satu pilihan per baris, "
        "key=Nama Indonesia|English name.",
        "For singlevaluelist and multivaluelist: one option a line, "
        "key=Nama Indonesia|English name.",
    ),
    "adm_retired": ("dipensiunkan", "retired"),
    "adm_no_questions": ("Kategori ini belum punya pertanyaan.", "This category asks nothing yet."),
    "datatype_string": ("string: teks satu baris", "string: one line of text"),
    "datatype_number": ("number: angka", "number: a number"),
    "datatype_datetime": ("datetime: tanggal dan jam", "datetime: a date and time"),
    "datatype_text": ("text: teks bebas (hanya petugas)", "text: free text (officials only)"),
    "datatype_singlevaluelist": ("singlevaluelist: pilih satu", "singlevaluelist: choose one"),
    "datatype_multivaluelist": (
        "multivaluelist: pilih satu atau lebih",
        "multivaluelist: choose one or more",
    ),
    "datatype_transit_route": (
        "transit_route: rute angkutan umum (laporan ke operatornya)",
        "transit_route: a transit route (the report goes to its operator)",
    ),
    "datatype_transit_stop": (
        "transit_stop: halte atau stasiun di rute itu",
        "transit_stop: a stop or station on that route",
    ),
}
