"""QRIS payloads: the CRC against its published check value, a static code made dynamic, and
every malformed code refused with one error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sigap.errors import SigapError
from sigap.payments import qris


def tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def static_code(name: str = "KUE IBU SRI", city: str = "JAKARTA PUSAT") -> str:
    """A static merchant code built here object by object (not by the module under test)."""
    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID1020021181745") + tlv("03", "UMI")
    head = (
        tlv("00", "01")
        + tlv("01", "11")
        + tlv("51", account)
        + tlv("52", "5812")
        + tlv("53", "360")
        + tlv("58", "ID")
        + tlv("59", name)
        + tlv("60", city)
        + tlv("61", "10150")
        + "6304"
    )
    return head + qris.crc16(head)


def test_crc16_is_ccitt_false() -> None:
    # The catalogue's check value of CRC-16/CCITT-FALSE over "123456789" is 0x29B1.
    assert qris.crc16("123456789") == "29B1"
    assert qris.crc16("") == "FFFF"


def test_dynamic_code_carries_the_amount_and_a_valid_crc() -> None:
    code = qris.dynamic(static_code(), 37_500, reference="ORD-1042")
    objects = dict(qris.parse(code))
    assert objects["01"] == qris.DYNAMIC
    assert objects["54"] == "37500"
    assert dict(qris.objects(objects["62"]))["05"] == "ORD-1042"
    assert objects["51"] == dict(qris.parse(static_code()))["51"]
    assert code.startswith("000201")
    assert code[-8:-4] == "6304"
    assert qris.merchant(code) == qris.Merchant("KUE IBU SRI", "JAKARTA PUSAT", 37_500)


def test_a_dynamic_code_taken_again_replaces_amount_and_reference() -> None:
    once = qris.dynamic(static_code(), 10_000, reference="A")
    twice = qris.dynamic(once, 2_500, reference="B")
    objects = dict(qris.parse(twice))
    assert objects["54"] == "2500"
    assert qris.objects(objects["62"]) == [("05", "B")]
    assert [tag for tag, _ in qris.parse(twice)].count("54") == 1


@given(st.integers(min_value=1, max_value=10**13 - 1))
def test_any_amount_round_trips(amount: int) -> None:
    assert qris.merchant(qris.dynamic(static_code(), amount)).amount == amount


@given(st.data())
def test_a_changed_character_breaks_the_code(data: st.DataObject) -> None:
    code = qris.dynamic(static_code(), 15_000)
    at = data.draw(st.integers(min_value=0, max_value=len(code) - 5))
    other = data.draw(st.sampled_from("0123456789ABCDEFXYZ").filter(lambda c: c != code[at]))
    with pytest.raises(SigapError) as raised:
        qris.parse(code[:at] + other + code[at + 1 :])
    assert raised.value.code == "qris_invalid"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("", "00"),
        ("hello", "object at 0"),
        (static_code()[:-1], "object 63 length"),
        (static_code().replace("5303360", "5303840"), "crc"),
    ],
)
def test_malformed_codes_are_refused(code: str, problem: str) -> None:
    with pytest.raises(SigapError) as raised:
        qris.parse(code)
    assert raised.value.params == {"problem": problem}
    assert raised.value.status == 422


def test_foreign_currency_and_missing_account_are_refused() -> None:
    dollars = static_code().replace(tlv("53", "360"), tlv("53", "840"))
    dollars = dollars[:-4] + qris.crc16(dollars[:-4])
    with pytest.raises(SigapError, match="qris_invalid"):
        qris.parse(dollars)
    assert qris.dynamic(static_code(), 1)  # the untouched code is fine


@pytest.mark.parametrize("amount", [0, -5, 10**13])
def test_amounts_outside_the_field_are_refused(amount: int) -> None:
    with pytest.raises(SigapError) as raised:
        qris.dynamic(static_code(), amount)
    assert raised.value.params == {"problem": "54"}
