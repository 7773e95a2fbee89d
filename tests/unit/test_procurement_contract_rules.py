"""Both domains' rule registries against their code and their design notes: every rule id is raised somewhere,
documented in DOMAIN.md, and the domains stay pure (no transport, no database, no environment)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.contract.domain.errors import RULES as CONTRACT_RULES
from services.procurement.domain.errors import RULES as PROCUREMENT_RULES

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {
    "procurement": PROCUREMENT_RULES,
    "contract": CONTRACT_RULES,
}
FORBIDDEN_IMPORTS = re.compile(r"^\s*(from|import)\s+(nameko|sqlalchemy|pika|kombu|eventlet|os)\b", re.M)


def sources(service: str) -> dict[Path, str]:
    folder = ROOT / "services" / service / "domain"
    return {p: p.read_text(encoding="utf-8") for p in folder.glob("*.py")}


@pytest.mark.parametrize("service", DOMAINS)
def test_every_rule_is_raised_by_the_code(service):
    code = "\n".join(text for path, text in sources(service).items() if path.name != "errors.py")
    unused = [rule for rule in DOMAINS[service] if f'"{rule}"' not in code]
    assert unused == []


@pytest.mark.parametrize("service", DOMAINS)
def test_every_rule_is_documented_in_the_design_note(service):
    note = (ROOT / "services" / service / "DOMAIN.md").read_text(encoding="utf-8")
    missing = [rule for rule in DOMAINS[service] if f"`{rule}`" not in note]
    assert missing == []


@pytest.mark.parametrize("service", DOMAINS)
def test_the_domain_is_pure(service):
    offenders = [path.name for path, text in sources(service).items() if FORBIDDEN_IMPORTS.search(text)]
    assert offenders == []
    assert all("environ" not in text for text in sources(service).values())
