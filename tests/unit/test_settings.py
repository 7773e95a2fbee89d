"""The settings: one typed declaration of every IC_* variable (ic_platform/config.py), its table in the docs, and
no other module reading them from the environment."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from ic_platform import settings_doc
from ic_platform.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_values_are_typed_and_an_empty_variable_is_unset(monkeypatch):
    monkeypatch.setenv("IC_GATEWAY_PORT", "8123")
    monkeypatch.setenv("IC_DEMO", "1")
    monkeypatch.setenv("IC_TRUSTED_PROXIES", " 10.0.0.1, 10.1.0.0/16 ,")
    monkeypatch.setenv("IC_RISK_SPLIT_THRESHOLD", "30000.00")
    monkeypatch.setenv("IC_DB_PREFIX", "")
    cfg = Settings()
    assert cfg.gateway_port == 8123 and cfg.demo is True and cfg.db_prefix == "ic"
    assert cfg.trusted_proxies == ("10.0.0.1", "10.1.0.0/16")
    assert cfg.risk_split_threshold == Decimal("30000.00")
    assert cfg.risk_defaults == {"IC_RISK_SPLIT_THRESHOLD": "30000.00"}


def test_names_kept_from_before_the_settings_class(monkeypatch):
    monkeypatch.setenv("IC_PG_URL", "postgresql+psycopg://x@db:5432/")
    monkeypatch.setenv("IC_ENV", "production")
    monkeypatch.setenv("IC_METRICS_PORT", "9211")
    cfg = Settings()
    assert cfg.database_url("budget") == "postgresql+psycopg://x@db:5432/ic_budget"
    assert cfg.env_name == "production" and cfg.process_metrics_port == 9211 and cfg.metrics_port("org") == 9101


def test_a_wrong_value_stops_the_start_naming_the_variable(monkeypatch):
    monkeypatch.setenv("IC_GATEWAY_PORT", "eighty")
    with pytest.raises(ValidationError, match="gateway_port"):
        Settings()


def test_the_access_token_lives_fifteen_minutes_at_most(monkeypatch):
    monkeypatch.setenv("IC_ACCESS_TOKEN_TTL_S", "86400")
    assert Settings().access_token_ttl_s == 900
    assert Settings(access_token_ttl_s=300).access_token_ttl_s == 300


def test_every_setting_says_why_and_the_table_in_the_docs_is_current():
    described = {name: why for _, fields in settings_doc.described() for name, why in fields}
    assert set(described) == set(Settings.model_fields)
    assert [n for n, why in described.items() if not why] == []
    assert settings_doc.DOC.read_text(encoding="utf-8") == settings_doc.render(), "python -m ic_platform.cli settings"


# os.environ["IC_..."], os.environ.get("IC_..."), os.getenv("IC_..."): only ic_platform/config.py may.
_READ = re.compile(r"""(environ(\.get)?|getenv)\s*[\[(]\s*["']IC_""")


def test_no_module_but_the_settings_reads_an_ic_variable():
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("services", "gateway", "ic_platform")
        for path in (ROOT / folder).rglob("*.py")
        if _READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []
