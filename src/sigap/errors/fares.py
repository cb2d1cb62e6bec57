"""Error codes of the fare rules and the fare engine (issue #27, docs/fares.md): a region
pack's fare files that cannot be read (each naming the pack, file, line and field, like the
GTFS reader's ``gtfs_*`` codes), and taps the engine cannot price.

Each code is declared once across the registry's tables, with its one status."""

from __future__ import annotations

from sigap.errors.code import ErrorCode

CODES: dict[str, ErrorCode] = {
    "fare_missing_file": ErrorCode(
        422,
        "Tarif {region}: berkas wajib {file} tidak ada.",
        "Fares of {region}: the required file {file} is missing.",
    ),
    "fare_missing_field": ErrorCode(
        422,
        "Tarif {region}: {file} baris {line}: kolom '{field}' wajib diisi.",
        "Fares of {region}: {file} line {line}: the field '{field}' is required.",
    ),
    "fare_bad_value": ErrorCode(
        422,
        "Tarif {region}: {file} baris {line}, kolom '{field}': nilai '{value}' tidak valid.",
        "Fares of {region}: {file} line {line}, field '{field}': '{value}' is not a valid value.",
    ),
    "fare_unknown_reference": ErrorCode(
        422,
        "Tarif {region}: {file} baris {line}, kolom '{field}': '{value}' tidak ada di {target}.",
        "Fares of {region}: {file} line {line}, field '{field}': '{value}' is not in {target}.",
    ),
    "fare_duplicate_id": ErrorCode(
        422,
        "Tarif {region}: {file} baris {line}, kolom '{field}': '{value}' sudah dipakai.",
        "Fares of {region}: {file} line {line}, field '{field}': '{value}' is used twice.",
    ),
    "fare_sets_overlap": ErrorCode(
        422,
        "Tarif {region}: masa berlaku aturan tarif {first} dan {second} bertumpuk.",
        "Fares of {region}: the rule sets {first} and {second} are in force on the same days.",
    ),
    "fare_no_rule_set": ErrorCode(
        422,
        "Tidak ada aturan tarif yang berlaku pada {date}.",
        "No fare rule set is in force on {date}.",
    ),
    "fare_unknown_rule_set": ErrorCode(
        422,
        "Aturan tarif '{rule_set}' tidak dikenal.",
        "The fare rule set '{rule_set}' is unknown.",
    ),
    "fare_unknown_network": ErrorCode(
        422,
        "Tap {tap}: jaringan angkutan untuk halte '{stop}' dan rute '{route}' tidak diketahui.",
        "Tap {tap}: no fare network is known for stop '{stop}' and route '{route}'.",
    ),
    "fare_no_rule": ErrorCode(
        422,
        "Tap {tap}: aturan tarif {rule_set} tidak memberi tarif untuk jaringan {network}.",
        "Tap {tap}: the rule set {rule_set} gives no fare for the network {network}.",
    ),
    "fare_tap_conflict": ErrorCode(
        422,
        "Tap {tap} dikirim dua kali dengan isi yang berbeda.",
        "The tap {tap} was sent twice with different contents.",
    ),
    "fare_bad_tap": ErrorCode(
        422,
        "Tap {tap} tidak valid: {reason_id}.",
        "The tap {tap} is not valid: {reason_en}.",
    ),
}
