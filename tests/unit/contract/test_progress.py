"""Progress certificates (进度确认): a signed contract, a percentage that never goes down, a date between the
signing (or the previous certificate) and today, the certifier not the drafter (the conflict matrix); a
milestone paid by progress is payable from the first certificate reaching its percentage, not before."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from ic_platform.context import CallContext
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.approval.domain.conflicts import INCOMPATIBLE
from services.contract.domain import execution, progress
from services.contract.domain.terms import Condition
from services.contract.service_layer import acceptances, commands, handlers
from services.contract.service_layer import progress as certifying
from tests.unit.contract.factories import POLICY, contract, ms, signed
from tests.unit.contract.fakes import FakeBudget, FakeUnitOfWork
from tests.unit.contract.test_service_layer import (
    CLERK,
    ORG,
    PAYMENT,
    PROCUREMENT,
    approval,
    award_event,
    draft_cmd,
    hear,
)

TODAY = date(2026, 9, 1)
SIGNED_ON = date(2026, 4, 20)
BY_PROGRESS = ms(
    ("30%", Condition.ON_SIGNING),
    ("20%", Condition.ON_PROGRESS, {"progress": D("50")}),
    ("45%", Condition.ON_PROGRESS, {"progress": D("60")}),
    ("5%", Condition.AFTER_WARRANTY),
)
HEAD = CallContext(org=ORG, actor="head", viewer=Viewer.of("head", "dzb", ["unit_head"]))


def by_progress():
    return signed(milestones=BY_PROGRESS, signed_on=SIGNED_ON)


def certify(c, percent="50", on=date(2026, 6, 30), who="head", earlier=(), **kw):
    return progress.certify(
        c,
        kw.pop("id", "p1"),
        percent=D(percent),
        certified_on=on,
        certifier=who,
        remarks=kw.pop("remarks", "主体完成"),
        earlier=list(earlier),
        today=kw.pop("today", TODAY),
    )


def rule(fn, *args, **kw) -> tuple[str, DomainError]:
    with pytest.raises(DomainError) as caught:
        fn(*args, **kw)
    return caught.value.details.get("rule", caught.value.code), caught.value


# ── the domain ──
def test_a_certificate_meets_the_milestones_whose_percentage_it_reaches_and_no_other():
    p = certify(by_progress(), "50")
    assert (p.percent, p.previous_percent, p.certifier, p.milestones_met) == (D("50"), None, "head", (2,))
    assert p.fact == execution.Progress(D("50"), date(2026, 6, 30))
    assert p.as_dict()["percent"] == "50" and p.as_dict()["remarks"] == "主体完成"


def test_a_milestone_on_progress_is_payable_only_once_certified():
    c = by_progress()
    ex = execution.compute(c, TODAY, POLICY)
    name, error = rule(execution.check_payment, ex, 2, D("1.00"))
    assert name == "payment_condition_not_met" and "按进度" in error.message
    ex = execution.compute(c, TODAY, POLICY, progress=[certify(c, "50").fact])
    execution.check_payment(ex, 2, D("20000.00"))  # 50 % certified: the 50 % milestone in full
    assert rule(execution.check_payment, ex, 3, D("1.00"))[0] == "payment_condition_not_met"  # the 60 % one not


def test_a_later_certificate_meets_what_it_reaches_beyond_the_one_before():
    c = by_progress()
    first = certify(c, "50")
    second = certify(c, "80", on=date(2026, 7, 31), earlier=[first], id="p2")
    assert second.previous_percent == D("50") and second.milestones_met == (3,)
    same = certify(c, "80", on=date(2026, 8, 10), earlier=[first, second], id="p3")
    assert same.milestones_met == (), "the same figure again: allowed, meets nothing new"


def test_progress_never_goes_down():
    c = by_progress()
    first = certify(c, "60")
    name, error = rule(certify, c, "50", on=date(2026, 7, 31), earlier=[first])
    assert (name, error.http_status) == ("progress_decreased", 409)
    assert error.message.startswith("确认的进度不得低于上一次确认的进度") and "60%" in error.message
    assert error.details["previous_percent"] == "60"


def test_only_a_signed_contract_is_certified():
    assert rule(certify, contract(milestones=BY_PROGRESS))[0] == "progress_contract_not_signed"


def test_the_percentage_lies_in_0_to_100():
    assert rule(certify, by_progress(), "0")[0] == "progress_percent_invalid"
    assert rule(certify, by_progress(), "100.01")[0] == "progress_percent_invalid"
    assert certify(by_progress(), "100").milestones_met == (2, 3)


def test_the_date_lies_between_the_signing_or_the_previous_certificate_and_today():
    c = by_progress()
    for day in (SIGNED_ON - timedelta(days=1), TODAY + timedelta(days=1)):
        name, error = rule(certify, c, on=day)
        assert (name, error.http_status) == ("progress_date_invalid", 422)
        assert error.details["fields"][0]["field"] == "certified_on"
    first = certify(c, "50", on=date(2026, 7, 31))
    assert rule(certify, c, "60", on=date(2026, 7, 30), earlier=[first])[0] == "progress_date_invalid"
    assert certify(c, "60", on=date(2026, 7, 31), earlier=[first]).milestones_met == (3,)  # the same day: fine


def test_the_drafter_may_not_certify_the_rule_of_the_one_matrix_named():
    name, error = rule(certify, by_progress(), who="clerk")
    assert (error.code, error.http_status, name) == ("sod_incompatible_roles", 403, "drafter/progress_certifier")
    assert "合同拟稿" in error.message and "进度确认" in error.message
    assert ("drafter", "progress_certifier") in INCOMPATIBLE
    assert certify(by_progress(), who="buyer").certifier == "buyer"  # the purchaser is not kept from it


# ── through the service layer (in-memory unit of work) ──
PROGRESS_TERMS = [
    {"name": "预付款", "condition": "on_signing", "share": "30"},
    {"name": "主体完工款", "condition": "on_progress", "share": "30", "progress": "50"},
    {"name": "进度款", "condition": "on_progress", "share": "40", "progress": "60"},
]


@pytest.fixture
def deal():
    u = FakeUnitOfWork()
    with u:
        handlers.on_award_decided(award_event(), u)
        u.commit()
    c = handlers.draft_contract(draft_cmd(milestones=PROGRESS_TERMS), u, CLERK, PROCUREMENT, PAYMENT)
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), u, CLERK)
    hear(u, approval("approval.completed", c["document"]))
    sign = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    handlers.sign_contract(sign, u, CLERK, FakeBudget(), PROCUREMENT)
    return u, c


def certify_via(deal, percent, who=HEAD, on=None, key=None):
    u, c = deal
    body = {"contract_id": c["id"], "percent": percent, "certified_on": on or date.today().isoformat()}
    ctx = CallContext(org=who.org, actor=who.actor, viewer=who.viewer, idempotency_key=key) if key else who
    return certifying.certify_progress(commands.CertifyProgress.parse(body), u, ctx)


def reserve(deal, milestone, amount):
    u, c = deal
    doc = {"type": "payment_request", "id": str(uuid.uuid4()), "no": "FK-2026-000001"}
    cmd = commands.ReservePayment.parse(
        {"contract_id": c["id"], "milestone_no": milestone, "amount": amount, "payment": doc}
    )
    return acceptances.reserve_payment(cmd, u, CLERK)


def test_a_certificate_is_stored_published_as_pinned_and_opens_the_payment_gate(deal):
    u, c = deal
    with pytest.raises(DomainError) as before:
        reserve(deal, 2, "10800.00")
    assert before.value.code == "payment_condition_not_met"
    made = certify_via(deal, "50")
    assert made["percent"] == "50" and made["milestones_met"] == [2] and made["certifier"] == "head"
    assert u.progress.marked == [c["id"]], "the milestones' met_on set in the same transaction"
    event = u.published[-1]
    assert event.type == "contract.progress_certified"  # the fake unit of work validated it against the catalogue
    assert event.payload["milestones_met"] == [{"no": 2, "name": "主体完工款", "amount": "10800.00"}]
    assert (event.payload["contract_no"], event.payload["previous_percent"]) == (c["no"], None)
    assert reserve(deal, 2, "10800.00")["payment_status"] == "reserved"
    with pytest.raises(DomainError) as sixty:
        reserve(deal, 3, "1.00")
    assert sixty.value.code == "payment_condition_not_met"
    listed = certifying.list_progress_certificates(commands.ContractId(contract_id=c["id"]), u, HEAD)
    assert (listed["total"], listed["percent"], listed["items"][0]["id"]) == (1, "50", made["id"])


def test_a_lower_percentage_and_the_drafter_are_refused_and_nothing_is_stored(deal):
    u, _ = deal
    certify_via(deal, "60")
    published = len(u.published)
    with pytest.raises(DomainError) as lower:
        certify_via(deal, "50")
    assert lower.value.code == "progress_decreased"
    with pytest.raises(DomainError) as drafter:
        certify_via(deal, "70", who=CLERK)
    assert drafter.value.details["rule"] == "drafter/progress_certifier"
    assert len(u.progress.records) == 1 and len(u.published) == published


def test_a_retried_key_records_once(deal):
    u, _ = deal
    first = certify_via(deal, "50", key="k1")
    assert certify_via(deal, "50", key="k1") == first and len(u.progress.records) == 1
