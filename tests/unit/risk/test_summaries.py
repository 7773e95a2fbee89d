"""The sentence a dossier shows for each event type."""

from __future__ import annotations

import pytest

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from services.risk.domain import summaries
from services.risk.domain.summaries import summarise, yuan
from tests.unit.risk.samples import LINE, PAYLOADS, envelope

CATALOGUE_TYPES = sorted({spec.type for spec in catalogue.CATALOGUE.values()})

EXPECTED = {
    "org.unit_registered": "登记单位 党政办公室（dzb）",
    "org.user_registered": "登记人员 王主任（head_dzb），所属单位 dzb",
    "payment.matter_application_submitted": (
        f"clerk 提交事前申请 SQ-2026-000001「购置办公桌椅」，金额 12,000.00 元，预算指标 {LINE}"
    ),
    "payment.matter_application_approved": "事前申请 SQ-2026-000001 审批通过",
    "payment.matter_application_rejected": "事前申请 SQ-2026-000001 被驳回：超出支出标准",
    "budget.pre_committed": f"预算指标 {LINE} 预占 12,000.00 元，可用余额 188,000.00 元",
    "budget.pre_commitment_approved": f"预算指标 {LINE} 预占 12,000.00 元 随审批通过确认",
    "budget.released": f"预算指标 {LINE} 释放预占 12,000.00 元（审批未通过），可用余额 200,000.00 元",
    "approval.submitted": "clerk 送审，审批路径：部门负责人审批（head_dzb） → 财务审核（fin_li）",
    "approval.step_assigned": "分拨至 head_dzb（部门负责人审批）",
    "approval.step_decided": "head_dzb 审批通过",
    "approval.completed": "审批结束：通过",
}


@pytest.mark.parametrize("type_", CATALOGUE_TYPES)
def test_every_catalogue_type_has_a_sample_and_a_one_line_summary(type_):
    if type_ not in PAYLOADS:
        pytest.fail(
            f"{type_} is new in the catalogue: add a sample payload in tests/unit/risk/samples.py "
            f"and, if the catalogue's summary does not read well on a dossier, a line in LABELS"
        )
    summary = summarise(envelope(type_))
    assert summary.strip() == summary and "\n" not in summary and "{" not in summary
    assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), "people read Chinese"


@pytest.mark.parametrize("type_", sorted(EXPECTED))
def test_summary_reads_as_expected(type_):
    assert summarise(envelope(type_)) == EXPECTED[type_]


def test_every_label_names_a_catalogue_type():
    assert set(summaries.LABELS) <= set(CATALOGUE_TYPES)


def test_a_rejection_says_so_with_the_comment_and_reason():
    decided = dict(PAYLOADS["approval.step_decided"], decision="rejected", comment="金额偏高")
    completed = dict(PAYLOADS["approval.completed"], outcome="rejected", reason="金额偏高")
    assert summarise(envelope("approval.step_decided", decided)) == "head_dzb 审批驳回，意见：金额偏高"
    assert summarise(envelope("approval.completed", completed)) == "审批结束：驳回（金额偏高）"


def test_a_major_matter_is_flagged():
    payload = dict(PAYLOADS["payment.matter_application_submitted"], major_matter=True)
    assert summarise(envelope("payment.matter_application_submitted", payload)).endswith("，属“三重一大”事项")


def test_a_document_without_a_number_is_named_by_its_id():
    payload = dict(PAYLOADS["payment.matter_application_approved"], document={"type": "matter_application", "id": "a1"})
    assert summarise(envelope("payment.matter_application_approved", payload)) == "事前申请 a1 审批通过"


def test_the_submitter_falls_back_to_the_applicant_without_an_actor():
    summary = summarise(envelope("payment.matter_application_submitted", actor=None))
    assert summary.startswith("clerk 提交事前申请")


def test_text_typed_over_several_lines_files_as_one_line():
    payload = dict(PAYLOADS["payment.matter_application_rejected"], reason="超出\n支出标准")
    assert (
        summarise(envelope("payment.matter_application_rejected", payload))
        == "事前申请 SQ-2026-000001 被驳回：超出 支出标准"
    )


def test_a_type_without_a_label_falls_back_to_the_catalogue_summary(monkeypatch):
    monkeypatch.delitem(summaries.LABELS, "budget.pre_commitment_approved")
    assert summarise(envelope("budget.pre_commitment_approved")) == "预占额度随审批通过而确认：SQ-2026-000001"


def test_a_type_outside_the_catalogue_falls_back_to_its_name():
    # Built without validation: the catalogue refuses unknown types, but a newer producer may know more.
    event = Envelope(
        type="contract.progress_certified",
        payload={"document": {"type": "contract", "id": "c1"}},
        org="xinqiao",
        producer="contract",
        subject="contract/c1",
    )
    assert summarise(event) == "contract.progress_certified：c1"


@pytest.mark.parametrize(
    ("amount", "text"), [("0.50", "0.50 元"), ("1234567.80", "1,234,567.80 元"), ("-12.00", "-12.00 元")]
)
def test_yuan(amount, text):
    assert yuan(amount) == text
