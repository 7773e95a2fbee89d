"""The demo standards and caps are valid data: each validates, codes and (kind, key) pairs are unique."""

from __future__ import annotations

from decimal import Decimal

from deploy.seed.standards import CAPS, STANDARDS
from services.budget.domain.standards import Kind, key_text, validate_key, validate_limits
from services.budget.domain.three_public import Category


def test_every_seeded_standard_validates_and_is_labelled_demo():
    for seed in STANDARDS:
        kind = Kind(seed.kind)
        validate_key(kind, seed.key)
        validate_limits(kind, seed.limits)
        assert "演示" in seed.name and seed.action in ("block", "flag")


def test_codes_and_scopes_are_unique():
    assert len({s.code for s in STANDARDS}) == len(STANDARDS)
    assert len({(s.kind, key_text(s.key)) for s in STANDARDS}) == len(STANDARDS)


def test_the_scale_of_the_central_rules():
    by_code = {s.code: s for s in STANDARDS}
    assert [by_code[f"MEETING-{n}"].limits["total"] for n in "1234"] == ["760.00", "650.00", "550.00", "450.00"]
    assert [by_code[f"TRAINING-{n}"].limits["total"] for n in "123"] == ["650.00", "550.00", "450.00"]
    assert by_code["TRAVEL-T1-R3"].limits == {"lodging": "450.00", "meals": "100.00", "transport": "80.00"}
    assert by_code["RECEPTION"].limits["meal_per_person"] == "120.00"
    assert len([s for s in STANDARDS if s.kind == "travel"]) == 12


def test_every_category_has_a_demo_cap():
    assert set(CAPS) == {c.value for c in Category} and all(v >= Decimal("0") for v in CAPS.values())
