"""Page texts of the fare card in the citizen app (/app/cards): key -> (id, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "cards_title": ("Kartu saya", "My cards"),
    "cards_none": ("Belum ada kartu.", "No cards yet."),
    "cards_add": ("Daftarkan kartu", "Register a card"),
    "cards_number": ("Nomor kartu (tercetak di kartu)", "Card number (printed on the card)"),
    "cards_name": ("Nama kartu (boleh kosong)", "A name for the card (optional)"),
    "cards_name_hint": ("mis. Kartu kerja", "e.g. Work card"),
    "cards_private": (
        "Nomor kartu disimpan sebagai sidik acak, tidak pernah ditampilkan; hanya empat "
        "angka terakhir.",
        "The card number is stored only as a keyed fingerprint and never shown; only its "
        "last four digits.",
    ),
    "cards_balance": ("Saldo", "Balance"),
    "cards_blocked": ("Diblokir", "Blocked"),
    "cards_new_card": ("Ke kartu pengganti", "To the replacement card"),
    "cards_topup": ("Isi ulang", "Top up"),
    "cards_amount": ("Jumlah (Rp)", "Amount (Rp)"),
    "cards_method": ("Cara bayar", "Pay with"),
    "cards_method_demo": ("Demo (langsung lunas)", "Demo (paid at once)"),
    "cards_method_qris": ("QRIS", "QRIS"),
    "cards_trips": ("Perjalanan", "Trips"),
    "cards_no_trips": ("Belum ada perjalanan.", "No trips yet."),
    "cards_saved": ("hemat {amount}", "saved {amount}"),
    "cards_unpaid": ("belum terbayar {amount}", "unpaid {amount}"),
    "cards_instead": ("bukan {amount}", "instead of {amount}"),
    "cards_lost": ("Kartu hilang?", "Lost your card?"),
    "cards_lost_help": (
        "Laporkan hilang: kartu ini akan diblokir dan saldonya dipindah ke kartu baru Anda.",
        "Report it lost: this card will be blocked and its balance moved to your new card.",
    ),
    "cards_new_number": ("Nomor kartu baru", "The new card's number"),
    "cards_lost_button": ("Blokir dan pindahkan saldo", "Block it and move the balance"),
    "cards_back": ("Semua kartu saya", "All my cards"),
    "cards_back_card": ("Kembali ke kartu", "Back to the card"),
    "cards_qris_help": (
        "Pindai kode QRIS ini dengan aplikasi pembayaran Anda; jumlahnya sudah terisi.",
        "Scan this QRIS code with your payment app; the amount is filled in.",
    ),
    "cards_paid_check": ("Sudah bayar? Periksa", "Paid? Check"),
    "cards_pending": (
        "Saldo bertambah setelah pembayaran dikonfirmasi.",
        "The balance grows once the payment is confirmed.",
    ),
}
