"""Error codes of the UMKM marketplace (issue #28, docs/market.md): sellers and their
licence numbers, products, search, orders and payments.

Each code is declared once across the registry's tables, with its one status."""

from __future__ import annotations

from sigap.errors.code import ErrorCode

CODES: dict[str, ErrorCode] = {
    "market_bad_nib": ErrorCode(
        422,
        "NIB '{value}' tidak valid: NIB terdiri dari 13 angka.",
        "The NIB '{value}' is not valid: an NIB is 13 digits.",
    ),
    "market_bad_pirt": ErrorCode(
        422,
        "Nomor P-IRT '{value}' tidak valid: {reason_id}.",
        "The P-IRT number '{value}' is not valid: {reason_en}.",
    ),
    "market_bad_halal": ErrorCode(
        422,
        "Nomor sertifikat halal '{value}' tidak valid: tulis 'ID' diikuti 14 sampai 19 angka.",
        "The halal certificate number '{value}' is not valid: write 'ID' and 14 to 19 digits.",
    ),
    "market_bad_bpom": ErrorCode(
        422,
        "Nomor izin edar BPOM '{value}' tidak valid: tulis MD atau ML diikuti 12 sampai 15 angka.",
        "The BPOM registration number '{value}' is not valid: write MD or ML and 12 to 15 digits.",
    ),
    "market_licence_needed": ErrorCode(
        422,
        "Produk golongan '{food_class}' memerlukan nomor {kind} yang terdaftar untuk penjual ini.",
        "Products of the class '{food_class}' need a {kind} number registered for this seller.",
    ),
    "market_licence_unknown": ErrorCode(
        422,
        "Nomor {kind} '{value}' belum didaftarkan oleh penjual ini.",
        "The {kind} number '{value}' is not one this seller has registered.",
    ),
    "market_seller_exists": ErrorCode(
        409,
        "Akun ini sudah terdaftar sebagai penjual.",
        "This account is already registered as a seller.",
    ),
    "market_not_a_seller": ErrorCode(
        403,
        "Akun ini belum terdaftar sebagai penjual: daftar dulu di /api/v1/market/sellers.",
        "This account is not a seller: register first at /api/v1/market/sellers.",
    ),
    "market_seller_suspended": ErrorCode(
        403,
        "Toko ini sedang dibekukan oleh dinas: {reason}",
        "This shop is suspended by the office: {reason}",
    ),
    "market_curator_only": ErrorCode(
        403,
        "Hanya petugas dinas pembina UMKM yang boleh melakukan ini.",
        "Only officials of the office that curates small businesses may do this.",
    ),
    "market_seller_not_found": ErrorCode(
        404,
        "Penjual {seller_id} tidak ditemukan.",
        "Seller {seller_id} was not found.",
    ),
    "market_product_not_found": ErrorCode(
        404,
        "Produk {product_id} tidak ditemukan.",
        "Product {product_id} was not found.",
    ),
    "market_order_not_found": ErrorCode(
        404,
        "Pesanan {order_id} tidak ditemukan.",
        "Order {order_id} was not found.",
    ),
    "market_licence_not_found": ErrorCode(
        404,
        "Izin {licence_id} tidak ditemukan pada penjual ini.",
        "Licence {licence_id} was not found on this seller.",
    ),
    "market_out_of_stock": ErrorCode(
        409,
        "Stok '{name}' tidak cukup untuk {quantity} buah.",
        "There is not enough stock of '{name}' for {quantity}.",
    ),
    "market_unavailable": ErrorCode(
        409,
        "Produk '{name}' sedang tidak dijual.",
        "The product '{name}' is not on sale at the moment.",
    ),
    "market_one_seller": ErrorCode(
        422,
        "Satu pesanan hanya untuk produk dari satu penjual.",
        "One order holds the products of one seller only.",
    ),
    "market_no_delivery": ErrorCode(
        422,
        "Penjual tidak mengantar ke kelurahan {kelurahan}.",
        "The seller does not deliver to the kelurahan {kelurahan}.",
    ),
    "market_no_qris": ErrorCode(
        422,
        "Penjual ini belum memasang QRIS: bayar tunai saat mengambil.",
        "This seller has no QRIS: pay cash on pickup.",
    ),
    "market_action_not_allowed": ErrorCode(
        409,
        "Pesanan berstatus '{state}': '{action}' tidak bisa dilakukan {actor_id}.",
        "The order is '{state}': '{action}' cannot be done {actor_en}.",
    ),
    "market_order_key_reused": ErrorCode(
        409,
        "Idempotency-Key ini sudah dipakai untuk pesanan lain dengan isi berbeda.",
        "This Idempotency-Key was already used for a different order.",
    ),
    "market_not_your_order": ErrorCode(
        403,
        "Pesanan ini bukan milik Anda.",
        "This order is not yours.",
    ),
    "market_bad_hours": ErrorCode(
        422,
        "Jam buka '{value}' tidak valid: tulis JJ:MM-JJ:MM, misalnya 07:00-15:00.",
        "The opening hours '{value}' are not valid: write HH:MM-HH:MM, e.g. 07:00-15:00.",
    ),
    # --- the city's buying (e-order) ---
    "market_no_budget": ErrorCode(
        422,
        "Unit ini belum memiliki anggaran belanja untuk periode {period}.",
        "This unit has no buying budget for the period {period}.",
    ),
    "market_over_budget": ErrorCode(
        409,
        "Pesanan Rp{total} melebihi sisa anggaran unit untuk {period}: Rp{left}.",
        "The order of Rp{total} is more than the unit's budget left for {period}: Rp{left}.",
    ),
    "market_not_your_unit": ErrorCode(
        403,
        "Anda tidak dapat berbelanja atau melihat belanja untuk unit ini.",
        "You may not buy or see the buying for this unit.",
    ),
    "market_budget_below_committed": ErrorCode(
        409,
        "Anggaran tidak boleh kurang dari yang sudah dipesan: Rp{committed}.",
        "The budget cannot be less than what is already ordered: Rp{committed}.",
    ),
    # --- reviews ---
    "market_review_not_allowed": ErrorCode(
        409,
        "Ulasan hanya dapat diberikan pembeli setelah pesanan selesai.",
        "Only the buyer can review an order, once it is completed.",
    ),
    "market_review_exists": ErrorCode(
        409,
        "Pesanan ini sudah diulas.",
        "This order has already been reviewed.",
    ),
    "market_review_not_found": ErrorCode(
        404,
        "Ulasan {review_id} tidak ditemukan.",
        "Review {review_id} was not found.",
    ),
    "market_too_many_photos": ErrorCode(
        422,
        "Terlalu banyak foto: paling banyak {limit} foto per produk.",
        "Too many photos: at most {limit} photos per product.",
    ),
    "market_photo_missing": ErrorCode(
        422,
        "Pilih satu foto atau lebih (kolom 'photo').",
        "Choose one or more photos (the field 'photo').",
    ),
    "market_photo_not_found": ErrorCode(
        404,
        "Foto {photo_id} tidak ditemukan pada produk ini.",
        "Photo {photo_id} was not found on this product.",
    ),
    "market_photo_order": ErrorCode(
        422,
        "Urutan foto harus menyebut setiap foto produk ini tepat satu kali.",
        "The order of photos must name each of this product's photos exactly once.",
    ),
}
