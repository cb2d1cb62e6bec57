"""Page texts of the admin console's fare pages (/admin/fares): key -> (id, en)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- admin: fares (the menu, the tabs, the forms' days) ---
    "adm_fares": ("Tarif & kartu", "Fares & cards"),
    "fa_tabs": ("Halaman tarif", "Fare pages"),
    "fa_rules": ("Aturan tarif", "Fare rules"),
    "fa_revenue": ("Pendapatan", "Revenue"),
    "fa_reconciliation": ("Rekonsiliasi", "Reconciliation"),
    "fa_validators": ("Validator", "Validators"),
    "fa_day": ("Tanggal", "Date"),
    "fa_start": ("Dari", "From"),
    "fa_end": ("Sampai", "To"),
    "fa_show": ("Tampilkan", "Show"),
    "fa_days": ("{start} s.d. {end} (hari setempat)", "{start} to {end} (local days)"),
    # --- admin: fares, the rules in force ---
    "fa_rules_help": (
        "Aturan tarif dari paket wilayah (folder fares/, docs/fares.md): aturan yang berlaku "
        "pada tanggal yang dipilih, tarif per jaringan, transfer dan batas tarif.",
        "The fare rules of the region pack (its fares/ folder, docs/fares.md): the rule set in "
        "force on the chosen date, the fares per network, transfers and caps.",
    ),
    "fa_in_force_on": ("Berlaku pada {day}", "In force on {day}"),
    "fa_none_in_force": (
        "Tidak ada aturan tarif yang berlaku pada {day}: tap disimpan, tidak ditagih.",
        "No fare rules are in force on {day}: taps are stored, nothing is charged.",
    ),
    "fa_no_rules": (
        "Wilayah ini tidak punya aturan tarif: tap disimpan, tidak ditagih.",
        "This region has no fare rules: taps are stored, nothing is charged.",
    ),
    "fa_badge_in_force": ("Berlaku", "In force"),
    "fa_valid": ("Masa berlaku", "Valid"),
    "fa_valid_closed": ("{start} s.d. {end}", "{start} to {end}"),
    "fa_valid_open": ("sejak {start}, tanpa tanggal akhir", "from {start}, open-ended"),
    "fa_source": ("Sumber", "Source"),
    "fa_folder": ("Berkas", "Files"),
    "fa_journey": (
        "Satu perjalanan: setiap naik yang dimulai dalam {minutes} menit sejak tap-in pertama",
        "One journey: every ride begun within {minutes} minutes of the first tap-in",
    ),
    "fa_networks": ("Tarif per jaringan", "Fares per network"),
    "fa_network": ("Jaringan", "Network"),
    "fa_fare": ("Tarif", "Fare"),
    "fa_product": ("Produk tarif", "Fare product"),
    "fa_when": ("Kapan", "When"),
    "fa_any_time": ("setiap saat", "at any time"),
    "fa_window": ("tap-in {start}-{end}", "tapping in {start}-{end}"),
    "fa_every_day": ("setiap hari", "every day"),
    "fa_weekdays": ("Sen Sel Rab Kam Jum Sab Min", "Mon Tue Wed Thu Fri Sat Sun"),
    "fa_pairs": (
        "{count} pasangan stasiun, {lowest} sampai {highest}, menurut stasiun tap-in dan tap-out",
        "{count} station pairs, {lowest} to {highest}, by the tap-in and tap-out stations",
    ),
    "fa_pairs_list": ("Tarif per pasangan stasiun", "Fare per station pair"),
    "fa_from": ("Dari", "From"),
    "fa_to": ("Ke", "To"),
    "fa_unpriced": (
        "Tanpa tarif dalam aturan ini (tap-nya disimpan, tidak ditagih): {names}",
        "No fare in these rules (their taps are stored, not charged): {names}",
    ),
    "fa_packages": ("Tarif integrasi dengan batas", "Integrated fares with a cap"),
    "fa_package": (
        "{name}: perjalanan yang memakai sedikitnya {min} dari {networks} membayar {entry} + "
        "{per_km} per km, paling banyak {cap}, dalam {minutes} menit dari tap-in pertama "
        "sampai tap-out terakhir.",
        "{name}: a journey using at least {min} of {networks} pays {entry} + {per_km} per km, "
        "at most {cap}, within {minutes} minutes from the first tap-in to the last tap-out.",
    ),
    "fa_factor": (
        "Jarak: garis lurus antara halte tap-in dan tap-out, dikali {factor}.",
        "Distance: the straight line between the tap-in and tap-out stops, times {factor}.",
    ),
    "fa_transfers": ("Transfer", "Transfers"),
    "fa_transfer": (
        "{origin} → {target}: {count}, dalam {minutes} menit ({limit}); biaya transfer "
        "{amount} ({kind}).",
        "{origin} → {target}: {count}, within {minutes} minutes ({limit}); the transfer costs "
        "{amount} ({kind}).",
    ),
    "fa_transfer_no_limit": (
        "{origin} → {target}: {count}; biaya transfer {amount} ({kind}).",
        "{origin} → {target}: {count}; the transfer costs {amount} ({kind}).",
    ),
    "fa_any_network": ("jaringan mana pun", "any network"),
    "fa_count_any": ("transfer tanpa batas jumlah", "any number of transfers"),
    "fa_count_one": ("satu transfer", "one transfer"),
    "fa_count_n": ("paling banyak {n} transfer", "at most {n} transfers"),
    "fa_limit_0": ("dari naik pertama sampai turun terakhir", "first boarding to last alighting"),
    "fa_limit_1": ("dari tap-in ke tap-in berikutnya", "tap-in to the next tap-in"),
    "fa_limit_2": ("dari turun ke naik berikutnya", "alighting to the next boarding"),
    "fa_limit_3": ("dari turun ke turun berikutnya", "alighting to the next alighting"),
    "fa_kind_0": (
        "tarif naik pertama + biaya transfer",
        "the first ride's fare plus the transfer's",
    ),
    "fa_kind_1": (
        "tarif naik pertama + biaya transfer + tarif naik berikutnya",
        "the first ride's fare, the transfer's and the next ride's",
    ),
    "fa_kind_2": ("hanya biaya transfer", "the transfer's amount only"),
    "fa_sequences": ("Tarif berurutan", "Fare sequences"),
    "fa_sequence": (
        "Mulai di {start}, lalu naik di {networks}:",
        "Starting on {start}, then riding {networks}:",
    ),
    "fa_step": ("naik ke-{n}: {amount} ({name})", "ride {n}: {amount} ({name})"),
    "fa_step_after": ("naik selanjutnya: {amount}", "every later ride: {amount}"),
    "fa_other_sets": (
        "Aturan lain (tidak berlaku pada tanggal ini)",
        "Other rule sets (not in force on this date)",
    ),
    # --- admin: fares, revenue ---
    "fa_revenue_help": (
        "Pendapatan tarif per jaringan dan per hari setempat: yang diterima rekening pendapatan "
        "tiap jaringan (tarif, dikurangi pengembalian), menurut hari perjalanannya (tap yang "
        "datang terlambat masuk ke hari perjalanan) atau hari pembukuannya (angka hari yang "
        "sudah ditutup tidak berubah).",
        "Fare revenue per network and local day: what each network's revenue account "
        "received (fares, less refunds), by the day of the rides (late taps count on their "
        "ride's day) or by the day it was posted (a closed day's figure never changes).",
    ),
    "fa_by": ("Menurut", "By"),
    "fa_by_ride": ("hari perjalanan", "the rides' day"),
    "fa_by_posting": ("hari pembukuan", "the posting day"),
    "fa_csv": ("Unduh CSV", "Download CSV"),
    "fa_col_day": ("Tanggal", "Day"),
    "fa_col_network": ("Jaringan", "Network"),
    "fa_col_fares": ("Pendapatan tarif", "Fare revenue"),
    "fa_total": ("Jumlah", "Total"),
    "fa_per_network": ("Jumlah per jaringan", "Total per network"),
    "fa_no_revenue": ("Tidak ada pendapatan pada hari-hari ini.", "No revenue on these days."),
    "fa_cut": ("Paling banyak {n} hari: sampai {end}.", "At most {n} days: up to {end}."),
    # --- admin: fares, reconciliation ---
    "fa_recon_help": (
        "Tap, tagihan dan isi ulang pada hari-hari yang dipilih; saldo dan pemeriksaan "
        "pembukuan saat ini. Selisih selain Rp 0 ditandai.",
        "Taps, charges and top-ups over the chosen days; balances and the books' checks now. "
        "A difference other than Rp 0 is flagged.",
    ),
    "fa_taps_h": ("Tap", "Taps"),
    "fa_taps": ("Tap diterima", "Taps received"),
    "fa_taps_unknown": ("dari kartu tak terdaftar", "of unregistered cards"),
    "fa_taps_blocked": ("dari kartu diblokir", "of blocked cards"),
    "fa_legs": ("Naik yang dihargai", "Rides priced"),
    "fa_charges_h": ("Tagihan", "Charges"),
    "fa_fares": ("Tarif ditagih (pertama kali)", "Fares charged (first postings)"),
    "fa_adjustments": (
        "Penyesuaian (tap terlambat; pengembalian negatif)",
        "Adjustments (late taps; refunds negative)",
    ),
    "fa_net": ("Bersih", "Net"),
    "fa_unpaid": (
        "Belum terbayar (saldo kartu di batas bawah)",
        "Unpaid (card balances at their floor)",
    ),
    "fa_topups_h": ("Isi ulang", "Top-ups"),
    "fa_topups_paid": ("Isi ulang lunas", "Paid top-ups"),
    "fa_topups_amount": ("Jumlah lunas", "Amount paid"),
    "fa_topups_pending": ("Menunggu pembayaran", "Awaiting payment"),
    "fa_balances_h": ("Saldo saat ini", "Balances now"),
    "fa_card_balances": ("Semua kartu", "All cards"),
    "fa_clearing": ("Kliring {adapter}", "Clearing {adapter}"),
    "fa_checks_h": ("Pemeriksaan pembukuan (sepanjang waktu)", "The books' checks (all-time)"),
    "fa_check": ("Pemeriksaan", "Check"),
    "fa_expected": ("Seharusnya", "Expected"),
    "fa_found": ("Tercatat", "Found"),
    "fa_difference": ("Selisih", "Difference"),
    "fa_check_topups": (
        "Isi ulang lunas = yang diberikan kliring adaptor pembayaran",
        "Paid top-ups = what the payment adapters' clearing gave",
    ),
    "fa_check_fares": (
        "Tarif ditagih pada perjalanan = rekening pendapatan jaringan",
        "Fares charged on rides = the networks' revenue accounts",
    ),
    "fa_check_cards": (
        "Isi ulang - tarif ditagih = saldo semua kartu",
        "Top-ups - fares charged = all cards' balances",
    ),
    "fa_diff_flag": ("Selisih!", "Difference!"),
    "fa_diff_help": (
        "Ada selisih: jalankan sigap ledger verify dan periksa jejak audit.",
        "There is a difference: run sigap ledger verify and read the audit trail.",
    ),
    "fa_match": ("Cocok", "Matches"),
    "fa_ledger": ("Buku besar seimbang", "The ledger balances"),
    "fa_ledger_bad": (
        "Buku besar TIDAK seimbang: jalankan sigap ledger verify.",
        "The ledger does NOT balance: run sigap ledger verify.",
    ),
    "fa_attention": ("perlu diperiksa", "needs a look"),
    # --- admin: fares, validators ---
    "fa_validators_help": (
        "Pembaca kartu di bus, gerbang dan peron. Kunci validator hanya bisa mengirim tap, "
        "dan hanya ditampilkan sekali.",
        "The card readers on buses, gates and platforms. A validator's key can only post "
        "taps, and is shown once.",
    ),
    "fa_validator_create": ("Daftarkan validator", "Register a validator"),
    "fa_v_network": ("Jaringan", "Network"),
    "fa_v_stop": ("Halte (id, boleh kosong)", "Stop (id, optional)"),
    "fa_v_route": ("Rute (id, boleh kosong)", "Route (id, optional)"),
    "fa_v_place": ("Tempat", "Place"),
    "fa_v_none": ("Belum ada validator.", "No validators yet."),
}
