"""Error codes of the people who run Sigap: signing in, officials' workflow actions, the admin
console (questions, units, people, routing), moderation, notifications and the history chain.

Each code is declared once, here or in :mod:`sigap.errors.public`, with its one status."""

from __future__ import annotations

from sigap.errors.code import ErrorCode

CODES: dict[str, ErrorCode] = {
    # --- workflow: signing in, officials' actions ---
    "invalid_credentials": ErrorCode(
        401,
        "E-mail atau kata sandi salah.",
        "Wrong e-mail or password.",
    ),
    "sign_in_throttled": ErrorCode(
        429,
        "Terlalu banyak percobaan masuk yang gagal. Tunggu {wait}, lalu coba lagi.",
        "Too many failed sign-in attempts. Wait {wait}, then try again.",
    ),
    "sign_in_locked": ErrorCode(
        429,
        "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. "
        "Coba lagi dalam {wait} (pukul {until}).",
        "This account is locked for now after too many failed sign-in attempts. "
        "Try again in {wait} (at {until}).",
    ),
    "not_signed_in": ErrorCode(
        401,
        "Silakan masuk terlebih dahulu (sesi tidak ada, kedaluwarsa, atau dicabut).",
        "Please sign in first (no session, or it expired or was revoked).",
    ),
    "csrf_failed": ErrorCode(
        403,
        "Formulir ini kedaluwarsa atau tidak berasal dari Sigap. Muat ulang halaman dan coba lagi.",
        "This form has expired or did not come from Sigap. Reload the page and try again.",
    ),
    "official_only": ErrorCode(
        403,
        "Hanya petugas yang dapat melakukan ini.",
        "Only officials can do this.",
    ),
    "token_not_found": ErrorCode(
        404,
        "Token {token_id} tidak ditemukan atau sudah dicabut.",
        "Token {token_id} was not found or is already revoked.",
    ),
    "illegal_transition": ErrorCode(
        409,
        "Tindakan '{action}' tidak diizinkan untuk laporan berstatus '{state}'. "
        "Lihat tindakan yang diizinkan di 'details'.",
        "The action '{action}' is not allowed on a report in state '{state}'. "
        "See the allowed actions in 'details'.",
    ),
    "unknown_unit": ErrorCode(
        422,
        "Unit '{unit}' tidak dikenal.",
        "Unknown unit '{unit}'.",
    ),
    "forward_same_unit": ErrorCode(
        422,
        "Laporan sudah berada di unit ini; pilih unit lain.",
        "The report is already with this unit; choose another one.",
    ),
    "assignee_not_in_unit": ErrorCode(
        422,
        "Petugas {officer} bukan petugas lapangan aktif di unit laporan ini.",
        "Officer {officer} is not an active field officer of this report's unit.",
    ),
    "assignment_unchanged": ErrorCode(
        422,
        "Penugasan tidak berubah: laporan sudah ditugaskan ke petugas itu, atau memang belum "
        "ditugaskan ke siapa pun.",
        "The assignment is unchanged: the report is already with that officer, or was not "
        "assigned to anyone.",
    ),
    "note_required": ErrorCode(
        422,
        "Tindakan ini memerlukan catatan.",
        "This action needs a note.",
    ),
    "unknown_rejection_reason": ErrorCode(
        422,
        "Alasan penolakan '{reason}' tidak dikenal.",
        "Unknown rejection reason '{reason}'.",
    ),
    "invalid_duplicate_parent": ErrorCode(
        422,
        "Laporan {parent_id} tidak dapat menjadi laporan induk ({why}).",
        "Report {parent_id} cannot be the parent report ({why}).",
    ),
    "rating_reason_required": ErrorCode(
        422,
        "Penilaian 1 atau 2 bintang membuka kembali laporan dan memerlukan alasan.",
        "A 1 or 2 star rating reopens the report and needs a reason.",
    ),
    "after_photo_required": ErrorCode(
        422,
        "Penyelesaian memerlukan setidaknya satu foto sesudah perbaikan.",
        "Resolving needs at least one photo taken after the fix.",
    ),
    "after_photo_copy": ErrorCode(
        422,
        "Foto sesudah ke-{number} sama dengan foto laporan #{report_id} (salinan, diperkecil, "
        "dipotong atau dikompresi ulang). Ambil foto baru di lokasi setelah perbaikan.",
        "After-photo {number} is the same as a photo of report #{report_id} (a copy, resized, "
        "cropped or recompressed). Take a new photo at the place after the fix.",
    ),
    "after_photo_too_early": ErrorCode(
        422,
        "Foto sesudah ke-{number} diambil pada {taken}, sebelum laporan dibuat ({filed}).",
        "After-photo {number} was taken at {taken}, before the report was filed ({filed}).",
    ),
    "after_photo_too_far": ErrorCode(
        422,
        "Foto sesudah ke-{number} diambil {km_id} km dari lokasi laporan (paling jauh {limit} m).",
        "After-photo {number} was taken {km_en} km from the report's location (at most {limit} m).",
    ),
    "appeal_used": ErrorCode(
        409,
        "Banding atas penolakan hanya dapat diajukan satu kali.",
        "A rejection can be appealed only once.",
    ),
    # Changing questions in the admin console.
    "question_not_found": ErrorCode(
        404,
        "Kategori '{category}' tidak punya pertanyaan '{question}'.",
        "The category '{category}' has no question '{question}'.",
    ),
    "question_values_required": ErrorCode(
        422,
        "Pertanyaan berjenis {datatype} memerlukan daftar pilihan.",
        "A question of type {datatype} needs a list of options.",
    ),
    "question_values_not_allowed": ErrorCode(
        422,
        "Hanya pertanyaan singlevaluelist dan multivaluelist yang punya pilihan; jenis "
        "{datatype} tidak.",
        "Only singlevaluelist and multivaluelist questions have options; type {datatype} does not.",
    ),
    "invalid_question_values": ErrorCode(
        422,
        "Tulis pilihan sebagai key=Nama Indonesia|English name, dipisah titik koma atau baris "
        "baru; key berupa huruf kecil, angka, _ atau -, dan tidak boleh berulang.",
        "Write options as key=Nama Indonesia|English name, separated by semicolons or new "
        "lines; a key is lower-case letters, digits, _ or -, and must not repeat.",
    ),
    "question_transit_twice": ErrorCode(
        422,
        "Kategori '{category}' sudah menanyakan {datatype}: satu rute dan satu halte per laporan.",
        "The category '{category}' already asks for a {datatype}: one route and one stop per "
        "report.",
    ),
    "question_datatype_fixed": ErrorCode(
        422,
        "Jenis jawaban pertanyaan '{question}' tidak bisa diubah (laporan lama menyimpan "
        "jawabannya); hapus pertanyaan ini dan buat yang baru dengan kode lain.",
        "The answer type of question '{question}' cannot change (old reports keep their "
        "answers); remove this question and add a new one with another code.",
    ),
    # --- admin ---
    "admin_only": ErrorCode(
        403,
        "Hanya admin yang boleh memakai konsol admin.",
        "Only an admin may use the admin console.",
    ),
    "code_taken": ErrorCode(
        409,
        "Kode {key} sudah dipakai.",
        "The code {key} is already in use.",
    ),
    "unit_cycle": ErrorCode(
        422,
        "Unit {unit} tidak bisa dipindah ke bawah {parent}: itu unitnya sendiri atau bawahannya.",
        "Unit {unit} cannot move under {parent}: that is the unit itself or one of its own.",
    ),
    # A unit named in a body that cannot take anything new; the unit of the address itself
    # already retired is unit_already_inactive.
    "unit_inactive": ErrorCode(
        422,
        "Unit {unit} sudah nonaktif; pilih unit yang aktif.",
        "Unit {unit} is inactive; choose an active unit.",
    ),
    "unit_already_inactive": ErrorCode(
        409,
        "Unit {unit} sudah nonaktif.",
        "Unit {unit} is already inactive.",
    ),
    "unknown_area": ErrorCode(
        422,
        "Wilayah {area} tidak dikenal.",
        "The area {area} is unknown.",
    ),
    "invalid_role": ErrorCode(
        422,
        "Peran {role} tidak dikenal untuk petugas.",
        "The role {role} is not an official's role.",
    ),
    "email_taken": ErrorCode(
        409,
        "Alamat e-mail {email} sudah terdaftar.",
        "The e-mail address {email} is already registered.",
    ),
    "account_not_found": ErrorCode(
        404,
        "Akun {account_id} tidak ditemukan.",
        "Account {account_id} was not found.",
    ),
    "rule_taken": ErrorCode(
        409,
        "Sudah ada aturan untuk kategori dan wilayah ini.",
        "There is already a rule for this category and area.",
    ),
    "rule_not_found": ErrorCode(
        404,
        "Aturan rute {rule_id} tidak ditemukan.",
        "Routing rule {rule_id} was not found.",
    ),
    "invalid_hours": ErrorCode(
        422,
        "Target waktu harus bilangan bulat positif, dan penyelesaian tidak lebih cepat dari "
        "tanggapan.",
        "Targets must be positive whole hours, and resolution no sooner than response.",
    ),
    # --- moderation and confidentiality (sigap.moderation) ---
    "report_confidential": ErrorCode(
        409,
        "Laporan ini rahasia: tidak dapat didukung, diikuti, atau dikomentari oleh publik.",
        "This report is confidential: it cannot be supported, followed or commented on publicly.",
    ),
    "comments_closed": ErrorCode(
        409,
        "Moderator menutup komentar laporan ini.",
        "A moderator has closed this report's comments.",
    ),
    "moderation_reason_required": ErrorCode(
        422,
        "Tuliskan alasan (3 sampai 500 karakter). Jangan salin data pribadi ke dalam alasan.",
        "Write a reason (3 to 500 characters). Do not copy personal data into it.",
    ),
    "moderation_nothing_hidden": ErrorCode(
        422,
        "Pilih paling sedikit satu bagian yang disembunyikan: {parts}.",
        "Choose at least one part to hide: {parts}.",
    ),
    "report_not_hidden": ErrorCode(
        409,
        "Tidak ada bagian laporan {report_id} yang disembunyikan.",
        "Nothing of report {report_id} is hidden.",
    ),
    "report_already_public": ErrorCode(
        409,
        "Laporan {report_id} sudah terbit untuk publik.",
        "Report {report_id} is already public.",
    ),
    "report_not_public": ErrorCode(
        409,
        "Laporan {report_id} belum terbit atau sudah diturunkan.",
        "Report {report_id} is not public (waiting for a moderator, or taken down).",
    ),
    # --- notify ---
    "outbox_message_not_found": ErrorCode(
        404,
        "Pesan outbox {message} tidak ditemukan atau tidak bisa diulang.",
        "Outbox message {message} was not found or cannot be retried.",
    ),
    "webhook_not_found": ErrorCode(
        404,
        "Webhook {endpoint_id} tidak ditemukan.",
        "Webhook {endpoint_id} was not found.",
    ),
    "webhook_target_forbidden": ErrorCode(
        422,
        "Webhook tidak boleh dikirim ke {host}: {address} adalah alamat internal atau khusus "
        "(loopback, jaringan privat, link-local, metadata, multicast atau cadangan). Penerima "
        "di jaringan sendiri harus dicantumkan oleh pengelola di SIGAP_WEBHOOK_ALLOW.",
        "Webhooks may not be sent to {host}: {address} is an internal or special-purpose "
        "address (loopback, private network, link-local, metadata, multicast or reserved). "
        "Receivers on your own network must be listed by the operators in SIGAP_WEBHOOK_ALLOW.",
    ),
    # --- tamper-evident history (sigap.history) ---
    "chain_day_not_over": ErrorCode(
        404,
        "Ringkasan rantai riwayat tanggal {day} belum terbit: hari itu belum berakhir.",
        "The history chain digest of {day} is not published yet: that day is not over.",
    ),
}
