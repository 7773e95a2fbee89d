"""The procurement use cases with an in-memory unit of work, budget and payment (tests/unit/procurement/fakes.py):
what is stored, what is published (validated against the catalogue), what the budget is asked, and that a
refusal leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ic_platform.identity import Viewer
from services.procurement.domain.errors import ProcurementRefused
from services.procurement.service_layer import commands, handlers, sourcing, suppliers
from services.procurement.service_layer.common import today
from tests.unit.procurement.factories import code_for
from tests.unit.procurement.fakes import FakeBudget, FakeContract, FakePayment, FakeUnitOfWork

MATTER_ID = str(uuid.uuid4())
MATTER = {
    "id": MATTER_ID,
    "no": "SQ-2026-000001",
    "status": "approved",
    "unit": "dzb",
    "budget_line_id": "2026-dzb-30201",
    "amount": "30000.00",
}
CLERK = CallContext(org="xinqiao", actor="clerk", viewer=Viewer.of("clerk", "dzb", ["clerk"]))
OTHER = CallContext(org="xinqiao", actor="clerk_czb", viewer=Viewer.of("clerk_czb", "czb", ["clerk"]))
AUDITOR = CallContext(org="xinqiao", actor="auditor", viewer=Viewer.of("auditor", "sjs", ["auditor"]))


def keyed(ctx: CallContext, key: str) -> CallContext:
    return CallContext(org=ctx.org, actor=ctx.actor, viewer=ctx.viewer, idempotency_key=key)


def item(price: str, quantity: str = "1") -> dict:
    return {"name": "办公设备", "category": "goods", "quantity": quantity, "unit_price": price}


def submit(uow, budget=None, ctx=CLERK, payment=None, contract=None, **body):
    fields = {"title": "采购办公设备", "items": [item("28000.00")], "method": "self_procurement", "unit": "dzb"}
    cmd = commands.SubmitApplication.parse({**fields, **body})
    return handlers.submit_application(
        cmd, uow, ctx, budget or FakeBudget(), payment or FakePayment(**{MATTER_ID: MATTER}), contract or FakeContract()
    )


def approval(uow, app_id, outcome="approved"):
    event = Envelope(
        type="approval.completed",
        payload={"document": {"type": "procurement_application", "id": app_id}, "outcome": outcome},
        org="xinqiao",
        producer="approval",
    )
    with uow:
        handlers.on_approval_completed(event, uow)
        uow.commit()


def test_from_a_matter_application_nothing_is_reserved_its_pre_commitment_is_taken_over():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    app = submit(uow, budget, matter_application_id=MATTER_ID)
    assert (app["status"], budget.calls) == ("submitted", [])
    assert app["funding"]["taken_over"] == "28000.00" and app["funding"]["left_with_matter"] == "2000.00"
    assert app["pre_commitment_holder"] == {"type": "matter_application", "id": MATTER_ID, "no": "SQ-2026-000001"}
    submitted = uow.events[-1]
    assert submitted["type"] == "procurement.application_submitted"
    assert submitted["payload"]["funding"]["reserve"] == "0.00"
    # One matter application, one live procurement application.
    with pytest.raises(Conflict) as caught:
        submit(uow, budget, matter_application_id=MATTER_ID)
    assert caught.value.code == "matter_application_already_funds"
    assert len(uow.applications.rows) == 1


def test_a_matter_application_with_a_direct_contract_funds_no_procurement():
    """Its money went by the other road (a contract without procurement): nothing stored, nothing reserved."""
    uow, budget = FakeUnitOfWork(), FakeBudget()
    with pytest.raises(Conflict) as caught:
        submit(uow, budget, contract=FakeContract(**{MATTER_ID: "HT-2026-000009"}), matter_application_id=MATTER_ID)
    assert caught.value.code == "matter_application_already_contracted"
    assert "HT-2026-000009" in caught.value.message and caught.value.http_status == 409
    assert (uow.applications.rows, budget.calls) == ({}, [])
    # On a budget line of its own, the contract register is not asked.
    assert submit(uow, budget, contract=None, budget_line_id="2026-dzb-30201")["status"] == "submitted"


def test_on_its_own_line_the_amount_is_reserved_before_approval_hears_of_it():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    app = submit(uow, budget, budget_line_id="2026-dzb-30201", items=[item("1000.00", "3")])
    assert app["status"] == "submitted"
    assert budget.calls == [
        (
            "reserve",
            {
                "budget_line_id": "2026-dzb-30201",
                "amount": "3000.00",
                "document": {"type": "procurement_application", "id": app["id"], "no": app["no"]},
                "step": "submit",
                "unit": "dzb",
            },
        )
    ]
    assert uow.types() == ["procurement.application_submitted"]


def test_a_budget_refusal_leaves_the_application_refused_and_unannounced():
    refusal = Conflict("budget_insufficient", "预算指标可用余额不足")
    uow = FakeUnitOfWork()
    with pytest.raises(DomainError):
        submit(uow, FakeBudget(refuse=refusal), budget_line_id="L1")
    (stored,) = uow.applications.rows.values()
    assert (stored.status.value, stored.status_reason) == ("refused", "预算指标可用余额不足")
    assert uow.types() == []


def test_a_weaker_method_is_refused_naming_its_rule_and_nothing_is_stored_or_reserved():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    with pytest.raises(ProcurementRefused) as caught:
        submit(uow, budget, budget_line_id="L1", items=[item("1500000.00")])
    assert caught.value.code == "method_weaker_than_required"
    assert caught.value.message.startswith("采购方式不得低于限额标准要求的方式")
    assert (uow.applications.rows, budget.calls, uow.events) == ({}, [], [])


def test_the_same_idempotency_key_answers_the_first_answer_and_stores_one_application():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    first = submit(uow, budget, ctx=keyed(CLERK, "k1"), budget_line_id="L1")
    again = submit(uow, budget, ctx=keyed(CLERK, "k1"), budget_line_id="L1")
    assert first == again and len(uow.applications.rows) == 1
    assert [c[0] for c in budget.calls] == ["reserve"]  # the budget too is asked once
    with pytest.raises(Conflict):
        submit(uow, budget, ctx=keyed(CLERK, "k1"), budget_line_id="L2")


def test_approval_approves_once_and_another_units_clerk_reads_nothing():
    uow = FakeUnitOfWork()
    app = submit(uow, matter_application_id=MATTER_ID)
    approval(uow, app["id"])
    approval(uow, app["id"])  # redelivered
    assert uow.types().count("procurement.application_approved") == 1
    assert handlers.get_application(app["id"], uow, CLERK)["status"] == "approved"
    assert handlers.get_application(app["id"], uow, AUDITOR)["status"] == "approved"
    with pytest.raises(NotFound):
        handlers.get_application(app["id"], uow, OTHER)
    with pytest.raises(NotFound):
        sourcing.publish_intention(
            commands.PublishIntention.parse({"application_id": app["id"], "published_on": "2026-03-02", "where": "网"}),
            uow,
            OTHER,
        )
    mine = handlers.list_applications(commands.ListApplications.parse({"mine": False}), uow, OTHER)
    assert mine["total"] == 0


def test_a_rejection_leaves_the_release_to_the_budget_which_hears_the_same_event():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    app = submit(uow, budget, budget_line_id="L1")
    approval(uow, app["id"], "rejected")
    assert uow.events[-1]["payload"]["release"] == "28000.00"
    assert [c[0] for c in budget.calls] == ["reserve"]


def test_cancelling_an_own_line_application_releases_its_reservation():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    app = submit(uow, budget, budget_line_id="L1")
    approval(uow, app["id"])
    handlers.cancel_application(
        commands.CancelApplication.parse({"application_id": app["id"], "reason": "需求取消"}), uow, CLERK, budget
    )
    assert budget.calls[-1][0] == "release_document"
    assert budget.calls[-1][1]["document"]["id"] == app["id"]


def register(uow, n: int) -> str:
    cmd = commands.RegisterSupplier.parse(
        {"credit_code": code_for(n), "name": f"供应商{n}有限公司", "legal_representative": "某"}
    )
    return suppliers.register_supplier(cmd, uow, CLERK)["id"]


def research(uow, app_id, supplier_ids, chosen):
    on = today().isoformat()
    body = {
        "application_id": app_id,
        "quotes": [
            {"supplier_id": s, "amount": f"{27000 - n * 100}.00", "quoted_on": on} for n, s in enumerate(supplier_ids)
        ],
        "chosen_supplier_id": chosen,
        "decided_on": on,
        "notice_date": on,
    }
    return sourcing.conclude_market_research(commands.ConcludeMarketResearch.parse(body), uow, CLERK)


def test_self_procurement_above_the_research_amount_needs_three_quotes_then_the_award_names_the_holder():
    uow = FakeUnitOfWork()
    app = submit(uow, budget_line_id="2026-dzb-30201", items=[item("60000.00")])  # from 50,000 (demo): 3 quotes
    approval(uow, app["id"])
    ids = [register(uow, n) for n in (1, 2, 3)]
    with pytest.raises(ProcurementRefused) as caught:
        research(uow, app["id"], ids[:2], ids[1])
    assert caught.value.code == "quotes_fewer_than_required"
    assert uow.awards.rows == {}
    award = research(uow, app["id"], ids, ids[2])
    assert (award["supplier_id"], award["amount"], award["budget_line_id"]) == (ids[2], "26800.00", "2026-dzb-30201")
    assert award["pre_commitment_holder"]["id"] == app["id"]  # its own line: the contract commits from it
    decided = [e for e in uow.events if e["type"] == "procurement.award_decided"][0]
    assert (decided["payload"]["supplier_id"], decided["payload"]["amount"]) == (ids[2], "26800.00")


def test_a_tender_runs_from_publication_through_bids_and_evaluation_to_the_award():
    uow = FakeUnitOfWork()
    app = submit(uow, matter_application_id=MATTER_ID, method="open_tender")
    approval(uow, app["id"])
    start = datetime.now(UTC)
    deadline = start + timedelta(days=20)
    tender = sourcing.publish_tender(
        commands.PublishTender.parse(
            {
                "application_id": app["id"],
                "published_at": start.isoformat(),
                "submission_deadline": deadline.isoformat(),
            }
        ),
        uow,
        CLERK,
    )
    ids = [register(uow, n) for n in (1, 2, 3)]
    for n, supplier_id in enumerate(ids):
        body = {
            "tender_id": tender["id"],
            "supplier_id": supplier_id,
            "amount": f"{20000 + n}.00",
            "received_at": start.isoformat(),
        }
        sourcing.receive_bid(commands.ReceiveBid.parse(body), uow, CLERK)
    ranked = sourcing.evaluate_tender(
        commands.EvaluateTender.parse({"tender_id": tender["id"], "evaluated_at": deadline.isoformat()}), uow, CLERK
    )
    first = next(b for b in ranked["bids"] if b["rank"] == 1)
    on = deadline.date().isoformat()
    award = sourcing.award_tender(
        commands.AwardTender.parse(
            {"tender_id": tender["id"], "bid_id": first["id"], "decided_on": on, "notice_date": on}
        ),
        uow,
        CLERK,
    )
    assert (award["supplier_id"], award["amount"], award["tender_id"]) == (ids[0], "20000.00", tender["id"])
    assert handlers.get_application(app["id"], uow, CLERK)["status"] == "awarded"
    assert "procurement.bids_evaluated" in uow.types() and uow.types()[-1] == "procurement.award_decided"
    assert handlers.get_application(app["id"], uow, CLERK)["contract"] is None

    # The contract signed on the award is heard (contract.signed), once: the purchase shows it is contracted.
    document = {"type": "contract", "id": str(uuid.uuid4()), "no": "HT-2026-000001"}
    for signed_on in (on, "2030-01-01"):  # a redelivery (or a stray later copy) changes nothing
        signed = Envelope(
            type="contract.signed",
            org="xinqiao",
            producer="contract",
            payload={"document": document, "award_id": award["id"], "signed_on": signed_on},
        )
        with uow:
            for handler in handlers.EVENT_HANDLERS["contract.signed"]:
                handler(signed, uow)
            uow.commit()
    detail = handlers.get_application(app["id"], uow, CLERK)
    assert (detail["contract"], detail["contracted_on"]) == (document, on)


def test_a_supplier_with_a_bad_credit_code_is_refused_and_a_code_is_registered_once():
    uow = FakeUnitOfWork()
    bad = commands.RegisterSupplier.parse(
        {"credit_code": "911101050000000000", "name": "某公司", "legal_representative": "某"}
    )
    with pytest.raises(InvalidInput) as caught:
        suppliers.register_supplier(bad, uow, CLERK)
    assert caught.value.code == "credit_code_invalid"
    register(uow, 1)
    with pytest.raises(Conflict):
        register(uow, 1)
    assert uow.types() == ["procurement.supplier_registered"]


def test_only_finance_administrators_or_the_principal_suspend_a_supplier():
    uow = FakeUnitOfWork()
    supplier_id = register(uow, 1)
    body = {"supplier_id": supplier_id, "standing": "blacklisted", "reason": "虚假材料", "starts_on": "2026-01-01"}
    with pytest.raises(Forbidden):
        suppliers.set_supplier_standing(commands.SetSupplierStanding.parse(body), uow, CLERK)
    finance = CallContext(org="xinqiao", actor="finance", viewer=Viewer.of("finance", "czb", ["finance_reviewer"]))
    view = suppliers.set_supplier_standing(commands.SetSupplierStanding.parse(body), uow, finance)
    assert view["standing"] == "blacklisted" and view["periods"][0]["reason"] == "虚假材料"


def test_the_method_preview_names_the_tier_and_marks_demo_thresholds():
    preview = handlers.preview_method(
        commands.PreviewMethod.parse({"items": [item("1500000.00")]}), FakeUnitOfWork(), CLERK
    )
    assert (preview["tier"], preview["thresholds_demo"], preview["default"]) == (
        "decentralised",
        True,
        "request_for_quotation",
    )
    assert Decimal(preview["decentralised_threshold"]) == Decimal("1000000.00")


def test_a_returned_application_comes_back_as_a_resubmission_with_its_money_unchanged():
    uow, budget = FakeUnitOfWork(), FakeBudget()
    app = submit(uow, budget, budget_line_id="L1")
    returned = Envelope(
        type="approval.returned",
        payload={"document": {"type": "procurement_application", "id": app["id"]}, "reason": "请补充规格"},
        org="xinqiao",
        producer="approval",
    )
    with uow:
        handlers.on_approval_returned(returned, uow)
        uow.commit()
    cmd = commands.ResubmitApplication.parse({"application_id": app["id"]})
    with pytest.raises(Forbidden):
        handlers.resubmit_application(
            cmd, uow, CallContext(org="xinqiao", actor="head", viewer=Viewer.of("head", "dzb", []))
        )
    again = handlers.resubmit_application(cmd, uow, CLERK)
    assert (again["status"], again["round"]) == ("submitted", 2)
    assert uow.types()[-1] == "procurement.application_resubmitted"
    assert [c[0] for c in budget.calls] == ["reserve"]  # the reservation stays; nothing asked again


def test_an_amount_beyond_what_a_column_holds_is_a_422_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        submit(FakeUnitOfWork(), budget_line_id="L1", items=[item("9999999999999.00", "1000")])
    assert caught.value.details["fields"][0]["field"] == "items[0].quantity"


def test_a_key_retried_after_the_budget_said_no_answers_the_stored_application_without_a_second_one():
    uow = FakeUnitOfWork()
    refusal = Conflict("budget_insufficient", "预算指标可用余额不足")
    with pytest.raises(DomainError):
        submit(uow, FakeBudget(refuse=refusal), ctx=keyed(CLERK, "k2"), budget_line_id="L1")
    again = submit(uow, FakeBudget(), ctx=keyed(CLERK, "k2"), budget_line_id="L1")
    assert again["status"] == "refused" and len(uow.applications.rows) == 1


def test_the_reports_count_the_award_within_the_readers_scope_and_export_to_excel():
    import base64
    import io

    from openpyxl import load_workbook

    from services.procurement.service_layer import reports

    uow = FakeUnitOfWork()
    app = submit(uow, budget_line_id="2026-dzb-30201", items=[item("60000.00")])
    approval(uow, app["id"])
    ids = [register(uow, n) for n in (1, 2, 3)]
    research(uow, app["id"], ids, ids[2])
    on = today().isoformat()
    period = {"date_from": on, "date_to": on}
    mine = reports.supplier_analysis(commands.SupplierAnalysis.parse(period), uow, CLERK)
    assert (mine["awards_count"], mine["suppliers"][0]["supplier_id"], mine["suppliers"][0]["share"]) == (
        1,
        ids[2],
        "100.00",
    )
    assert reports.supplier_analysis(commands.SupplierAnalysis.parse(period), uow, OTHER)["awards_count"] == 0
    table = reports.procurement_report(commands.ProcurementReport.parse({**period, "group_by": ["unit"]}), uow, CLERK)
    assert table["total"]["savings"] == "33200.00"  # 60,000 budget, 26,800 awarded
    book = reports.procurement_report_xlsx(commands.ProcurementReport.parse(period), uow, AUDITOR)
    sheet = load_workbook(io.BytesIO(base64.b64decode(book["content_base64"]))).active
    assert sheet.cell(1, 1).value == "单位" and sheet.cell(sheet.max_row, 1).value == "合计"
    with pytest.raises(InvalidInput):
        reports.supplier_analysis(
            commands.SupplierAnalysis.parse({"date_from": on, "date_to": "2000-01-01"}), uow, CLERK
        )


def test_a_method_change_is_its_own_approval_document_and_sourcing_waits_for_its_decision():
    from services.procurement.service_layer import method_change

    uow = FakeUnitOfWork()
    app = submit(uow, budget_line_id="L1", items=[item("60000.00")])
    approval(uow, app["id"])
    cmd = commands.RequestMethodChange.parse(
        {"application_id": app["id"], "method": "competitive_negotiation", "reason": "技术方案须谈判确定"}
    )
    asked = method_change.request_method_change(cmd, uow, CLERK)
    change_id = asked["method_change"]["id"]
    request = uow.events[-1]
    assert request["type"] == "procurement.method_change_requested"
    assert request["payload"]["document"]["type"] == "procurement_method_change"
    assert request["payload"]["application"]["id"] == app["id"]
    ids = [register(uow, n) for n in (1, 2, 3)]
    with pytest.raises(ProcurementRefused) as caught:
        research(uow, app["id"], ids, ids[2])
    assert caught.value.code == "method_change_pending"
    decided = Envelope(
        type="approval.completed",
        payload={"document": {"type": "procurement_method_change", "id": change_id}, "outcome": "approved"},
        org="xinqiao",
        producer="approval",
    )
    for _ in range(2):  # the second delivery changes nothing
        with uow:
            method_change.on_approval_completed(decided, uow)
            uow.commit()
    assert handlers.get_application(app["id"], uow, CLERK)["method"] == "competitive_negotiation"
    assert uow.types().count("procurement.method_changed") == 1


def test_a_suppliers_accounts_change_with_their_history_and_a_blacklisting_is_lifted_not_deleted():
    uow = FakeUnitOfWork()
    supplier_id = register(uow, 1)
    finance = CallContext(org="xinqiao", actor="finance", viewer=Viewer.of("finance", "czb", ["finance_reviewer"]))
    account = {"bank_name": "工商银行", "account_name": "供应商1有限公司", "account_no": "6222020200012345678"}
    add = {"supplier_id": supplier_id, "change": "add", "account": account, "reason": "开户"}
    with pytest.raises(Forbidden):
        suppliers.change_supplier_account(commands.ChangeSupplierAccount.parse(add), uow, CLERK)
    suppliers.change_supplier_account(commands.ChangeSupplierAccount.parse(add), uow, finance)
    replaced = {**add, "change": "replace", "account_no": "6222020200012345678"}
    replaced["account"] = {**account, "account_no": "6222020200087654321"}
    view = suppliers.change_supplier_account(commands.ChangeSupplierAccount.parse(replaced), uow, finance)
    assert [a["account_no"] for a in view["accounts"]] == ["6222020200087654321"]
    assert uow.types().count("procurement.supplier_bank_account_changed") == 2
    with pytest.raises(InvalidInput):
        suppliers.change_supplier_account(commands.ChangeSupplierAccount.parse({**add, "account": None}), uow, finance)
    on = today().isoformat()
    body = {"supplier_id": supplier_id, "standing": "blacklisted", "reason": "虚假材料", "starts_on": on}
    suppliers.set_supplier_standing(commands.SetSupplierStanding.parse(body), uow, finance)
    lift = {"supplier_id": supplier_id, "on": on, "reason": "复核撤销"}
    view = suppliers.lift_supplier_standing(commands.LiftSupplierStanding.parse(lift), uow, finance)
    assert view["standing"] == "valid" and len(view["periods"]) == 1


def test_a_suppliers_standing_is_answered_for_the_day_asked_with_its_registrar():
    uow = FakeUnitOfWork()
    supplier_id = register(uow, 1)
    finance = CallContext(org="xinqiao", actor="finance", viewer=Viewer.of("finance", "czb", ["finance_reviewer"]))
    body = {"supplier_id": supplier_id, "standing": "suspended", "reason": "履约纠纷", "starts_on": "2026-05-01"}
    suppliers.set_supplier_standing(commands.SetSupplierStanding.parse(body), uow, finance)

    def on(day):
        return suppliers.supplier_on(commands.SupplierOn.parse({"supplier_id": supplier_id, "on": day}), uow, CLERK)

    before, after = on("2026-04-30"), on("2026-05-01")
    assert (before["standing"], before["reason"], before["registrar"]) == ("valid", None, CLERK.actor)
    assert (after["standing"], after["reason"]) == ("suspended", "履约纠纷")
    with pytest.raises(NotFound):
        suppliers.supplier_on(
            commands.SupplierOn.parse({"supplier_id": str(uuid.uuid4()), "on": "2026-05-01"}), uow, CLERK
        )
