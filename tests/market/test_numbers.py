"""The structure of NIB, P-IRT, halal and BPOM numbers (sigap.market.numbers)."""

from __future__ import annotations

import pytest
from tests.market.conftest import BPOM, HALAL, NIB, PIRT

from sigap.errors import SigapError
from sigap.market import numbers


def test_a_pirt_number_is_read_into_its_parts() -> None:
    parsed = numbers.pirt("P-IRT No. 2063171010012-30", this_year=2026)
    assert parsed.number == PIRT
    assert (parsed.packaging, parsed.food_type) == ("plastic", 6)
    assert (parsed.province, parsed.regency) == ("31", "71")
    assert (parsed.product, parsed.producer, parsed.expires_year) == ("01", "0012", 2030)


@pytest.mark.parametrize(
    ("value", "part"),
    [
        ("20631710100123", "15"),  # 14 digits
        ("2063171010012300", "15"),  # 16 digits
        ("906317101001230", "kemasan"),  # packaging 9
        ("006317101001230", "kemasan"),  # packaging 0
        ("200317101001230", "jenis pangan"),  # food type 00
        ("217317101001230", "jenis pangan"),  # food type 17
        ("206997101001230", "provinsi"),  # province 99
        ("206310001001230", "provinsi"),  # regency 00
        ("206317100001230", "nol"),  # product 00
        ("206317101000030", "nol"),  # producer 0000
        ("206317101001220", "berakhir"),  # expired in 2020
    ],
)
def test_a_wrong_part_of_a_pirt_number_is_named(value: str, part: str) -> None:
    with pytest.raises(SigapError) as caught:
        numbers.pirt(value, this_year=2026)
    assert caught.value.code == "market_bad_pirt"
    assert part in caught.value.message("id")


def test_nib_halal_and_bpom_numbers() -> None:
    assert numbers.nib("912 0001 234567") == NIB
    assert numbers.halal("id31110000123450121") == HALAL
    assert numbers.bpom("BPOM RI MD 235602169254") == BPOM
    for check, bad, code in (
        (numbers.nib, "912000123456", "market_bad_nib"),
        (numbers.nib, "91200012345ab", "market_bad_nib"),
        (numbers.halal, "ID9911000012345012", "market_bad_halal"),
        (numbers.halal, "3111000012345012", "market_bad_halal"),
        (numbers.bpom, "MX235602169254", "market_bad_bpom"),
        (numbers.bpom, "MD2356", "market_bad_bpom"),
    ):
        with pytest.raises(SigapError) as caught:
            check(bad)
        assert caught.value.code == code, bad
