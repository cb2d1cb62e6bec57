"""Error codes of the public contract: requests at large, reports and their channels, Open311,
the answers to a category's questions, photos, citizens' accounts and actions, and transit
feeds (GTFS) and journeys.

Each code is declared once, here or in :mod:`sigap.errors.staff`, with its one status."""

from __future__ import annotations

from sigap.errors.code import RETRY_AFTER_S, ErrorCode

CODES: dict[str, ErrorCode] = {
    "not_found": ErrorCode(
        404,
        "Alamat ini tidak ada.",
        "There is nothing at this address.",
    ),
    "report_not_found": ErrorCode(
        404,
        "Laporan {report_id} tidak ditemukan.",
        "Report {report_id} was not found.",
    ),
    "area_not_found": ErrorCode(
        404,
        "Wilayah dengan kode {area} tidak ditemukan.",
        "No area has the code {area}.",
    ),
    "unit_not_found": ErrorCode(
        404,
        "Unit {unit} tidak ditemukan.",
        "Unit {unit} was not found.",
    ),
    # A category named in an address; one named in a body or query is unknown_category.
    "category_not_found": ErrorCode(
        404,
        "Kategori '{category}' tidak ditemukan. Lihat daftar di /api/v1/categories.",
        "The category '{category}' was not found. See the list at /api/v1/categories.",
    ),
    "unknown_category": ErrorCode(
        422,
        "Kategori '{category}' tidak dikenal. Lihat daftar di /api/v1/categories.",
        "Unknown category '{category}'. See the list at /api/v1/categories.",
    ),
    "outside_service_area": ErrorCode(
        422,
        "Lokasi ({lat}, {lon}) berada di luar wilayah layanan {region}. "
        "Pilih titik di dalam wilayah ini.",
        "The location ({lat}, {lon}) is outside the {region} service area. "
        "Choose a point inside it.",
    ),
    "no_responsible_unit": ErrorCode(
        500,
        "Belum ada unit yang menangani kategori '{category}' di wilayah {area}.",
        "No unit handles category '{category}' in area {area} yet.",
    ),
    "invalid_input": ErrorCode(
        422,
        "Data yang dikirim tidak valid. Periksa bagian 'details'.",
        "The data sent is not valid. See 'details'.",
    ),
    # A merchant's QRIS code (a seller's or a top-up adapter's) that is not a valid static one.
    "qris_invalid": ErrorCode(
        422,
        "Kode QRIS pedagang tidak valid (bagian {problem}). Salin ulang dari aplikasi bank.",
        "The merchant's QRIS code is not valid (part {problem}). Copy it again from the bank app.",
    ),
    "invalid_cursor": ErrorCode(
        422,
        "Parameter 'cursor' tidak valid; gunakan nilai next_cursor dari halaman sebelumnya.",
        "The 'cursor' parameter is not valid; use next_cursor from the previous page.",
    ),
    "invalid_bbox": ErrorCode(
        422,
        "Parameter 'bbox' harus berupa min_lon,min_lat,max_lon,max_lat dengan min < max.",
        "The 'bbox' parameter must be min_lon,min_lat,max_lon,max_lat with min < max.",
    ),
    "invalid_idempotency_key": ErrorCode(
        422,
        "Header Idempotency-Key harus berisi 1 sampai 200 karakter.",
        "The Idempotency-Key header must be 1 to 200 characters long.",
    ),
    "idempotency_key_reused": ErrorCode(
        409,
        "Idempotency-Key ini sudah dipakai untuk laporan lain dengan isi berbeda.",
        "This Idempotency-Key was already used for a different request body.",
    ),
    "method_not_allowed": ErrorCode(
        405,
        "Metode HTTP ini tidak didukung di alamat ini.",
        "This HTTP method is not supported here.",
    ),
    "writer_unavailable": ErrorCode(
        503,
        "Laporan belum tersimpan karena penulis basis data berhenti. Kirim ulang (dengan "
        "Idempotency-Key yang sama).",
        "The report was not stored: the database writer stopped. Send it again (with the same "
        "Idempotency-Key).",
        retry_after_s=RETRY_AFTER_S,
    ),
    "database_unavailable": ErrorCode(
        503,
        "Basis data sedang tidak dapat dijangkau. Coba lagi dalam beberapa detik.",
        "The database cannot be reached right now. Please try again in a few seconds.",
        retry_after_s=RETRY_AFTER_S,
    ),
    "region_not_loaded": ErrorCode(
        503,
        "Belum ada data wilayah. Jalankan 'sigap import-region' terlebih dahulu.",
        "No region data is loaded yet. Run 'sigap import-region' first.",
    ),
    # Channels and their API keys (sigap channel ..., Open311 POST).
    "invalid_channel_name": ErrorCode(
        400,
        "Nama kanal '{name}' tidak bisa dipakai: tulis 1-100 karakter dengan setidaknya satu "
        "huruf atau angka.",
        "The channel name '{name}' cannot be used: write 1-100 characters with at least one "
        "letter or digit.",
    ),
    "reserved_channel_name": ErrorCode(
        400,
        "Nama kanal '{name}' (slug '{slug}') dipakai Sigap sendiri; pilih nama lain.",
        "The channel name '{name}' (slug '{slug}') is used by Sigap itself; choose another name.",
    ),
    "channel_key_not_found": ErrorCode(
        404,
        "Tidak ada kunci kanal aktif dengan id atau awalan '{key}'. Lihat 'sigap channel list'.",
        "No active channel key has the id or prefix '{key}'. See 'sigap channel list'.",
    ),
    "channel_key_ambiguous": ErrorCode(
        400,
        "'{key}' cocok dengan lebih dari satu kunci; pakai id dari 'sigap channel list'.",
        "'{key}' matches more than one key; use the id from 'sigap channel list'.",
    ),
    "missing_api_key": ErrorCode(
        403,
        "Kirim api_key kanal Anda untuk membuat laporan. Kunci diberikan oleh pengelola Sigap.",
        "Send your channel's api_key to submit a request. Keys are issued by the operators of "
        "this Sigap deployment.",
    ),
    "invalid_api_key": ErrorCode(
        403,
        "api_key tidak valid atau sudah dicabut; minta kunci baru kepada pengelola Sigap.",
        "The api_key is not valid or has been revoked; ask the operators of this Sigap "
        "deployment for a new one.",
    ),
    # Open311 GeoReport v2 (the codes of the errors/error elements).
    "unknown_jurisdiction": ErrorCode(
        404,
        "jurisdiction_id '{jurisdiction}' tidak dilayani di sini; gunakan {expected} atau "
        "kosongkan.",
        "jurisdiction_id '{jurisdiction}' is not served here; use {expected} or leave it out.",
    ),
    "unsupported_format": ErrorCode(
        400,
        "Format '{format}' tidak didukung; akhiri alamat dengan .xml atau .json.",
        "The format '{format}' is not supported; end the address with .xml or .json.",
    ),
    "unsupported_content_type": ErrorCode(
        400,
        "Kirim permintaan sebagai application/x-www-form-urlencoded dengan teks UTF-8.",
        "Send the request as application/x-www-form-urlencoded with UTF-8 text.",
    ),
    "request_too_large": ErrorCode(
        413,
        "Permintaan terlalu besar (lebih dari {limit} byte).",
        "The request is too large (more than {limit} bytes).",
    ),
    "service_code_required": ErrorCode(
        400,
        "Kirim service_code; daftar layanan ada di services.xml atau services.json.",
        "Send service_code; the list of services is at services.xml or services.json.",
    ),
    "location_required": ErrorCode(
        400,
        "Kirim lat dan long (WGS84) bersama-sama. Sigap menentukan kelurahan dari titik, jadi "
        "address_string atau address_id saja belum cukup.",
        "Send lat and long (WGS84) together. Sigap finds the kelurahan from the point, so "
        "address_string or address_id alone is not enough.",
    ),
    "invalid_status": ErrorCode(
        400,
        "Status '{value}' tidak dikenal; gunakan open atau closed (boleh dipisah koma).",
        "Unknown status '{value}'; use open or closed (comma-separate both if needed).",
    ),
    "invalid_service_request_id": ErrorCode(
        400,
        "service_request_id harus berupa angka dipisah koma (paling banyak {limit}); "
        "'{value}' tidak sesuai.",
        "service_request_id must be numbers separated by commas (at most {limit}); "
        "'{value}' does not fit.",
    ),
    "invalid_radius": ErrorCode(
        400,
        "Untuk mencari di sekitar titik, kirim lat, long dan radius (meter, 1-{limit}) "
        "bersama-sama.",
        "To search around a point, send lat, long and radius (metres, 1-{limit}) together.",
    ),
    # --- extra questions of a category (JSON API attributes, Open311 attribute[code]) ---
    "unknown_transit_route": ErrorCode(
        422,
        "Rute '{route}' tidak ada di jaringan angkutan umum. Lihat daftarnya di "
        "/api/v1/transit/routes.",
        "The route '{route}' is not in the transit network. See the list at "
        "/api/v1/transit/routes.",
    ),
    "unknown_transit_stop": ErrorCode(
        422,
        "Halte atau stasiun '{stop}' tidak ada di jaringan angkutan umum. Cari di "
        "/api/v1/transit/stops?q=.",
        "The stop or station '{stop}' is not in the transit network. Search at "
        "/api/v1/transit/stops?q=.",
    ),
    "transit_stop_not_on_route": ErrorCode(
        422,
        "Rute '{route}' tidak berhenti di '{stop}'. Halte rute itu ada di "
        "/api/v1/transit/routes/{route}.",
        "The route '{route}' does not call at '{stop}'. Its stops are listed at "
        "/api/v1/transit/routes/{route}.",
    ),
    "unknown_attribute": ErrorCode(
        422,
        "Kategori '{category}' tidak punya pertanyaan '{attribute}'. Kode pertanyaannya: {known}.",
        "The category '{category}' has no question '{attribute}'. Its question codes: {known}.",
    ),
    "attribute_required": ErrorCode(
        422,
        "Pertanyaan '{label_id}' wajib dijawab: kirim jawaban dengan kode '{attribute}'.",
        "The question '{label_en}' must be answered: send an answer with the code '{attribute}'.",
    ),
    "invalid_attribute_value": ErrorCode(
        422,
        "'{value}' bukan pilihan untuk '{label_id}' ({attribute}); kirim salah satu key: "
        "{allowed}.",
        "'{value}' is not an option of '{label_en}' ({attribute}); send one of the keys: "
        "{allowed}.",
    ),
    "attribute_one_value": ErrorCode(
        422,
        "Pertanyaan '{label_id}' ({attribute}) menerima satu jawaban saja, bukan {count}.",
        "The question '{label_en}' ({attribute}) takes one answer only, not {count}.",
    ),
    "attribute_not_a_number": ErrorCode(
        422,
        "Jawaban '{label_id}' ({attribute}) harus berupa angka, misalnya 30 atau 12.5 (titik "
        "untuk desimal); '{value}' bukan angka.",
        "The answer to '{label_en}' ({attribute}) must be a number such as 30 or 12.5; "
        "'{value}' is not a number.",
    ),
    "attribute_not_a_datetime": ErrorCode(
        422,
        "Jawaban '{label_id}' ({attribute}) harus berupa tanggal dan jam ISO 8601, misalnya "
        "2026-11-27T08:00 atau 2026-11-27T08:00:00+07:00; '{value}' tidak sesuai.",
        "The answer to '{label_en}' ({attribute}) must be an ISO 8601 date and time such as "
        "2026-11-27T08:00 or 2026-11-27T08:00:00+07:00; '{value}' does not fit.",
    ),
    "invalid_attribute_type": ErrorCode(
        422,
        "Jawaban '{label_id}' ({attribute}) bertipe {datatype}: tulis dalam satu baris.",
        "The answer to '{label_en}' ({attribute}) is of type {datatype}: write it on one line.",
    ),
    "attribute_too_long": ErrorCode(
        422,
        "Jawaban '{label_id}' ({attribute}) terlalu panjang: paling banyak {limit} karakter.",
        "The answer to '{label_en}' ({attribute}) is too long: at most {limit} characters.",
    ),
    # --- photos ---
    "photo_type_not_allowed": ErrorCode(
        415,
        "Jenis file foto tidak didukung. Kirim foto JPEG, PNG, WebP atau HEIC.",
        "This photo file type is not supported. Send a JPEG, PNG, WebP or HEIC photo.",
    ),
    "photo_corrupt": ErrorCode(
        422,
        "File foto rusak atau tidak lengkap; ambil atau kirim ulang fotonya.",
        "The photo file is damaged or incomplete; take or send the photo again.",
    ),
    "photo_too_large": ErrorCode(
        413,
        "Foto terlalu besar: paling banyak {limit} byte per foto.",
        "The photo is too large: at most {limit} bytes per photo.",
    ),
    "photo_too_many_pixels": ErrorCode(
        422,
        "Resolusi foto terlalu besar: paling banyak {limit} piksel.",
        "The photo's resolution is too large: at most {limit} pixels.",
    ),
    "photo_animated": ErrorCode(
        422,
        "Foto bergerak (animasi) tidak diterima; kirim foto diam.",
        "Animated images are not accepted; send a still photo.",
    ),
    "too_many_photos": ErrorCode(
        422,
        "Terlalu banyak foto: paling banyak {limit} foto per laporan.",
        "Too many photos: at most {limit} photos per report.",
    ),
    "photo_required": ErrorCode(
        422,
        "Kategori {name_id} perlu minimal satu foto.",
        "The category {name_en} needs at least one photo.",
    ),
    "photo_not_found": ErrorCode(
        404,
        "Foto {photo_id} tidak ditemukan.",
        "Photo {photo_id} was not found.",
    ),
    "invalid_multipart": ErrorCode(
        400,
        "Form multipart tidak valid: kirim bidang 'report' (JSON) atau bidang laporan, dan "
        "foto di bidang 'photo'.",
        "The multipart form is not valid: send a 'report' field (JSON) or the report's fields, "
        "and photos in 'photo' fields.",
    ),
    # --- citizen ---
    "identifier_required": ErrorCode(
        422,
        "Isi alamat e-mail atau nomor telepon.",
        "Enter an e-mail address or a phone number.",
    ),
    "invalid_phone": ErrorCode(
        422,
        "Nomor telepon tidak valid: tulis seperti 0812 3456 7890 atau +62 812 3456 7890.",
        "The phone number is not valid: write it like 0812 3456 7890 or +62 812 3456 7890.",
    ),
    "password_too_short": ErrorCode(
        422,
        "Kata sandi paling sedikit {minimum} karakter.",
        "The password needs at least {minimum} characters.",
    ),
    "account_exists": ErrorCode(
        409,
        "Sudah ada akun dengan e-mail atau nomor telepon ini. Silakan masuk.",
        "An account with this e-mail or phone number exists already. Please sign in.",
    ),
    "too_many_reports": ErrorCode(
        429,
        "Terlalu banyak laporan: paling banyak {limit} laporan per jam. Coba lagi nanti.",
        "Too many reports: at most {limit} reports an hour. Please try again later.",
    ),
    "identical_report_limit": ErrorCode(
        429,
        "Anda sudah melaporkan masalah ini (kategori yang sama dalam {metres} m) {limit} kali "
        "hari ini. Dukung laporan yang ada atau coba lagi besok.",
        "You have reported this problem (same category within {metres} m) {limit} times "
        "today. Support the existing report or try again tomorrow.",
    ),
    "invalid_channel_quota": ErrorCode(
        422,
        "Kuota kanal harus antara 1 dan 1.000.000 laporan per jam, atau kosong (bawaan).",
        "A channel's quota is 1 to 1,000,000 reports an hour, or empty (the default).",
    ),
    "storage_full": ErrorCode(
        507,
        "Penyimpanan foto penuh: laporan belum disimpan. Kirim tanpa foto atau coba lagi nanti.",
        "Photo storage is full: the report was not stored. Send it without photos or try later.",
    ),
    "storage_unavailable": ErrorCode(
        503,
        "Penyimpanan foto sedang tidak bisa ditulisi: laporan belum disimpan. Coba lagi nanti.",
        "Photo storage cannot be written now: the report was not stored. Please try again later.",
        retry_after_s=60,
    ),
    "shutting_down": ErrorCode(
        503,
        "Server ini sedang berhenti. Coba lagi sebentar lagi: permintaan Anda belum diproses.",
        "This server is stopping. Please try again in a moment: your request was not processed.",
        retry_after_s=RETRY_AFTER_S,
    ),
    "too_many_supports": ErrorCode(
        429,
        "Terlalu banyak dukungan: paling banyak {limit} dukungan per jam. Coba lagi nanti.",
        "Too many supports: at most {limit} an hour. Please try again later.",
    ),
    "too_many_follows": ErrorCode(
        429,
        "Terlalu banyak laporan baru diikuti: paling banyak {limit} per jam. Coba lagi nanti.",
        "Too many reports followed: at most {limit} new ones an hour. Please try again later.",
    ),
    "already_supported": ErrorCode(
        409,
        "Anda sudah mendukung laporan ini.",
        "You already support this report.",
    ),
    "own_report": ErrorCode(
        409,
        "Ini laporan Anda sendiri: dukungan dihitung dari warga lain.",
        "This is your own report: support counts other citizens.",
    ),
    "comment_not_found": ErrorCode(
        404,
        "Komentar {comment_id} tidak ditemukan.",
        "Comment {comment_id} was not found.",
    ),
    "not_your_report": ErrorCode(
        403,
        "Hanya pelapor yang dapat menilai atau mengajukan banding atas laporan ini.",
        "Only the reporter can rate or appeal this report.",
    ),
    # GTFS feeds (sigap.transit.gtfs.FeedError): every one names the file, and the line and
    # field where there is one, so an operator can fix the feed without reading our code.
    "gtfs_missing_file": ErrorCode(
        422,
        "Feed GTFS {feed}: berkas wajib {file} tidak ada.",
        "GTFS feed {feed}: the required file {file} is missing.",
    ),
    "gtfs_missing_field": ErrorCode(
        422,
        "Feed GTFS {feed}: {file} baris {line}: kolom '{field}' wajib diisi.",
        "GTFS feed {feed}: {file} line {line}: the field '{field}' is required.",
    ),
    "gtfs_bad_value": ErrorCode(
        422,
        "Feed GTFS {feed}: {file} baris {line}, kolom '{field}': nilai '{value}' tidak valid.",
        "GTFS feed {feed}: {file} line {line}, field '{field}': '{value}' is not a valid value.",
    ),
    "gtfs_unknown_reference": ErrorCode(
        422,
        "Feed GTFS {feed}: {file} baris {line}, kolom '{field}': '{value}' tidak ada di {target}.",
        "GTFS feed {feed}: {file} line {line}, field '{field}': '{value}' is not in {target}.",
    ),
    "gtfs_duplicate_id": ErrorCode(
        422,
        "Feed GTFS {feed}: {file} baris {line}, kolom '{field}': '{value}' sudah dipakai.",
        "GTFS feed {feed}: {file} line {line}, field '{field}': '{value}' is used twice.",
    ),
    "gtfs_feed_twice": ErrorCode(
        422,
        "Dua feed GTFS bernama '{feed}': beri nama lain pada salah satunya.",
        "Two GTFS feeds are named '{feed}': give one of them another name.",
    ),
    "transit_stop_not_found": ErrorCode(
        404,
        "Halte atau stasiun '{stop}' tidak ada di jaringan.",
        "The stop or station '{stop}' is not in the network.",
    ),
}
