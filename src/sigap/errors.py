"""The one error family.

Every error a client can see is a :class:`SigapError`: a stable machine ``code`` (never renamed:
clients and the Open311 adapter switch on it), an HTTP status, and a human message in Bahasa
Indonesia and English from :data:`MESSAGES`. Expected business errors are never a 500. The JSON
shape is the same everywhere::

    {"error": {"code": "outside_service_area", "message": "...", "details": [...]}}
"""

from __future__ import annotations

from typing import Any

# When a client may try again after a 503 (seconds): a database blip or a new writer process
# is over well within it, and a longer outage is not helped by clients asking every second.
RETRY_AFTER_S = 5

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
    "unit_not_found": (
        "Unit dengan kode {unit} tidak ditemukan.",
        "No unit has the code {unit}.",
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
    "writer_unavailable": (
        "Laporan belum tersimpan karena penulis basis data berhenti. Kirim ulang (dengan "
        "Idempotency-Key yang sama).",
        "The report was not stored: the database writer stopped. Send it again (with the same "
        "Idempotency-Key).",
    ),
    "database_unavailable": (
        "Basis data sedang tidak dapat dijangkau. Coba lagi dalam beberapa detik.",
        "The database cannot be reached right now. Please try again in a few seconds.",
    ),
    "region_not_loaded": (
        "Belum ada data wilayah. Jalankan 'sigap import-region' terlebih dahulu.",
        "No region data is loaded yet. Run 'sigap import-region' first.",
    ),
    # Channels and their API keys (sigap channel ..., Open311 POST).
    "invalid_channel_name": (
        "Nama kanal '{name}' tidak bisa dipakai: tulis 1-100 karakter dengan setidaknya satu "
        "huruf atau angka.",
        "The channel name '{name}' cannot be used: write 1-100 characters with at least one "
        "letter or digit.",
    ),
    "reserved_channel_name": (
        "Nama kanal '{name}' (slug '{slug}') dipakai Sigap sendiri; pilih nama lain.",
        "The channel name '{name}' (slug '{slug}') is used by Sigap itself; choose another name.",
    ),
    "channel_key_not_found": (
        "Tidak ada kunci kanal aktif dengan id atau awalan '{key}'. Lihat 'sigap channel list'.",
        "No active channel key has the id or prefix '{key}'. See 'sigap channel list'.",
    ),
    "channel_key_ambiguous": (
        "'{key}' cocok dengan lebih dari satu kunci; pakai id dari 'sigap channel list'.",
        "'{key}' matches more than one key; use the id from 'sigap channel list'.",
    ),
    "missing_api_key": (
        "Kirim api_key kanal Anda untuk membuat laporan. Kunci diberikan oleh pengelola Sigap.",
        "Send your channel's api_key to submit a request. Keys are issued by the operators of "
        "this Sigap deployment.",
    ),
    "invalid_api_key": (
        "api_key tidak valid atau sudah dicabut; minta kunci baru kepada pengelola Sigap.",
        "The api_key is not valid or has been revoked; ask the operators of this Sigap "
        "deployment for a new one.",
    ),
    # Open311 GeoReport v2 (the codes of the errors/error elements).
    "unknown_jurisdiction": (
        "jurisdiction_id '{jurisdiction}' tidak dilayani di sini; gunakan {expected} atau "
        "kosongkan.",
        "jurisdiction_id '{jurisdiction}' is not served here; use {expected} or leave it out.",
    ),
    "unsupported_format": (
        "Format '{format}' tidak didukung; akhiri alamat dengan .xml atau .json.",
        "The format '{format}' is not supported; end the address with .xml or .json.",
    ),
    "unsupported_content_type": (
        "Kirim permintaan sebagai application/x-www-form-urlencoded dengan teks UTF-8.",
        "Send the request as application/x-www-form-urlencoded with UTF-8 text.",
    ),
    "request_too_large": (
        "Permintaan terlalu besar (lebih dari {limit} byte).",
        "The request is too large (more than {limit} bytes).",
    ),
    "service_code_required": (
        "Kirim service_code; daftar layanan ada di services.xml atau services.json.",
        "Send service_code; the list of services is at services.xml or services.json.",
    ),
    "location_required": (
        "Kirim lat dan long (WGS84) bersama-sama. Sigap menentukan kelurahan dari titik, jadi "
        "address_string atau address_id saja belum cukup.",
        "Send lat and long (WGS84) together. Sigap finds the kelurahan from the point, so "
        "address_string or address_id alone is not enough.",
    ),
    "invalid_status": (
        "Status '{value}' tidak dikenal; gunakan open atau closed (boleh dipisah koma).",
        "Unknown status '{value}'; use open or closed (comma-separate both if needed).",
    ),
    "invalid_service_request_id": (
        "service_request_id harus berupa angka dipisah koma (paling banyak {limit}); "
        "'{value}' tidak sesuai.",
        "service_request_id must be numbers separated by commas (at most {limit}); "
        "'{value}' does not fit.",
    ),
    "invalid_radius": (
        "Untuk mencari di sekitar titik, kirim lat, long dan radius (meter, 1-{limit}) "
        "bersama-sama.",
        "To search around a point, send lat, long and radius (metres, 1-{limit}) together.",
    ),  # --- workflow ---
    "invalid_credentials": (
        "E-mail atau kata sandi salah.",
        "Wrong e-mail or password.",
    ),
    "sign_in_throttled": (
        "Terlalu banyak percobaan masuk yang gagal. Tunggu {wait}, lalu coba lagi.",
        "Too many failed sign-in attempts. Wait {wait}, then try again.",
    ),
    "sign_in_locked": (
        "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
        "Coba lagi dalam {wait} (pukul {until}).",
        "This account is locked for now after too many failed sign-in attempts. "
        "Try again in {wait} (at {until}).",
    ),
    "not_signed_in": (
        "Silakan masuk terlebih dahulu (sesi tidak ada, kedaluwarsa, atau dicabut).",
        "Please sign in first (no session, or it expired or was revoked).",
    ),
    "csrf_failed": (
        "Formulir ini kedaluwarsa atau tidak berasal dari Sigap. Muat ulang halaman dan coba lagi.",
        "This form has expired or did not come from Sigap. Reload the page and try again.",
    ),
    "official_only": (
        "Hanya petugas yang dapat melakukan ini.",
        "Only officials can do this.",
    ),
    "token_not_found": (
        "Token {token_id} tidak ditemukan atau sudah dicabut.",
        "Token {token_id} was not found or is already revoked.",
    ),
    "illegal_transition": (
        "Tindakan '{action}' tidak diizinkan untuk laporan berstatus '{state}'. "
        "Lihat tindakan yang diizinkan di 'details'.",
        "The action '{action}' is not allowed on a report in state '{state}'. "
        "See the allowed actions in 'details'.",
    ),
    "unknown_unit": (
        "Unit '{unit}' tidak dikenal.",
        "Unknown unit '{unit}'.",
    ),
    "forward_same_unit": (
        "Laporan sudah berada di unit ini; pilih unit lain.",
        "The report is already with this unit; choose another one.",
    ),
    "assignee_not_in_unit": (
        "Petugas {officer} bukan petugas lapangan aktif di unit laporan ini.",
        "Officer {officer} is not an active field officer of this report's unit.",
    ),
    "assignment_unchanged": (
        "Penugasan tidak berubah: laporan sudah ditugaskan ke petugas itu, atau memang belum "
        "ditugaskan ke siapa pun.",
        "The assignment is unchanged: the report is already with that officer, or was not "
        "assigned to anyone.",
    ),
    "note_required": (
        "Tindakan ini memerlukan catatan.",
        "This action needs a note.",
    ),
    "unknown_rejection_reason": (
        "Alasan penolakan '{reason}' tidak dikenal.",
        "Unknown rejection reason '{reason}'.",
    ),
    "invalid_duplicate_parent": (
        "Laporan {parent_id} tidak dapat menjadi laporan induk ({why}).",
        "Report {parent_id} cannot be the parent report ({why}).",
    ),
    "rating_reason_required": (
        "Penilaian 1 atau 2 bintang membuka kembali laporan dan memerlukan alasan.",
        "A 1 or 2 star rating reopens the report and needs a reason.",
    ),
    "after_photo_required": (
        "Penyelesaian memerlukan setidaknya satu foto sesudah perbaikan.",
        "Resolving needs at least one photo taken after the fix.",
    ),
    "after_photo_copy": (
        "Foto sesudah ke-{number} sama dengan foto laporan #{report_id} (salinan, diperkecil, "
        "dipotong atau dikompresi ulang). Ambil foto baru di lokasi setelah perbaikan.",
        "After-photo {number} is the same as a photo of report #{report_id} (a copy, resized, "
        "cropped or recompressed). Take a new photo at the place after the fix.",
    ),
    "after_photo_too_early": (
        "Foto sesudah ke-{number} diambil pada {taken}, sebelum laporan dibuat ({filed}).",
        "After-photo {number} was taken at {taken}, before the report was filed ({filed}).",
    ),
    "after_photo_too_far": (
        "Foto sesudah ke-{number} diambil {km_id} km dari lokasi laporan (paling jauh {limit} m).",
        "After-photo {number} was taken {km_en} km from the report's location (at most {limit} m).",
    ),
    "appeal_used": (
        "Banding atas penolakan hanya dapat diajukan satu kali.",
        "A rejection can be appealed only once.",
    ),
    # --- extra questions of a category (JSON API attributes, Open311 attribute[code]) ---
    "unknown_attribute": (
        "Kategori '{category}' tidak punya pertanyaan '{attribute}'. Kode pertanyaannya: {known}.",
        "The category '{category}' has no question '{attribute}'. Its question codes: {known}.",
    ),
    "attribute_required": (
        "Pertanyaan '{label_id}' wajib dijawab: kirim jawaban dengan kode '{attribute}'.",
        "The question '{label_en}' must be answered: send an answer with the code '{attribute}'.",
    ),
    "invalid_attribute_value": (
        "'{value}' bukan pilihan untuk '{label_id}' ({attribute}); kirim salah satu key: "
        "{allowed}.",
        "'{value}' is not an option of '{label_en}' ({attribute}); send one of the keys: "
        "{allowed}.",
    ),
    "attribute_one_value": (
        "Pertanyaan '{label_id}' ({attribute}) menerima satu jawaban saja, bukan {count}.",
        "The question '{label_en}' ({attribute}) takes one answer only, not {count}.",
    ),
    "attribute_not_a_number": (
        "Jawaban '{label_id}' ({attribute}) harus berupa angka, misalnya 30 atau 12.5 (titik "
        "untuk desimal); '{value}' bukan angka.",
        "The answer to '{label_en}' ({attribute}) must be a number such as 30 or 12.5; "
        "'{value}' is not a number.",
    ),
    "attribute_not_a_datetime": (
        "Jawaban '{label_id}' ({attribute}) harus berupa tanggal dan jam ISO 8601, misalnya "
        "2026-11-27T08:00 atau 2026-11-27T08:00:00+07:00; '{value}' tidak sesuai.",
        "The answer to '{label_en}' ({attribute}) must be an ISO 8601 date and time such as "
        "2026-11-27T08:00 or 2026-11-27T08:00:00+07:00; '{value}' does not fit.",
    ),
    "invalid_attribute_type": (
        "Jawaban '{label_id}' ({attribute}) bertipe {datatype}: tulis dalam satu baris.",
        "The answer to '{label_en}' ({attribute}) is of type {datatype}: write it on one line.",
    ),
    "attribute_too_long": (
        "Jawaban '{label_id}' ({attribute}) terlalu panjang: paling banyak {limit} karakter.",
        "The answer to '{label_en}' ({attribute}) is too long: at most {limit} characters.",
    ),
    # Changing questions in the admin console.
    "question_not_found": (
        "Kategori '{category}' tidak punya pertanyaan '{question}'.",
        "The category '{category}' has no question '{question}'.",
    ),
    "question_values_required": (
        "Pertanyaan berjenis {datatype} memerlukan daftar pilihan.",
        "A question of type {datatype} needs a list of options.",
    ),
    "question_values_not_allowed": (
        "Hanya pertanyaan singlevaluelist dan multivaluelist yang punya pilihan; jenis "
        "{datatype} tidak.",
        "Only singlevaluelist and multivaluelist questions have options; type {datatype} does not.",
    ),
    "invalid_question_values": (
        "Tulis pilihan sebagai key=Nama Indonesia|English name, dipisah titik koma atau baris "
        "baru; key berupa huruf kecil, angka, _ atau -, dan tidak boleh berulang.",
        "Write options as key=Nama Indonesia|English name, separated by semicolons or new "
        "lines; a key is lower-case letters, digits, _ or -, and must not repeat.",
    ),
    "question_datatype_fixed": (
        "Jenis jawaban pertanyaan '{question}' tidak bisa diubah (laporan lama menyimpan "
        "jawabannya); hapus pertanyaan ini dan buat yang baru dengan kode lain.",
        "The answer type of question '{question}' cannot change (old reports keep their "
        "answers); remove this question and add a new one with another code.",
    ),
    # --- photos ---
    "photo_type_not_allowed": (
        "Jenis file foto tidak didukung. Kirim foto JPEG, PNG, WebP atau HEIC.",
        "This photo file type is not supported. Send a JPEG, PNG, WebP or HEIC photo.",
    ),
    "photo_corrupt": (
        "File foto rusak atau tidak lengkap; ambil atau kirim ulang fotonya.",
        "The photo file is damaged or incomplete; take or send the photo again.",
    ),
    "photo_too_large": (
        "Foto terlalu besar: paling banyak {limit} byte per foto.",
        "The photo is too large: at most {limit} bytes per photo.",
    ),
    "photo_too_many_pixels": (
        "Resolusi foto terlalu besar: paling banyak {limit} piksel.",
        "The photo's resolution is too large: at most {limit} pixels.",
    ),
    "photo_animated": (
        "Foto bergerak (animasi) tidak diterima; kirim foto diam.",
        "Animated images are not accepted; send a still photo.",
    ),
    "too_many_photos": (
        "Terlalu banyak foto: paling banyak {limit} foto per laporan.",
        "Too many photos: at most {limit} photos per report.",
    ),
    "photo_required": (
        "Kategori {name_id} perlu minimal satu foto.",
        "The category {name_en} needs at least one photo.",
    ),
    "photo_not_found": (
        "Foto {photo_id} tidak ditemukan.",
        "Photo {photo_id} was not found.",
    ),
    "invalid_multipart": (
        "Form multipart tidak valid: kirim bidang 'report' (JSON) atau bidang laporan, dan "
        "foto di bidang 'photo'.",
        "The multipart form is not valid: send a 'report' field (JSON) or the report's fields, "
        "and photos in 'photo' fields.",
    ),
    # --- admin ---
    "admin_only": (
        "Hanya admin yang boleh memakai konsol admin.",
        "Only an admin may use the admin console.",
    ),
    "code_taken": (
        "Kode {key} sudah dipakai.",
        "The code {key} is already in use.",
    ),
    "unit_cycle": (
        "Unit {unit} tidak bisa dipindah ke bawah {parent}: itu unitnya sendiri atau bawahannya.",
        "Unit {unit} cannot move under {parent}: that is the unit itself or one of its own.",
    ),
    "unit_inactive": (
        "Unit {unit} sudah nonaktif.",
        "Unit {unit} is already inactive.",
    ),
    "unknown_area": (
        "Wilayah {area} tidak dikenal.",
        "The area {area} is unknown.",
    ),
    "invalid_role": (
        "Peran {role} tidak dikenal untuk petugas.",
        "The role {role} is not an official's role.",
    ),
    "email_taken": (
        "Alamat e-mail {email} sudah terdaftar.",
        "The e-mail address {email} is already registered.",
    ),
    "account_not_found": (
        "Akun {account_id} tidak ditemukan.",
        "Account {account_id} was not found.",
    ),
    "rule_taken": (
        "Sudah ada aturan untuk kategori dan wilayah ini.",
        "There is already a rule for this category and area.",
    ),
    "rule_not_found": (
        "Aturan rute {rule_id} tidak ditemukan.",
        "Routing rule {rule_id} was not found.",
    ),
    "invalid_hours": (
        "Target waktu harus bilangan bulat positif, dan penyelesaian tidak lebih cepat dari "
        "tanggapan.",
        "Targets must be positive whole hours, and resolution no sooner than response.",
    ),
    # --- citizen ---
    "identifier_required": (
        "Isi alamat e-mail atau nomor telepon.",
        "Enter an e-mail address or a phone number.",
    ),
    "invalid_phone": (
        "Nomor telepon tidak valid: tulis seperti 0812 3456 7890 atau +62 812 3456 7890.",
        "The phone number is not valid: write it like 0812 3456 7890 or +62 812 3456 7890.",
    ),
    "password_too_short": (
        "Kata sandi paling sedikit {minimum} karakter.",
        "The password needs at least {minimum} characters.",
    ),
    "account_exists": (
        "Sudah ada akun dengan e-mail atau nomor telepon ini. Silakan masuk.",
        "An account with this e-mail or phone number exists already. Please sign in.",
    ),
    "too_many_reports": (
        "Terlalu banyak laporan: paling banyak {limit} laporan per jam. Coba lagi nanti.",
        "Too many reports: at most {limit} reports an hour. Please try again later.",
    ),
    "identical_report_limit": (
        "Anda sudah melaporkan masalah ini (kategori yang sama dalam {metres} m) {limit} kali "
        "hari ini. Dukung laporan yang ada atau coba lagi besok.",
        "You have reported this problem (same category within {metres} m) {limit} times "
        "today. Support the existing report or try again tomorrow.",
    ),
    "invalid_channel_quota": (
        "Kuota kanal harus antara 1 dan 1.000.000 laporan per jam, atau kosong (bawaan).",
        "A channel's quota is 1 to 1,000,000 reports an hour, or empty (the default).",
    ),
    "storage_full": (
        "Penyimpanan foto penuh: laporan belum disimpan. Kirim tanpa foto atau coba lagi nanti.",
        "Photo storage is full: the report was not stored. Send it without photos or try later.",
    ),
    "storage_unavailable": (
        "Penyimpanan foto sedang tidak bisa ditulisi: laporan belum disimpan. Coba lagi nanti.",
        "Photo storage cannot be written now: the report was not stored. Please try again later.",
    ),
    "shutting_down": (
        "Server ini sedang berhenti. Coba lagi sebentar lagi: permintaan Anda belum diproses.",
        "This server is stopping. Please try again in a moment: your request was not processed.",
    ),
    "too_many_supports": (
        "Terlalu banyak dukungan: paling banyak {limit} dukungan per jam. Coba lagi nanti.",
        "Too many supports: at most {limit} an hour. Please try again later.",
    ),
    "too_many_follows": (
        "Terlalu banyak laporan baru diikuti: paling banyak {limit} per jam. Coba lagi nanti.",
        "Too many reports followed: at most {limit} new ones an hour. Please try again later.",
    ),
    "already_supported": (
        "Anda sudah mendukung laporan ini.",
        "You already support this report.",
    ),
    "own_report": (
        "Ini laporan Anda sendiri: dukungan dihitung dari warga lain.",
        "This is your own report: support counts other citizens.",
    ),
    "comment_not_found": (
        "Komentar {comment_id} tidak ditemukan.",
        "Comment {comment_id} was not found.",
    ),
    "not_your_report": (
        "Hanya pelapor yang dapat menilai atau mengajukan banding atas laporan ini.",
        "Only the reporter can rate or appeal this report.",
    ),
    # --- moderation and confidentiality (sigap.moderation) ---
    "report_confidential": (
        "Laporan ini rahasia: tidak dapat didukung, diikuti, atau dikomentari oleh publik.",
        "This report is confidential: it cannot be supported, followed or commented on publicly.",
    ),
    "comments_closed": (
        "Moderator menutup komentar laporan ini.",
        "A moderator has closed this report's comments.",
    ),
    "moderation_reason_required": (
        "Tuliskan alasan (3 sampai 500 karakter). Jangan salin data pribadi ke dalam alasan.",
        "Write a reason (3 to 500 characters). Do not copy personal data into it.",
    ),
    "moderation_nothing_hidden": (
        "Pilih paling sedikit satu bagian yang disembunyikan: {parts}.",
        "Choose at least one part to hide: {parts}.",
    ),
    "report_not_hidden": (
        "Tidak ada bagian laporan {report_id} yang disembunyikan.",
        "Nothing of report {report_id} is hidden.",
    ),
    "report_already_public": (
        "Laporan {report_id} sudah terbit untuk publik.",
        "Report {report_id} is already public.",
    ),
    "report_not_public": (
        "Laporan {report_id} belum terbit atau sudah diturunkan.",
        "Report {report_id} is not public (waiting for a moderator, or taken down).",
    ),
    # --- notify ---
    "outbox_message_not_found": (
        "Pesan outbox {message} tidak ditemukan atau tidak bisa diulang.",
        "Outbox message {message} was not found or cannot be retried.",
    ),
    "webhook_not_found": (
        "Webhook {endpoint_id} tidak ditemukan.",
        "Webhook {endpoint_id} was not found.",
    ),
    "webhook_target_forbidden": (
        "Webhook tidak boleh dikirim ke {host}: {address} adalah alamat internal atau khusus "
        "(loopback, jaringan privat, link-local, metadata, multicast atau cadangan). Penerima "
        "di jaringan sendiri harus dicantumkan oleh pengelola di SIGAP_WEBHOOK_ALLOW.",
        "Webhooks may not be sent to {host}: {address} is an internal or special-purpose "
        "address (loopback, private network, link-local, metadata, multicast or reserved). "
        "Receivers on your own network must be listed by the operators in SIGAP_WEBHOOK_ALLOW.",
    ),
    # --- tamper-evident history (sigap.history) ---
    "chain_day_not_over": (
        "Ringkasan rantai riwayat tanggal {day} belum terbit: hari itu belum berakhir.",
        "The history chain digest of {day} is not published yet: that day is not over.",
    ),
}


class SigapError(Exception):
    """An error with a stable machine code and a bilingual message. ``headers`` (e.g. a 429's
    Retry-After) go on the answer, JSON or page."""

    status = 400
    headers: dict[str, str] | None = None

    def __init__(
        self,
        code: str,
        *,
        status: int | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
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
        if headers is not None:
            self.headers = headers

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


class Unavailable(SigapError):
    """503: a dependency (the database, the writer) cannot serve right now; the client may
    send the same request again after ``Retry-After`` seconds (see :mod:`sigap.faults`)."""

    status = 503

    def __init__(self, code: str, *, retry_after_s: int = RETRY_AFTER_S, **params: Any) -> None:
        super().__init__(code, headers={"Retry-After": str(retry_after_s)}, **params)


class OutsideServiceArea(InvalidInput):
    def __init__(self, *, lat: float, lon: float, region: str) -> None:
        super().__init__("outside_service_area", lat=lat, lon=lon, region=region)
