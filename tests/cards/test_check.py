"""`sigap check` reads the fare card's QRIS merchant code, so a wrong one shows before a top-up."""

from __future__ import annotations

import pytest
from tests.payments.test_qris import static_code

from sigap.check import _qris


def test_a_good_merchant_code_is_named() -> None:
    assert _qris(static_code()) == "QRIS merchant KUE IBU SRI, JAKARTA PUSAT"


def test_a_broken_merchant_code_says_what_is_wrong() -> None:
    broken = static_code()[:-4] + "0000"  # a wrong CRC
    with pytest.raises(ValueError, match="SIGAP_CARD_QRIS_MERCHANT"):
        _qris(broken)
