"""The service shape, checked on the source: the domain and the service layer reach the database only through
the repositories their unit of work owns (adapters/), never through `uow.conn` or SQLAlchemy of their own."""

from __future__ import annotations

import pathlib
import re

import pytest

from ic_platform.config import SERVICES

ROOT = pathlib.Path(__file__).resolve().parents[2]
SQLALCHEMY = re.compile(r"^\s*(import sqlalchemy|from sqlalchemy\b)", re.MULTILINE)


def _sources(service: str, *parts: str) -> list[pathlib.Path]:
    return sorted(p for part in parts for p in (ROOT / "services" / service / part).glob("*.py"))


@pytest.mark.parametrize("service", SERVICES)
def test_nothing_outside_the_adapters_uses_the_unit_of_works_connection(service):
    outside = [
        p
        for p in (ROOT / "services" / service).rglob("*.py")
        if not {"adapters", "migrations"} & set(p.relative_to(ROOT).parts)
    ]
    offenders = [str(p.relative_to(ROOT)) for p in outside if "uow.conn" in p.read_text()]
    assert offenders == []


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_and_the_use_cases_import_no_sqlalchemy(service):
    files = _sources(service, "domain", "service_layer")
    offenders = [
        str(p.relative_to(ROOT))
        for p in files
        if p.name != "unit_of_work.py" and (SQLALCHEMY.search(p.read_text()) or ".conn." in p.read_text())
    ]
    assert offenders == []


def test_the_check_sees_an_import_and_a_connection():
    assert SQLALCHEMY.search("x = 1\nimport sqlalchemy as sa\n")
    assert SQLALCHEMY.search("    from sqlalchemy.engine import Engine\n")
    assert not SQLALCHEMY.search("# sqlalchemy is not imported here\n")
