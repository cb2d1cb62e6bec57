"""Error codes of the fare card (issue #27): card accounts, top-ups, validators and taps.

Each code is declared once across the registry's tables, with its one status."""

from __future__ import annotations

from sigap.errors.code import ErrorCode

CODES: dict[str, ErrorCode] = {
    "card_not_found": ErrorCode(
        404,
        "Kartu tidak ditemukan di akun Anda.",
        "No such card on your account.",
    ),
    "invalid_card_number": ErrorCode(
        422,
        "Nomor kartu harus 8 sampai 32 huruf atau angka (spasi dan tanda hubung boleh).",
        "A card number is 8 to 32 letters or digits (spaces and dashes are allowed).",
    ),
    "card_already_registered": ErrorCode(
        409,
        "Kartu ini sudah terdaftar. Jika kartu ini milik Anda dan hilang, hubungi petugas.",
        "This card is already registered. If it is yours and was lost, contact the operator.",
    ),
    "card_blocked": ErrorCode(
        409,
        "Kartu ini sudah diblokir; gunakan kartu penggantinya.",
        "This card is blocked; use the card that replaced it.",
    ),
    "card_balance_too_low": ErrorCode(
        409,
        "Saldo kartu tidak cukup: saldo tidak boleh di bawah Rp {floor}.",
        "The card's balance is too low: it may not go below Rp {floor}.",
    ),
    "invalid_topup_amount": ErrorCode(
        422,
        "Isi ulang harus antara Rp {low} dan Rp {high}, dalam rupiah bulat.",
        "A top-up is between Rp {low} and Rp {high}, in whole rupiah.",
    ),
    "topup_key_reused": ErrorCode(
        409,
        "Idempotency-Key ini sudah dipakai untuk isi ulang dengan jumlah lain.",
        "This Idempotency-Key was already used for a top-up of another amount.",
    ),
    "topup_not_found": ErrorCode(
        404,
        "Isi ulang tidak ditemukan.",
        "No such top-up.",
    ),
    "invalid_payment_signature": ErrorCode(
        401,
        "Notifikasi pembayaran harus ditandatangani: header Sigap-Signature tidak ada, salah, "
        "atau waktunya lebih dari 5 menit dari sekarang.",
        "A payment notification must be signed: the Sigap-Signature header is missing, wrong, "
        "or its time is more than 5 minutes from now.",
    ),
    "payment_notifications_off": ErrorCode(
        404,
        "Notifikasi pembayaran QRIS tidak diterima di sini (rahasia notifikasi belum diatur).",
        "QRIS payment notifications are not received here (no notification secret is set).",
    ),
    "payment_amount_mismatch": ErrorCode(
        409,
        "Jumlah yang dibayar (Rp {paid}) tidak sama dengan isi ulang (Rp {amount}); "
        "tidak ada yang dibukukan.",
        "The amount paid (Rp {paid}) is not the top-up's (Rp {amount}); nothing was posted.",
    ),
    "unknown_payment_adapter": ErrorCode(
        422,
        "Metode pembayaran '{adapter}' tidak tersedia.",
        "The payment method '{adapter}' is not available.",
    ),
    "missing_validator_key": ErrorCode(
        401,
        "Kirim kunci validator di header X-Validator-Key.",
        "Send the validator's key in the X-Validator-Key header.",
    ),
    "invalid_validator_key": ErrorCode(
        403,
        "Kunci validator tidak valid atau sudah dicabut.",
        "The validator key is not valid or has been revoked.",
    ),
    "validator_not_found": ErrorCode(
        404,
        "Validator {validator} tidak ditemukan atau sudah dicabut.",
        "Validator {validator} was not found or is already revoked.",
    ),
    "invalid_validator": ErrorCode(
        422,
        "Nama validator (1-100 karakter) dan jaringannya (huruf kecil, angka, - atau _, "
        "1-40 karakter) wajib diisi.",
        "A validator needs a name (1-100 characters) and its network (lowercase letters, "
        "digits, - or _, 1-40 characters).",
    ),
    "tap_without_place": ErrorCode(
        422,
        "Tap {tap_id} tidak menyebut halte atau rute, dan validatornya juga tidak punya.",
        "Tap {tap_id} names no stop or route, and its validator has none either.",
    ),
}
