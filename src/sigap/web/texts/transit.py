"""Page texts of the journey planner in the citizen app (/app/transit): key -> (id, en).

Keys read by static/citizen/transit.js travel in the page's ``transit-texts`` JSON block
(sigap.citizen.transit.SCRIPT_KEYS); placeholders such as ``{n}`` are filled there.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- citizen: journey planner (templates/citizen/transit.html) ---
    "transit_title": ("Perjalanan", "Journey"),
    "transit_intro": (
        "Cari rute MRT, KRL dan bus dari satu tempat ke tempat lain.",
        "Find a way by MRT, commuter train and bus from one place to another.",
    ),
    "transit_from": ("Dari", "From"),
    "transit_to": ("Ke", "To"),
    "transit_where_placeholder": ("Cari stasiun, halte, jalan…", "Search a station, stop, street…"),
    "transit_pin": ("Pilih di peta", "Pick on the map"),
    "transit_swap": ("Tukar asal dan tujuan", "Swap start and destination"),
    "transit_save": ("Simpan", "Save"),
    "transit_depart": ("Kapan", "When"),
    "transit_now": ("Sekarang", "Now"),
    "transit_at": ("Pada", "At"),
    "transit_arrive_by": ("Tiba sebelum", "Arrive by"),
    "transit_date": ("Tanggal", "Date"),
    "transit_search": ("Cari perjalanan", "Find journeys"),
    "transit_departures_title": ("Keberangkatan berikutnya", "Next departures"),
    "transit_departures_hint": (
        "Cari stasiun atau halte untuk melihat kereta dan bus berikutnya.",
        "Search a station or stop to see the next trains and buses.",
    ),
    "transit_stop_placeholder": ("Nama stasiun atau halte", "Name of a station or stop"),
    "transit_credits": ("Data jaringan", "Network data"),
    # --- citizen: journey planner, read by static/citizen/transit.js ---
    "transit_pin_armed_from": (
        "Ketuk peta untuk memilih titik berangkat.",
        "Tap the map to pick where you start.",
    ),
    "transit_pin_armed_to": (
        "Ketuk peta untuk memilih titik tujuan.",
        "Tap the map to pick your destination.",
    ),
    "transit_pin_name": ("Titik di peta", "Point on the map"),
    "transit_start": ("Berangkat dari sini", "Start here"),
    "transit_my_location": ("Lokasi saya", "My location"),
    "transit_recent": ("Tempat terakhir", "Recent places"),
    "transit_saved_place": ("Tempat tersimpan", "Saved place"),
    "transit_save_name": ("Simpan tempat ini dengan nama:", "Save this place as:"),
    "transit_save_nothing": ("Pilih tempatnya dulu.", "Choose the place first."),
    "transit_save_done": ("Tersimpan: {name}", "Saved: {name}"),
    "transit_kind_stop": ("Stasiun/halte", "Station/stop"),
    "transit_searching": ("Mencari…", "Searching…"),
    "transit_nothing_found": ("Tidak ada yang cocok.", "Nothing matches."),
    "transit_need_both": (
        "Pilih titik berangkat dan tujuan dulu.",
        "Choose where you start and where you go first.",
    ),
    "transit_planning": ("Mencari perjalanan…", "Finding journeys…"),
    "transit_offline": (
        "Tidak ada koneksi internet. Coba lagi saat tersambung.",
        "No internet connection. Try again once you are connected.",
    ),
    "transit_offline_saved": (
        "Tidak ada koneksi internet. Ini perjalanan terakhir yang Anda cari (disimpan {when}).",
        "No internet connection. This is the last journey you looked up (saved {when}).",
    ),
    "transit_saved": (
        "Perjalanan terakhir yang Anda cari (disimpan {when}).",
        "The last journey you looked up (saved {when}).",
    ),
    "transit_no_journey": (
        "Tidak ada perjalanan dengan kereta atau bus pada waktu itu. Coba jam lain atau titik "
        "lain.",
        "No journey by train or bus at that time. Try another time or another point.",
    ),
    "transit_options": ("{n} pilihan perjalanan", "{n} journey options"),
    "transit_minutes": ("{n} mnt", "{n} min"),
    "transit_direct": ("Langsung", "Direct"),
    "transit_transfers": ("{n} kali ganti", "{n} changes"),
    "transit_transfer_one": ("1 kali ganti", "1 change"),
    "transit_walk_total": ("jalan {m} m", "walk {m} m"),
    "transit_about": ("sekitar {t}", "about {t}"),
    "transit_fare": ("Rp {amount}", "Rp {amount}"),
    "transit_fare_free": ("Gratis", "Free"),
    "transit_fare_unknown": ("Tarif tidak diketahui", "Fare unknown"),
    "transit_fare_note": (
        "Tarif dengan kartu bila tap masuk dan tap keluar di setiap naik ({rules}).",
        "The card fare when you tap in and out of every ride ({rules}).",
    ),
    "transit_estimated_note": (
        "Waktu perkiraan: layanan ini berjalan menurut frekuensi, bukan jadwal.",
        "Estimated times: this service runs every few minutes, not to a timetable.",
    ),
    "transit_step_walk_to": ("Jalan {m} m ke {place}", "Walk {m} m to {place}"),
    "transit_step_walk_end": ("Jalan {m} m ke tujuan", "Walk {m} m to your destination"),
    "transit_walk_streets": ("lewat jalan", "along the streets"),
    "transit_walk_straight": ("perkiraan dari garis lurus", "a straight-line estimate"),
    "transit_step_ride": (
        "Naik {route} arah {headsign}, turun di {place} setelah {n} {unit}",
        "Take {route} towards {headsign}, get off at {place} after {n} {unit}",
    ),
    "transit_step_ride_plain": (
        "Naik {route}, turun di {place} setelah {n} {unit}",
        "Take {route}, get off at {place} after {n} {unit}",
    ),
    "transit_unit_station": ("stasiun", "station"),
    "transit_unit_stations": ("stasiun", "stations"),
    "transit_unit_stop": ("halte", "stop"),
    "transit_unit_stops": ("halte", "stops"),
    "transit_leaves_at": ("Berangkat {t} dari {place}", "Leaves {t} from {place}"),
    "transit_leaves_every": (
        "{every}; berikutnya sekitar {t} dari {place}",
        "{every}; next about {t} from {place}",
    ),
    "transit_show_departures": ("Keberangkatan di sini", "Departures here"),
    "transit_show_map": ("Lihat di peta", "Show on the map"),
    "transit_destination": ("Tujuan", "Destination"),
    "transit_departures_none": (
        "Tidak ada keberangkatan dalam tiga jam ke depan.",
        "No departure in the next three hours.",
    ),
    "transit_departures_at": ("Setelah pukul {t}", "After {t}"),
    "transit_towards": ("arah {headsign}", "towards {headsign}"),
    "transit_until": ("sampai {t}", "until {t}"),
    "transit_arrive": ("Tiba {t}", "Arrive {t}"),
    "transit_mode_metro": ("MRT", "MRT"),
    "transit_mode_rail": ("KRL", "Train"),
    "transit_mode_bus": ("Bus", "Bus"),
    # --- citizen: routes and stops pages (templates/citizen/transit_*.html) ---
    "transit_page_all_routes": ("Semua rute", "All routes"),
    "transit_page_routes_title": ("Rute MRT, KRL dan bus", "MRT, train and bus routes"),
    "transit_page_filter": ("Saring rute", "Filter routes"),
    "transit_page_filter_placeholder": ("Nomor atau nama rute", "Number or name of a route"),
    "transit_page_filter_go": ("Saring", "Filter"),
    "transit_page_no_routes": ("Tidak ada rute yang cocok.", "No route matches."),
    "transit_page_mode_other": ("Lainnya", "Other"),
    "transit_page_direction": ("Arah {headsign}", "Towards {headsign}"),
    "transit_page_direction_plain": ("Arah {n}", "Direction {n}"),
    "transit_page_trips": ("{n} perjalanan", "{n} trips"),
    "transit_page_stops": ("Halte dan stasiun", "Stops and stations"),
    "transit_page_routes_here": ("Rute di sini", "Routes here"),
    "transit_page_platforms": ("Peron", "Platforms"),
    "transit_page_station": ("Stasiun", "Station"),
    "transit_page_plan_from": ("Rencanakan dari sini", "Plan from here"),
    "transit_page_plan_to": ("Rencanakan ke sini", "Plan to here"),
    "transit_page_no_network": (
        "Data angkutan umum belum tersedia di sini. Coba lagi nanti.",
        "Transit data is not available here yet. Please try again later.",
    ),
    "transit_page_no_departures_today": (
        "Tidak ada layanan hari ini menurut data jaringan.",
        "No service today according to the network's data.",
    ),
}
