"""Error codes of the transit network's storage and API (issue #26): importing and exporting
feeds, planning journeys, stops and routes. The feed reader's own codes (``gtfs_*``) and
``transit_stop_not_found`` are in :mod:`sigap.errors.public`.

Each code is declared once across the registry's tables, with its one status."""

from __future__ import annotations

from sigap.errors.code import ErrorCode

CODES: dict[str, ErrorCode] = {
    "transit_no_network": ErrorCode(
        404,
        "Belum ada jaringan angkutan umum: impor feed GTFS dengan 'sigap import-gtfs'.",
        "No transit network has been imported yet: import GTFS feeds with 'sigap import-gtfs'.",
    ),
    "transit_no_stop_near": ErrorCode(
        422,
        "Tidak ada halte atau stasiun dalam {radius} m dari {end_id} ({lat}, {lon}).",
        "There is no stop or station within {radius} m of {end_en} ({lat}, {lon}).",
    ),
    "transit_bad_time": ErrorCode(
        422,
        "Jam '{value}' tidak valid: tulis JJ:MM, misalnya 07:30.",
        "The time '{value}' is not valid: write HH:MM, e.g. 07:30.",
    ),
    "transit_depart_or_arrive": ErrorCode(
        422,
        "Pilih salah satu: jam berangkat (depart) atau jam tiba (arrive), bukan keduanya.",
        "Give a departure time (depart) or an arrival time (arrive), not both.",
    ),
    "transit_no_service": ErrorCode(
        422,
        "Tidak ada perjalanan angkutan umum pada {date} di jaringan yang diimpor "
        "(feed berlaku {start} sampai {end}).",
        "No transit service runs on {date} in the imported network (the feeds run from "
        "{start} to {end}).",
    ),
    "transit_route_not_found": ErrorCode(
        404,
        "Rute '{route}' tidak ada di jaringan.",
        "The route '{route}' is not in the network.",
    ),
    "transit_feed_not_found": ErrorCode(
        404,
        "Tidak ada feed bernama '{feed}'.",
        "There is no feed named '{feed}'.",
    ),
    "transit_bad_feed_name": ErrorCode(
        422,
        "Nama feed '{feed}' tidak valid: 1-32 huruf kecil, angka, '-' atau '_'.",
        "The feed name '{feed}' is not valid: 1-32 lower-case letters, digits, '-' or '_'.",
    ),
}
