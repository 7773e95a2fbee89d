"""The unified social credit code (GB 32100-2015): real codes pass, every kind of damage is caught."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.procurement.domain import credit_code as cc
from tests.unit.procurement.factories import REAL_CODES


def test_the_weights_are_powers_of_three_mod_31_as_the_standard_tabulates():
    assert cc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(cc.CHARSET) == 31 and not set("IOSVZ") & set(cc.CHARSET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert cc.validate(code) == code


def test_the_standards_own_example_has_check_character_3_and_organisation_check_4():
    assert cc.check_character("91350100M000100Y4") == "3"
    assert cc.org_check_character("M000100Y") == "4"


def test_input_is_normalised_before_checking():
    assert cc.validate(" 91440300 708461136t ") == "91440300708461136T"


def test_a_sum_divisible_by_31_gives_check_character_0():
    # Find a body whose weighted sum is a multiple of 31: its check value 31 is written 0.
    for n in range(10_000):
        first17 = f"9111010500{n:06d}"[:16]
        first17 += cc.org_check_character(first17[8:16])
        total = sum(cc.CHARSET.index(c) * w for c, w in zip(first17, cc.WEIGHTS, strict=True))
        if total % 31 == 0:
            assert cc.check_character(first17) == "0"
            return
    pytest.fail("no example found")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("9144030070846113", "length"),
        ("91440300708461136T0", "length"),
        ("91440300708461136I", "charset"),
        ("9144O300708461136T", "charset"),
        ("91AB0300708461136T", "division"),
        ("91440300708461137T", "org_check"),
        ("91440300708461136U", "check"),
    ],
)
def test_each_defect_is_named(text, reason):
    with pytest.raises(cc.CreditCodeError) as caught:
        cc.validate(text)
    assert caught.value.reason == reason


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.sampled_from(REAL_CODES), st.integers(0, 17), st.sampled_from(cc.CHARSET))
def test_changing_any_one_character_of_a_real_code_is_detected(code, position, replacement):
    changed = code[:position] + replacement + code[position + 1 :]
    assert cc.is_valid(changed) == (changed == code)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.sampled_from(REAL_CODES), st.integers(2, 16))
def test_swapping_two_different_neighbours_is_detected(code, position):
    a, b = code[position - 1], code[position]
    swapped = code[: position - 1] + b + a + code[position + 1 :]
    assert cc.is_valid(swapped) == (a == b)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(st.text(alphabet=cc.CHARSET, min_size=8, max_size=8), st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_a_code_built_by_the_rules_passes(body, division):
    if not all(c.isdigit() or c.isupper() for c in body):
        return
    first17 = "91" + division + body + cc.org_check_character(body)
    if first17[16] not in cc.CHARSET:
        return
    assert cc.is_valid(first17 + cc.check_character(first17))
