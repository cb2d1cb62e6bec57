"""Golden fares of Jakarta's and Gowa's rules, each with its source (../shared/data/transit's
README, "Fares", read 2026-12-07). Times are Jakarta's wall clock (WIB), stored as UTC."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from tests.fares.conftest import PACKS, jakarta, local, places, tap

from sigap.errors import SigapError
from sigap.fares import engine, rules

TUESDAY = (2026, 12, 8)
# Transjakarta stations (feed ids, stored as tj:...): Kota, Bundaran HI, Blok M; MRT stations.
KOTA, BHI_TJ, BLOK_M = "tj:H00275P", "tj:H00022P", "tj:P00017"
LEBAK_BULUS, BUNDARAN_HI = "mrt:SLBB", "mrt:SBHI"
MIN = timedelta(minutes=1)


def price(*taps: engine.Tap, rule_set: str | None = None) -> engine.Priced:
    return engine.price(taps, jakarta(), rule_set=rule_set, places=places())


def amounts(priced: engine.Priced) -> list[int]:
    return [leg.amount for leg in priced.legs]


def test_one_transjakarta_ride_costs_3500() -> None:
    # Transjakarta's feed: fare FP 3500 IDR on corridor 1 (fare_attributes.txt, fare_rules.txt)
    priced = price(tap("a", local(*TUESDAY, 9), KOTA, "tj:1"))
    assert amounts(priced) == [3500]
    assert priced.legs[0].rule == "tj_reguler"
    assert priced.total == 3500


def test_a_second_transjakarta_ride_within_three_hours_is_free() -> None:
    # Transjakarta's feed: transfer_duration=10800 (3 h from tapping in), free transfers
    first = local(*TUESDAY, 9)
    priced = price(tap("a", first, KOTA, "tj:1"), tap("b", first + 179 * MIN, BLOK_M, "tj:13"))
    assert amounts(priced) == [3500, 0]
    assert priced.legs[1].rule == "transfer:tj>tj"
    assert priced.legs[1].saved == 3500
    assert [j.index for j in priced.journeys] == [0]


def test_after_three_hours_a_new_journey_pays_again() -> None:
    first = local(*TUESDAY, 9)
    priced = price(tap("a", first, KOTA, "tj:1"), tap("b", first + 181 * MIN, BLOK_M, "tj:13"))
    assert amounts(priced) == [3500, 3500]
    assert [leg.journey for leg in priced.legs] == [0, 1]


@pytest.mark.parametrize(
    ("hour", "minute", "fare"), [(4, 59, 3500), (5, 0, 2000), (6, 59, 2000), (7, 0, 3500)]
)
def test_the_morning_fare_is_2000_from_five_to_seven(hour: int, minute: int, fare: int) -> None:
    # haijakarta.id (reported June 2025): Rp 2.000 from 05:00 to 07:00 WIB
    priced = price(tap("a", local(*TUESDAY, hour, minute), KOTA, "tj:1"))
    assert amounts(priced) == [fare]


def test_mikrotrans_and_the_tourist_buses_are_free() -> None:
    # Transjakarta's feed: fare GR 0 IDR on the JAK.* Mikrotrans and BW* tourist routes (the
    # feed's fare_rules.txt, read from the feed; the pack maps GR to a free network)
    at = local(*TUESDAY, 9)
    priced = price(tap("a", at, "tj:X", "tj:JAK.01"), tap("b", at + 200 * MIN, "tj:Y", "tj:BW1"))
    assert amounts(priced) == [0, 0]
    assert [leg.network for leg in priced.legs] == ["mikrotrans", "mikrotrans"]


def test_royaltrans_and_lrt_jakarta_flat_fares() -> None:
    # feed fare PP 20000 (S13, S14, T21: PP3 35000); LRT Jakarta 5000 (Pergub 34/2019)
    at = local(*TUESDAY, 9)
    priced = price(
        tap("a", at, "tj:X", "tj:1K"),
        tap("b", at + 4 * 60 * MIN, "tj:Y", "tj:S13"),
        tap("c", at + 8 * 60 * MIN, "lrt:VEL"),
    )
    assert amounts(priced) == [20000, 35000, 5000]


def test_mrt_station_pairs_from_the_feeds_table() -> None:
    # MRT feed fare_rules.txt: LBB -> BHI 14000, LBB -> FTM 4000 (2019 tariff)
    at = local(*TUESDAY, 9)
    priced = price(
        tap("a", at, LEBAK_BULUS),
        tap("b", at + 30 * MIN, "mrt:GBHI01", kind="out"),  # a platform of Bundaran HI
        tap("c", at + 300 * MIN, "mrt:ELBB01"),  # an entrance of Lebak Bulus
        tap("d", at + 310 * MIN, "mrt:SFTM", kind="out"),
    )
    assert amounts(priced) == [14000, 4000]


def test_an_mrt_ride_without_a_tap_out_is_charged_its_longest_fare() -> None:
    priced = price(tap("a", local(*TUESDAY, 9), LEBAK_BULUS))
    assert amounts(priced) == [14000]
    assert priced.legs[0].estimated
    assert priced.legs[0].rule == "mrt_14000:max"


def test_a_tap_out_six_hours_after_the_tap_in_is_not_that_rides() -> None:
    at = local(*TUESDAY, 9)
    tap_in = tap("a", at, LEBAK_BULUS)
    within = price(tap_in, tap("b", at + engine.LONGEST_LEG - MIN, "mrt:SFTM", kind="out"))
    assert (amounts(within), within.legs[0].tap_out, within.stray) == ([4000], "b", ())
    # The card was never tapped out of that ride: its leg keeps the longest fare, and the
    # tap-out, beyond the quiet gap the repricing of a late tap looks back to, is stray.
    beyond = price(tap_in, tap("b", at + engine.LONGEST_LEG, "mrt:SFTM", kind="out"))
    assert (amounts(beyond), beyond.legs[0].estimated, beyond.stray) == ([14000], True, ("b",))


def km(*pairs: tuple[str, str]) -> int:
    """The package's distance: straight lines between tap-in and tap-out, summed, rounded up."""
    found = places()
    total = sum(
        engine.distance_m(found.position(a) or (0, 0), found.position(b) or (0, 0))
        for a, b in pairs
    )
    return math.ceil(total / 1000)


def test_transjakarta_then_mrt_pays_the_integrated_tariff() -> None:
    # Kepgub DKI 733/2022: Rp 2.500 + Rp 250/km, at most Rp 10.000, two or more of TJ/MRT/LRT
    at = local(*TUESDAY, 9)
    priced = price(
        tap("a", at, KOTA, "tj:1"),
        tap("b", at + 40 * MIN, BHI_TJ, "tj:1", kind="out"),
        tap("c", at + 50 * MIN, BUNDARAN_HI),
        tap("d", at + 80 * MIN, LEBAK_BULUS, kind="out"),
    )
    distance = km((KOTA, BHI_TJ), (BUNDARAN_HI, LEBAK_BULUS))
    assert 17 <= distance <= 20  # Kota - Bundaran HI - Lebak Bulus, about 18.5 km
    assert priced.total == 2500 + 250 * distance < 10000
    assert amounts(priced) == [3500, priced.total - 3500]  # the earlier leg keeps its charge
    assert [leg.full for leg in priced.legs] == [3500, 14000]
    assert priced.journeys[0].package == "integrasi"


def test_transjakarta_and_mrt_within_180_minutes_never_pay_above_10000() -> None:
    at = local(*TUESDAY, 9)
    long_way = price(
        tap("a", at, LEBAK_BULUS),
        tap("b", at + 30 * MIN, BUNDARAN_HI, kind="out"),
        tap("c", at + 40 * MIN, BHI_TJ, "tj:1"),
        tap("d", at + 70 * MIN, KOTA, "tj:1", kind="out"),
        tap("e", at + 80 * MIN, KOTA, "tj:1"),
        tap("f", at + 130 * MIN, BLOK_M, "tj:1", kind="out"),
    )
    assert km((LEBAK_BULUS, BUNDARAN_HI), (BHI_TJ, KOTA), (KOTA, BLOK_M)) > 30
    assert long_way.total == 10000  # 2,500 + 250 x 31 km would be 10,250: the cap
    no_tap_out = price(tap("a", at, KOTA, "tj:1"), tap("c", at + 50 * MIN, BUNDARAN_HI))
    assert no_tap_out.total == 10000  # 3,500 + 14,000 unknown distance: the cap


def test_a_new_package_starts_after_180_minutes() -> None:
    at = local(*TUESDAY, 9)
    priced = price(
        tap("a", at, KOTA, "tj:1"),
        tap("b", at + 40 * MIN, BHI_TJ, "tj:1", kind="out"),
        tap("c", at + 150 * MIN, BUNDARAN_HI),
        tap("d", at + 181 * MIN, LEBAK_BULUS, kind="out"),  # the last tap-out after 180 min
    )
    assert [leg.journey for leg in priced.legs] == [0, 1]
    assert amounts(priced) == [3500, 14000]
    assert [j.package for j in priced.journeys] == [None, None]


def test_ok_otrip_starting_on_transjakarta_3500_1500_0() -> None:
    # megapolitan.kompas.com 2017/12/14: OK-Otrip, at most Rp 5.000 within 3 hours
    at = local(2018, 3, 1, 9)
    priced = price(
        tap("a", at, KOTA, "tj:1"),
        tap("b", at + 30 * MIN, "tj:X", "tj:JAK.01"),
        tap("c", at + 60 * MIN, "tj:Y", "tj:JAK.02"),
        tap("d", at + 90 * MIN, BLOK_M, "tj:1"),
    )
    assert {j.rule_set for j in priced.journeys} == {"ok-otrip-2017"}
    assert amounts(priced) == [3500, 1500, 0, 0]
    assert priced.total == 5000


def test_ok_otrip_starting_on_an_angkot_3000_2000_0() -> None:
    at = local(*TUESDAY, 9)
    priced = price(
        tap("a", at, "tj:X", "tj:JAK.01"),
        tap("b", at + 30 * MIN, KOTA, "tj:1"),
        tap("c", at + 60 * MIN, BLOK_M, "tj:13"),
        rule_set="ok-otrip-2017",
    )
    assert amounts(priced) == [3000, 2000, 0]


def test_the_rule_set_in_force_on_the_day_applies() -> None:
    jakarta_rules = jakarta()
    assert jakarta_rules.rule_set(local(2018, 3, 1, 9)).id == "ok-otrip-2017"
    assert jakarta_rules.rule_set(local(2022, 8, 11, 0, 1)).id == "jaklingko-2022"
    with pytest.raises(SigapError) as caught:
        jakarta_rules.rule_set(local(2022, 8, 10, 23, 59))
    assert caught.value.code == "fare_no_rule_set"


def test_trans_sulsel_in_gowa_is_free() -> None:
    # rastranews.id: Trans Sulsel free since 14 July 2025
    gowa = rules.load(PACKS / "gowa")
    priced = engine.price(
        [engine.Tap("a", local(2026, 1, 5, 7), "in", "transsulsel:S1", "transsulsel:K1")], gowa
    )
    assert amounts(priced) == [0]
    assert priced.legs[0].network == "trans_sulsel"


def test_krl_has_no_fare_rules_here() -> None:
    with pytest.raises(SigapError) as caught:
        price(tap("a", local(*TUESDAY, 9), "krl:THB"))
    assert caught.value.code == "fare_no_rule"


def test_a_mikrotrans_ride_between_does_not_end_the_free_transfer() -> None:
    first = local(*TUESDAY, 9)
    priced = price(
        tap("a", first, KOTA, "tj:1"),
        tap("b", first + 60 * MIN, "tj:X", "tj:JAK.01"),
        tap("c", first + 120 * MIN, BLOK_M, "tj:13"),
    )
    assert amounts(priced) == [3500, 0, 0]


def test_a_tap_out_arriving_late_lowers_the_charge_of_its_leg() -> None:
    # a validator offline for hours: the tap-in was priced alone, at the leg's maximum
    at = local(*TUESDAY, 9)
    tap_in, later = tap("a", at, LEBAK_BULUS), tap("c", at + 60 * MIN, KOTA, "tj:1")
    before = price(tap_in, later)
    # 14,000 + 3,500 in one package of unknown distance: the cap, taken from the first leg
    assert amounts(before) == [10000, 0]
    after = price(later, tap("b", at + 10 * MIN, "mrt:SFTM", kind="out"), tap_in)
    # Lebak Bulus -> Fatmawati 4,000 + 3,500 is less than the package's cap: no package
    assert amounts(after) == [4000, 3500]
    assert after.journeys[0].package is None
    assert not after.legs[0].estimated
    assert after.legs[0].tap_out == "b"
