"""The rule book: each rule has an id, a documented definition, a severity, documented evidence that its
warnings really carry, and parameters as effective-dated data that the rule uses on the day of the event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ic_platform.config import Settings
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden, InvalidInput, NotFound
from ic_platform.identity import Viewer
from services.risk.domain.model import DocumentRef
from services.risk.domain.rule_book import RULE_BOOK, ParameterInvalid, ParameterVersion, in_force
from services.risk.domain.rules import FLAG_RULES, Crossing, Rule, budget_nearly_exhausted
from services.risk.domain.splitting import Bucket, Part, SplitPolicy, scope, split_warning
from services.risk.service_layer import rule_book
from tests.unit.risk import test_splitting as split_test

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-rules.md"
SPLIT, BUDGET = RULE_BOOK[Rule.SPLIT_PURCHASE], RULE_BOOK[Rule.BUDGET_NEARLY_EXHAUSTED]
DOC = DocumentRef("matter_application", "a1", "SQ-2026-000001")
WITHOUT_PARAMETERS = {
    Rule.CONTRACT_SUPPLIER_NOT_AWARDED,
    Rule.CONTRACT_ABOVE_AWARD,
    Rule.CONTRACT_WITHOUT_PROCUREMENT,
    Rule.CONTRACT_SIGNED_BEFORE_AWARD,
    Rule.METHOD_DOWNGRADE,
    Rule.PAYMENT_BEYOND_CONTRACT,
    Rule.PAYMENT_BEFORE_ACCEPTANCE,
    Rule.PAYMENT_BEFORE_SIGNING,
    Rule.PAYEE_NOT_SUPPLIER,
    Rule.DUPLICATE_PAYMENT,
    Rule.LAPSED_CONTRACT,
}


# ── each rule: id, definition, severity, evidence ──
def test_every_rule_is_in_the_book_with_a_definition_and_parameters():
    assert set(RULE_BOOK) == set(Rule)
    for rule, definition in RULE_BOOK.items():
        assert definition.rule is rule and definition.label and len(definition.definition) > 20
        # A rule that compares documents' own figures (contract vs award, payment vs contract) has no parameter,
        # nor one that carries a producer's own flags (an expense claim over a standard: the standard's figures).
        assert definition.evidence and (definition.parameters or rule in WITHOUT_PARAMETERS or rule in FLAG_RULES)
        for p in definition.parameters:
            assert p.name in definition.definition, f"{rule}: the definition names {p.name}"


def test_the_documentation_describes_every_rule_and_parameter():
    text = DOCS.read_text(encoding="utf-8")
    for rule, definition in RULE_BOOK.items():
        assert f"`{rule.value}`" in text and definition.label in text
        for p in definition.parameters:
            assert f"`{p.name}`" in text, f"docs/risk-rules.md: {rule.value}.{p.name}"


def test_a_split_warning_has_the_books_severity_and_documented_evidence():
    at = datetime(2026, 11, 2, tzinfo=UTC)
    latest = Part(DOC, "dzb", Decimal("20000.00"), at, "", "L1")
    other = Part(DocumentRef("matter_application", "a0", "SQ-0"), "dzb", Decimal("40000.00"), at, "", "L1")
    policy = SplitPolicy.of(Rule.SPLIT_PURCHASE, SPLIT.defaults())
    draft = split_warning(latest, scope("line:L1"), policy, Bucket(Decimal("60000.00"), 2), [other])
    assert draft.severity is SPLIT.severity and draft.rule is SPLIT.rule
    assert set(draft.evidence) == set(SPLIT.evidence)


def test_a_budget_warning_has_the_books_severity_and_documented_evidence():
    crossing = Crossing("L1", 95, "96.00", Decimal("96000.00"), Decimal("100000.00"))
    draft = budget_nearly_exhausted(crossing, DOC, 95)
    assert draft.severity is BUDGET.severity and set(draft.evidence) == set(BUDGET.evidence)
    assert draft.evidence["warning_level"] == 95
    assert budget_nearly_exhausted(crossing, DOC, 96) is None


# ── parameters: validated, effective-dated ──
def test_the_defaults_are_the_deployments_settings(monkeypatch):
    assert SPLIT.defaults() == {"threshold": "50000.00", "min_part": "5000.00", "window_days": "30"}
    assert SplitPolicy.of(Rule.SPLIT_PURCHASE, SPLIT.defaults()).band == "5000.00|50000.00"
    monkeypatch.setenv("IC_RISK_SPLIT_THRESHOLD", "30000")
    deployment = Settings().risk_defaults
    assert deployment == {"IC_RISK_SPLIT_THRESHOLD": "30000"}
    assert SPLIT.defaults(deployment)["threshold"] == "30000.00"
    assert SPLIT.as_dict(deployment)["parameters"][0]["default"] == "30000.00"
    assert BUDGET.defaults() == {"level": "95"}


@pytest.mark.parametrize(
    "values, name",
    [
        ({"threshold": "50000", "min_part": "5000", "window_days": "30", "colour": "red"}, "colour"),
        ({"threshold": "50000", "min_part": "5000"}, "window_days"),
        ({"threshold": "五万", "min_part": "5000", "window_days": "30"}, "threshold"),
        ({"threshold": "50000", "min_part": "-1", "window_days": "30"}, "min_part"),
        ({"threshold": "50000.001", "min_part": "5000", "window_days": "30"}, "threshold"),
        ({"threshold": "5000", "min_part": "5000", "window_days": "30"}, "threshold"),
    ],
)
def test_a_bad_parameter_set_is_refused_naming_the_parameter(values, name):
    with pytest.raises(ParameterInvalid) as refused:
        SPLIT.validate(values)
    assert refused.value.name == name and refused.value.reason


def test_a_percent_above_100_is_refused():
    with pytest.raises(ParameterInvalid):
        BUDGET.validate({"level": "120"})
    assert BUDGET.validate({"level": 80}) == {"level": "80"}


def test_the_version_in_force_is_the_latest_from_on_or_before_the_day():
    v1 = ParameterVersion(Rule.SPLIT_PURCHASE, date(2026, 3, 1), SPLIT.validate(_split("40000")))
    v2 = ParameterVersion(Rule.SPLIT_PURCHASE, date(2026, 7, 1), SPLIT.validate(_split("30000")))
    versions = [v2, v1, ParameterVersion(Rule.BUDGET_NEARLY_EXHAUSTED, date(2026, 1, 1), {"level": "80"})]
    assert in_force(SPLIT, versions, date(2026, 2, 28)) == SPLIT.defaults()
    assert in_force(SPLIT, versions, date(2026, 3, 1))["threshold"] == "40000.00"
    assert in_force(SPLIT, versions, date(2026, 6, 30))["threshold"] == "40000.00"
    assert in_force(SPLIT, versions, date(2026, 7, 1))["threshold"] == "30000.00"


def _split(threshold: str) -> dict[str, str]:
    return {"threshold": threshold, "min_part": "5000", "window_days": "30"}


# ── the rule uses the version in force on the event's day ──
class FakeRuleBook:
    def __init__(self, *versions: ParameterVersion) -> None:
        self.stored = list(versions)

    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        eligible = [v for v in self.stored if v.rule is rule and v.effective_from <= on]
        return max(eligible, key=lambda v: v.effective_from, default=None)

    def versions(self, org):  # noqa: ANN001, ANN201
        return sorted(self.stored, key=lambda v: (v.rule.value, v.effective_from))

    def put(self, org, version):  # noqa: ANN001, ANN201
        self.stored = [v for v in self.stored if (v.rule, v.effective_from) != (version.rule, version.effective_from)]
        self.stored.append(version)


def test_a_lower_threshold_from_a_day_on_warns_from_that_day_only():
    lowered = ParameterVersion(Rule.SPLIT_PURCHASE, date(2026, 6, 1), SPLIT.validate(_split("30000")))
    before, after = FakeRuleBook(lowered), FakeRuleBook(lowered)

    def pair_warns(book: FakeRuleBook, start: datetime) -> bool:
        uow = split_test.FakeUow()
        uow.rule_book = book
        split_test.hear(uow, split_test.matter(1, "16000.00", start))
        split_test.hear(uow, split_test.matter(2, "16000.00", start + timedelta(days=1)))
        warning = uow.of(Rule.SPLIT_PURCHASE).get("m2")
        return warning is not None and warning.evidence["threshold"] == "30000.00"

    assert not pair_warns(before, datetime(2026, 5, 1, 2, tzinfo=UTC))  # 32,000 < 50,000 in force in May
    assert pair_warns(after, datetime(2026, 6, 2, 2, tzinfo=UTC))


# ── setting a version ──
class FakeUow:
    def __init__(self) -> None:
        self.rule_book, self.committed = FakeRuleBook(), False

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        pass

    def commit(self) -> None:
        self.committed = True


def ctx_of(*roles: str) -> CallContext:
    return CallContext(org="xinqiao", actor="tang", viewer=Viewer.of("tang", "dzb", list(roles)))


def tomorrow() -> date:
    return datetime.now(rule_book.LOCAL).date() + timedelta(days=1)


def command(**changes) -> rule_book.SetRuleParameters:
    values = dict(rule="split_purchase", effective_from=tomorrow().isoformat(), parameters=_split("40000"))
    return rule_book.SetRuleParameters.parse({**values, **changes})


def test_an_inspector_sets_a_version_from_tomorrow_and_the_book_shows_it():
    uow = FakeUow()
    result = rule_book.set_parameters(command(), uow, ctx_of("inspector"))
    assert uow.committed and result["parameters"]["threshold"] == "40000.00" and result["set_by"] == "tang"
    book = {i["rule"]: i for i in rule_book.rule_book(uow, ctx_of("clerk"))["items"]}
    split = book["split_purchase"]
    assert split["in_force"] == SPLIT.defaults(), "tomorrow's version is not in force today"
    assert [v["effective_from"] for v in split["versions"]] == [tomorrow().isoformat()]
    assert split["severity"] == "high" and split["definition"] == SPLIT.definition


def test_setting_is_refused_to_others_for_the_past_and_for_bad_values():
    with pytest.raises(Forbidden):
        rule_book.set_parameters(command(), FakeUow(), ctx_of("clerk"))
    with pytest.raises(InvalidInput) as past:
        yesterday = (tomorrow() - timedelta(days=2)).isoformat()
        rule_book.set_parameters(command(effective_from=yesterday), FakeUow(), ctx_of("admin"))
    assert past.value.details["field"] == "effective_from"
    with pytest.raises(InvalidInput) as bad:
        rule_book.set_parameters(command(parameters=_split("x")), FakeUow(), ctx_of("admin"))
    assert bad.value.details["field"] == "parameters.threshold" and "threshold" in bad.value.message
    with pytest.raises(NotFound):
        rule_book.set_parameters(command(rule="no_such_rule"), FakeUow(), ctx_of("admin"))
