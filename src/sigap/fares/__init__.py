"""Fares: a region's fare rules as data and THE fare engine (issue #27, docs/fares.md).

:mod:`.rules` reads and validates a region pack's ``fares/`` folder (GTFS-Fares v2 files and
Sigap's own for caps, distance fares and fare sequences), versioned by validity dates;
:mod:`.engine` prices a card's taps (pure: no database, no clock); :mod:`.export` writes a
rule set back as GTFS-Fares v2 files. Card accounts, validators and the ledger sit on top.
"""
