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
    "transit_csv_empty": ErrorCode(
        422,
        "{file}: tidak ada baris halte di bawah baris judul.",
        "{file}: there is no stop row under the header.",
    ),
    "transit_csv_unreadable": ErrorCode(
        422,
        "{file} bukan teks CSV UTF-8 (atau berisi karakter kendali): simpan lembar kerja "
        "sebagai CSV UTF-8.",
        "{file} is not UTF-8 CSV text (or holds control characters): save the spreadsheet as "
        "CSV UTF-8.",
    ),
    "transit_csv_too_large": ErrorCode(
        413,
        "{file} lebih dari {limit} bita.",
        "{file} is larger than {limit} bytes.",
    ),
    "transit_csv_missing_column": ErrorCode(
        422,
        "{file} baris 1: kolom '{column}' wajib ada di baris judul.",
        "{file} line 1: the header must have the column '{column}'.",
    ),
    "transit_csv_unknown_column": ErrorCode(
        422,
        "{file} baris 1, kolom {letter}: '{column}' bukan kolom yang dikenal (lihat "
        "docs/transit.md).",
        "{file} line 1, column {letter}: '{column}' is not a known column (see docs/transit.md).",
    ),
    "transit_csv_extra_values": ErrorCode(
        422,
        "{file} baris {line}, kolom {letter}: ada nilai di luar {columns} kolom judul (koma "
        "desimal di berkas yang dipisahkan koma? tulis -5.2 atau pisahkan dengan ';').",
        "{file} line {line}, column {letter}: a value beyond the header's {columns} columns (a "
        "decimal comma in a comma-separated file? write -5.2 or separate with ';').",
    ),
    "transit_csv_missing_value": ErrorCode(
        422,
        "{file} baris {line}, kolom {letter} ({column}): wajib diisi.",
        "{file} line {line}, column {letter} ({column}): required.",
    ),
    "transit_csv_bad_value": ErrorCode(
        422,
        "{file} baris {line}, kolom {letter} ({column}): '{value}' tidak valid; isi dengan "
        "{hint_id}.",
        "{file} line {line}, column {letter} ({column}): '{value}' is not valid; write {hint_en}.",
    ),
    "transit_csv_conflict": ErrorCode(
        422,
        "{file} baris {line}, kolom {letter} ({column}): '{value}' berbeda dengan '{before}' "
        "di baris {earlier}; kosongkan atau samakan.",
        "{file} line {line}, column {letter} ({column}): '{value}' differs from '{before}' "
        "on line {earlier}; leave it blank or make them equal.",
    ),
    "transit_csv_too_few_stops": ErrorCode(
        422,
        "{file} baris {line}: rute {route} arah ini hanya punya satu halte; sebuah arah "
        "perlu dua halte atau lebih.",
        "{file} line {line}: route {route} has one stop in this direction; a direction "
        "needs two stops or more.",
    ),
}
