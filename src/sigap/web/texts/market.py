"""Page texts of the marketplace in the citizen app (/app/shop, the seller's day): key ->
(id, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- citizen: the seller's day (templates/citizen/shop.html) ---
    "shop_title": ("Toko saya", "My shop"),
    "shop_not_seller": (
        "Akun ini belum punya toko. Daftarkan toko lewat API: POST /api/v1/market/sellers.",
        "This account has no shop yet. Register one through the API: POST /api/v1/market/sellers.",
    ),
    "shop_pending": (
        "Toko menunggu kurasi dinas: produk belum tampil untuk pembeli.",
        "The shop waits for the office's curation: buyers do not see its products yet.",
    ),
    "shop_suspended": ("Toko dibekukan: {reason}", "The shop is suspended: {reason}"),
    "shop_today": ("Penjualan hari ini", "Today's sales"),
    "shop_today_line": ("{orders} pesanan, {total}", "{orders} orders, {total}"),
    "shop_orders": ("Pesanan masuk", "Orders"),
    "shop_no_orders": ("Belum ada pesanan yang perlu diurus.", "No order needs you now."),
    "shop_delivery": ("Antar ke {kelurahan}", "Deliver to {kelurahan}"),
    "shop_pickup": ("Diambil", "Pickup"),
    "shop_pay_cash": ("Tunai", "Cash"),
    "shop_pay_qris": ("QRIS", "QRIS"),
    "shop_paid": ("sudah dibayar", "paid"),
    "shop_products": ("Produk dan stok", "Products and stock"),
    "shop_stock": ("Stok", "Stock"),
    "shop_save_stock": ("Simpan stok", "Save stock"),
    "shop_hidden": ("tidak dijual", "not on sale"),
    "shop_action_accept": ("Terima", "Accept"),
    "shop_action_decline": ("Tolak", "Decline"),
    "shop_action_ready": ("Siap", "Ready"),
    "shop_action_pick_up": ("Sudah diambil", "Picked up"),
    "shop_action_deliver": ("Sudah diantar", "Delivered"),
    "shop_action_cancel": ("Batalkan", "Cancel"),
    "shop_action_confirm_payment": ("Pembayaran diterima", "Payment received"),
    "shop_action_refund": ("Sudah dikembalikan", "Refunded"),
    "shop_status_placed": ("Baru", "New"),
    "shop_status_accepted": ("Diterima", "Accepted"),
    "shop_status_ready": ("Siap", "Ready"),
    "shop_status_picked_up": ("Diambil", "Picked up"),
    "shop_status_delivered": ("Diantar", "Delivered"),
}
