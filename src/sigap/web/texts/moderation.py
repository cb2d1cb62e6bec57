"""Page texts of moderation and confidentiality (sigap.moderation): the report page's notices,
the citizen form's confidential box, the officials' notices, the console's section."""

from __future__ import annotations

from sigap.moderation.rules import PLACEHOLDERS

TEXTS: dict[str, tuple[str, str]] = {
    # --- what stands where text is hidden (the same words as Open311's) ---
    "mod_placeholder_moderated": PLACEHOLDERS["moderated"],
    "mod_placeholder_confidential": PLACEHOLDERS["confidential"],
    # --- the report page (citizen/report.html) ---
    "mod_public_confidential": (
        "Laporan rahasia: publik hanya melihat kategori, wilayah, dan statusnya. Petugas yang "
        "berwenang melihat seluruh laporan.",
        "Confidential report: the public sees only its category, area and status. The "
        "officials responsible see all of it.",
    ),
    "mod_public_hidden": (
        "Sebagian laporan ini disembunyikan oleh moderator.",
        "A moderator hid parts of this report.",
    ),
    "mod_owner_confidential": (
        "Laporan Anda rahasia: hanya Anda dan petugas yang berwenang melihat isinya; publik "
        "hanya melihat kategori, wilayah, dan statusnya.",
        "Your report is confidential: only you and the officials responsible see what it "
        "says; the public sees only its category, area and status.",
    ),
    "mod_owner_pending": (
        "Laporan Anda menunggu tinjauan moderator sebelum tampil untuk publik. Petugas sudah "
        "menerimanya.",
        "Your report waits for a moderator's review before the public sees it. The officials "
        "have received it.",
    ),
    "mod_owner_withheld": (
        "Moderator menurunkan laporan Anda dari tampilan publik. Petugas tetap menanganinya.",
        "A moderator took your report down from public view. The officials still handle it.",
    ),
    "mod_owner_hidden": (
        "Moderator menyembunyikan dari publik: {parts}. Anda dan petugas tetap melihatnya.",
        "A moderator hid from the public: {parts}. You and the officials still see it.",
    ),
    "mod_comments_closed": (
        "Komentar laporan ini ditutup oleh moderator.",
        "A moderator closed this report's comments.",
    ),
    "mod_confidential_closed": (
        "Laporan rahasia tidak dapat didukung, diikuti, atau dikomentari.",
        "A confidential report cannot be supported, followed or commented on.",
    ),
    "mod_part_description": ("uraian", "description"),
    "mod_part_address": ("alamat", "address"),
    "mod_part_notes": ("catatan petugas", "officials' notes"),
    "mod_part_answers": ("jawaban pertanyaan", "answers to questions"),
    "mod_part_comments": ("komentar", "comments"),
    "mod_part_photos": ("foto", "photos"),
    "mod_part_point": ("titik lokasi", "exact point"),
    "action_hide": ("Disembunyikan moderator", "Hidden by a moderator"),
    "action_unhide": ("Ditampilkan lagi oleh moderator", "Shown again by a moderator"),
    "action_withhold": ("Diturunkan moderator", "Taken down by a moderator"),
    "action_publish": ("Terbit setelah ditinjau moderator", "Published after a moderator's review"),
    # --- the citizen app's new-report form (citizen/new.html) ---
    "app_confidential": ("Laporan rahasia", "Confidential report"),
    "app_confidential_hint": (
        "Untuk pungli, pemerasan, atau keluhan tentang petugas. Petugas yang berwenang melihat "
        "seluruh laporan; publik hanya melihat kategori, wilayah (kelurahan, kecamatan), dan "
        "status. Uraian, alamat, foto, dan titik lokasi tidak ditampilkan, dan laporan tidak "
        "dapat didukung atau dikomentari warga lain. Anda tetap dapat melihat seluruh laporan "
        "dengan kode lacak. Identitas Anda tidak pernah ditampilkan, rahasia atau tidak.",
        "For extortion (pungli), bribes or complaints about officials. The officials "
        "responsible see the whole report; the public sees only its category, area (kelurahan, "
        "kecamatan) and status. The description, address, photos and exact point are not "
        "shown, and other citizens cannot support or comment on it. You still see all of it "
        "with your tracking code. Your identity is never shown, confidential or not.",
    ),
    # --- the officials' report page (officials/report.html) ---
    "mod_off_confidential": (
        "Rahasia: publik hanya melihat kategori, wilayah, dan status laporan ini.",
        "Confidential: the public sees only this report's category, area and status.",
    ),
    "mod_off_pending": (
        "Menunggu tinjauan moderator: belum tampil untuk publik.",
        "Waiting for a moderator's review: not public yet.",
    ),
    "mod_off_withheld": (
        "Diturunkan moderator: tidak tampil untuk publik.",
        "Taken down by a moderator: not public.",
    ),
    "mod_off_hidden": (
        "Disembunyikan dari publik oleh moderator:",
        "Hidden from the public by a moderator:",
    ),
    # --- the admin console's moderation section (admin/moderation.html) ---
    "adm_moderation": ("Moderasi laporan", "Report moderation"),
    "adm_mod_note": (
        "Menyembunyikan tidak mengubah laporan: petugas tetap melihat aslinya, dan setiap "
        "langkah tercatat di jejak audit dan riwayat laporan. Jangan salin data pribadi ke "
        "dalam alasan.",
        "Hiding never changes a report: officials still see the original, and every step is "
        "recorded in the audit trail and the report's history. Do not copy personal data into "
        "the reason.",
    ),
    "adm_mod_triage": ("Triase", "Triage"),
    "adm_mod_triage_on": (
        "Laporan baru menunggu moderator sebelum tampil untuk publik (unit tetap menerimanya).",
        "New reports wait for a moderator before the public sees them (their unit receives "
        "them at once).",
    ),
    "adm_mod_triage_save": ("Simpan", "Save"),
    "adm_mod_pending": ("Menunggu tinjauan ({count})", "Waiting for review ({count})"),
    "adm_mod_hidden": ("Disembunyikan sebagian", "Partly hidden"),
    "adm_mod_withheld": ("Diturunkan", "Taken down"),
    "adm_mod_open": ("Buka laporan nomor", "Open report number"),
    "adm_mod_show": ("Tampilkan", "Show"),
    "adm_mod_missing": ("Laporan itu tidak ada.", "There is no such report."),
    "adm_mod_report": ("Laporan #{id}", "Report #{id}"),
    "adm_mod_state": ("Untuk publik", "For the public"),
    "adm_mod_visibility_public": ("tampil", "public"),
    "adm_mod_visibility_pending": ("menunggu tinjauan", "waiting for review"),
    "adm_mod_visibility_withheld": ("diturunkan", "taken down"),
    "adm_mod_confidential": ("rahasia", "confidential"),
    "adm_mod_parts": ("Sembunyikan dari publik", "Hide from the public"),
    "adm_mod_redacted_description": (
        "Uraian yang disunting untuk publik (kosong: tanda disembunyikan)",
        "Redacted description for the public (empty: the hidden mark)",
    ),
    "adm_mod_redacted_address": (
        "Alamat yang disunting untuk publik (kosong: tanda disembunyikan)",
        "Redacted address for the public (empty: the hidden mark)",
    ),
    "adm_mod_hide": ("Sembunyikan", "Hide"),
    "adm_mod_unhide": ("Tampilkan lagi", "Show again"),
    "adm_mod_withhold": ("Turunkan dari publik", "Take down"),
    "adm_mod_publish": ("Terbitkan", "Publish"),
    "adm_mod_original": ("Asli (hanya petugas)", "Original (officials only)"),
    # --- the admin console: the marketplace's review queue (admin/moderation.html) ---
    "adm_mod_reviews": ("Ulasan pasar UMKM", "Marketplace reviews"),
    "adm_mod_reviews_note": (
        "Ulasan terbaru pembeli. Ulasan yang disembunyikan tampil sebagai tanda untuk publik "
        "dan bintangnya tidak dihitung; teksnya tetap tersimpan.",
        "Buyers' newest reviews. A hidden review shows the public a placeholder and its stars "
        "leave the average; its text is kept.",
    ),
    "adm_mod_review_order": ("pesanan #{id}", "order #{id}"),
}
