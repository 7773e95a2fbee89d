"""Payments (付款) against the chain: beyond the contract with its amendments, before acceptance, before signing,
to another payee than the contract's supplier, to a bank account changed shortly before, duplicates and
near-duplicates, and a claim far above its application. Pure: the few facts risk keeps per contract, supplier,
invoice and (supplier, amount) in, a warning draft out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.rules import Rule, Severity, WarningDraft

ACCEPTED = ("passed", "passed_with_remarks")


@dataclass(frozen=True)
class ContractTerms:
    """A contract as risk keeps it from contract.drafted / signed / amended / terminated: one row."""

    contract_id: str
    document: DocumentRef
    unit: str
    supplier_id: str
    amount: Decimal  # with its amendments
    original_amount: Decimal
    signed_on: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    milestones: dict[int, dict[str, Any]] = field(default_factory=dict)  # no → {condition, planned_date, amount}
    amendments: int = 0
    paid: Decimal = Decimal("0")  # executed payments so far
    closed: bool = False  # terminated


@dataclass(frozen=True)
class Payment:
    """A payment request (or its execution) as the rules see it."""

    document: DocumentRef
    unit: str
    amount: Decimal
    on: date  # the office day it was requested (or executed)
    contract_id: str | None
    milestone_no: int | None
    supplier_id: str | None
    payee_name: str
    payee_credit_code: str | None
    account_no: str
    invoices: tuple[tuple[str, str], ...] = ()  # (normalised key, number as written)

    @property
    def supplier_key(self) -> str:
        """Who is paid: the supplier, else the payee's credit code, else its name."""
        return self.supplier_id or self.payee_credit_code or f"name:{self.payee_name}"


def _contract_evidence(c: ContractTerms) -> dict[str, Any]:
    return {
        "contract": c.document.as_dict(),
        "contract_amount": money_str(c.amount),
        "original_amount": money_str(c.original_amount),
        "amendments": c.amendments,
    }


def payment_beyond_contract(p: Payment, c: ContractTerms | None, *, executed: bool = False) -> WarningDraft | None:
    """High: what is paid on the contract (executed so far, and this payment) exceeds its amount with its
    amendments. On a request, the executed payments plus this one; on an execution, the executed ones (this
    one included)."""
    if c is None:
        return None
    total = c.paid if executed else c.paid + p.amount
    if total <= c.amount:
        return None
    excess = total - c.amount
    return WarningDraft(
        p.document,
        Rule.PAYMENT_BEYOND_CONTRACT,
        Severity.HIGH,
        f"合同 {c.document.no or c.contract_id} 累计付款 {total:,.2f} 元（含本笔 {p.amount:,.2f} 元）超过合同金额"
        f"（含 {c.amendments} 次变更）{c.amount:,.2f} 元，超出 {excess:,.2f} 元",
        {
            **_contract_evidence(c),
            "paid_before": money_str(total - p.amount),
            "amount": money_str(p.amount),
            "total": money_str(total),
            "excess": money_str(excess),
        },
    )


def payment_before_acceptance(
    p: Payment, c: ContractTerms | None, acceptance: tuple[str, date] | None
) -> WarningDraft | None:
    """High: a milestone paid on acceptance (condition on_acceptance) without a passed acceptance of it (for a
    payment naming no milestone: of the contract). `acceptance` is the latest (result, accepted_on) heard."""
    if c is None:
        return None
    if p.milestone_no is not None:
        condition = c.milestones.get(p.milestone_no, {}).get("condition")
    elif any(m.get("condition") == "on_acceptance" for m in c.milestones.values()):
        condition = "on_acceptance"
    else:
        condition = None
    if condition != "on_acceptance" or (acceptance is not None and acceptance[0] in ACCEPTED):
        return None
    which = f"第 {p.milestone_no} 期" if p.milestone_no else "合同"
    seen = "验收未通过" if acceptance is not None else "未见验收记录"
    return WarningDraft(
        p.document,
        Rule.PAYMENT_BEFORE_ACCEPTANCE,
        Severity.HIGH,
        f"合同 {c.document.no or c.contract_id} {which}按约定验收后付款，{seen}，即申请付款 {p.amount:,.2f} 元",
        {
            **_contract_evidence(c),
            "milestone_no": p.milestone_no,
            "condition": condition,
            "acceptance_result": acceptance[0] if acceptance else None,
            "accepted_on": acceptance[1].isoformat() if acceptance else None,
        },
    )


def payment_before_signing(p: Payment, c: ContractTerms | None) -> WarningDraft | None:
    """High: a payment on a contract not signed yet (or signed after the payment's day)."""
    if c is None or (c.signed_on is not None and c.signed_on <= p.on):
        return None
    return WarningDraft(
        p.document,
        Rule.PAYMENT_BEFORE_SIGNING,
        Severity.HIGH,
        f"合同 {c.document.no or c.contract_id} "
        + (f"于 {c.signed_on.isoformat()} 签订，" if c.signed_on else "尚未签订，")
        + f"{p.on.isoformat()} 即申请付款 {p.amount:,.2f} 元",
        {
            **_contract_evidence(c),
            "signed_on": c.signed_on.isoformat() if c.signed_on else None,
            "payment_day": p.on.isoformat(),
        },
    )


def payee_not_supplier(p: Payment, c: ContractTerms | None, supplier_credit_code: str | None) -> WarningDraft | None:
    """High: the payment names another supplier than the contract's, or its payee's credit code is not the
    contract supplier's (as registered)."""
    if c is None:
        return None
    other_supplier = p.supplier_id is not None and p.supplier_id != c.supplier_id
    other_code = bool(p.payee_credit_code and supplier_credit_code and p.payee_credit_code != supplier_credit_code)
    if not (other_supplier or other_code):
        return None
    return WarningDraft(
        p.document,
        Rule.PAYEE_NOT_SUPPLIER,
        Severity.HIGH,
        f"收款人 {p.payee_name}（{p.payee_credit_code or p.supplier_id or '无信用代码'}）不是合同 "
        f"{c.document.no or c.contract_id} 的供应商",
        {
            **_contract_evidence(c),
            "contract_supplier_id": c.supplier_id,
            "contract_supplier_credit_code": supplier_credit_code,
            "payment_supplier_id": p.supplier_id,
            "payee_name": p.payee_name,
            "payee_credit_code": p.payee_credit_code,
        },
    )


@dataclass(frozen=True)
class AccountChange:
    supplier_id: str
    account_no: str
    changed_at: datetime
    change: str
    changed_by: str
    reason: str


def bank_account_recently_changed(p: Payment, change: AccountChange | None, days: int) -> WarningDraft | None:
    """High: paid to an account the supplier's record took (added or replaced) fewer than `days` days before
    the payment's day (a classic of payment fraud: a forged request to change the account)."""
    if change is None or change.account_no != p.account_no:
        return None
    since = (p.on - change.changed_at.date()).days
    if since < 0 or since >= days:
        return None
    return WarningDraft(
        p.document,
        Rule.BANK_ACCOUNT_RECENTLY_CHANGED,
        Severity.HIGH,
        f"收款账户 {mask(p.account_no)} 于 {change.changed_at.date().isoformat()}（{since} 天前）"
        f"由 {change.changed_by} "
        f"变更登记（理由：{change.reason}），在 {days} 天内即付款 {p.amount:,.2f} 元",
        {
            "supplier_id": change.supplier_id,
            "account_no": mask(p.account_no),
            "changed_at": change.changed_at.isoformat(),
            "change": change.change,
            "changed_by": change.changed_by,
            "reason": change.reason,
            "days_before": since,
            "days": days,
        },
    )


def mask(account_no: str) -> str:
    return f"****{account_no[-4:]}" if len(account_no) > 4 else account_no


@dataclass(frozen=True)
class EarlierPayment:
    document: DocumentRef
    amount: Decimal
    on: date
    invoice_numbers: tuple[str, ...]


def duplicate_payment(p: Payment, invoice_key: str, earlier: EarlierPayment | None) -> WarningDraft | None:
    """High: another payment to the same supplier with the same normalised invoice and the same amount."""
    if earlier is None or earlier.document.same_document(p.document):
        return None
    return WarningDraft(
        p.document,
        Rule.DUPLICATE_PAYMENT,
        Severity.HIGH,
        f"重复付款：付款 {earlier.document.no or earlier.document.id}（{earlier.on.isoformat()}）已就同一供应商的"
        f"同一发票付过同样金额 {p.amount:,.2f} 元",
        {
            "supplier": p.supplier_key,
            "invoice_key": invoice_key,
            "amount": money_str(p.amount),
            "earlier": earlier.document.as_dict(),
            "earlier_on": earlier.on.isoformat(),
        },
    )


def one_edit_apart(a: str, b: str) -> bool:
    """Exactly one insertion, deletion or substitution apart (not equal)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def near_duplicate_payment(p: Payment, recent: Iterable[EarlierPayment], days: int) -> WarningDraft | None:
    """Medium: a payment to the same supplier of the same amount within `days` days, whose invoice numbers are
    one edit apart from this one's (a retyped or altered invoice)."""
    mine = [n for _, n in p.invoices]
    for e in recent:
        if e.document.same_document(p.document) or e.amount != p.amount or abs((p.on - e.on).days) > days:
            continue
        pair = next(((a, b) for a in mine for b in e.invoice_numbers if one_edit_apart(a, b)), None)
        if pair is None:
            continue
        return WarningDraft(
            p.document,
            Rule.NEAR_DUPLICATE_PAYMENT,
            Severity.MEDIUM,
            f"疑似重复付款：{abs((p.on - e.on).days)} 天内付款 {e.document.no or e.document.id} "
            "向同一供应商付过同样金额 "
            f"{p.amount:,.2f} 元，发票号 {pair[1]} 与本笔 {pair[0]} 仅差一位",
            {
                "supplier": p.supplier_key,
                "amount": money_str(p.amount),
                "earlier": e.document.as_dict(),
                "earlier_on": e.on.isoformat(),
                "invoice_number": pair[0],
                "earlier_invoice_number": pair[1],
                "days": days,
            },
        )
    return None


def claim_above_application(
    claim: DocumentRef, amount: Decimal, application: DocumentRef | None, applied: Decimal | None, percent: Decimal
) -> WarningDraft | None:
    """Medium: a claim (报销) more than `percent` % above the matter application it rests on."""
    if application is None or applied is None or applied <= 0:
        return None
    limit = applied * (Decimal(100) + percent) / Decimal(100)
    if amount <= limit:
        return None
    over = ((amount - applied) * 100 / applied).quantize(Decimal("0.01"))
    return WarningDraft(
        claim,
        Rule.CLAIM_ABOVE_APPLICATION,
        Severity.MEDIUM,
        f"报销金额 {amount:,.2f} 元超出事前申请 {application.no or application.id} 的 {applied:,.2f} 元 {over}%"
        f"（超过 {percent}%）",
        {
            "application": application.as_dict(),
            "application_amount": money_str(applied),
            "amount": money_str(amount),
            "over_percent": str(over),
            "percent": str(percent),
        },
    )


# ── the rule book's entries (domain/rule_book.py adds them) ──
def definitions() -> tuple:
    from services.risk.domain.rule_book import Parameter, RuleDefinition

    contract = {
        "contract": "合同",
        "contract_amount": "合同金额（含变更）",
        "original_amount": "原合同金额",
        "amendments": "变更次数",
    }
    return (
        RuleDefinition(
            Rule.PAYMENT_BEYOND_CONTRACT,
            "付款超过合同金额",
            Severity.HIGH,
            "付款申请提交（payment.payment_requested）时，合同已执行的付款加本笔超过合同金额（含已生效的变更）；或付款执行"
            "（payment.payment_executed）后累计超过：预警提在付款申请上。",
            {**contract, "paid_before": "此前已付", "amount": "本笔", "total": "累计", "excess": "超出金额"},
            (),
        ),
        RuleDefinition(
            Rule.PAYMENT_BEFORE_ACCEPTANCE,
            "验收前付款",
            Severity.HIGH,
            "付款申请所付的付款节点约定验收后付款（on_acceptance），而风险监控未收到该节点通过（或附意见通过）的验收"
            "（contract.acceptance_recorded）；未指明节点的，合同有验收付款节点而未见通过的验收：预警提在付款申请上。",
            {
                **contract,
                "milestone_no": "付款节点",
                "condition": "付款条件",
                "acceptance_result": "验收结果",
                "accepted_on": "验收日期",
            },
            (),
        ),
        RuleDefinition(
            Rule.PAYMENT_BEFORE_SIGNING,
            "合同签订前付款",
            Severity.HIGH,
            "付款申请依据的合同尚未签订（未收到 contract.signed），或签订日晚于申请付款之日：预警提在付款申请上。",
            {**contract, "signed_on": "签订日", "payment_day": "申请付款日"},
            (),
        ),
        RuleDefinition(
            Rule.PAYEE_NOT_SUPPLIER,
            "收款人不是合同供应商",
            Severity.HIGH,
            "付款申请所付的供应商不是合同的供应商，或收款人的统一社会信用代码不是合同供应商登记的代码：预警提在付款申请上。",
            {
                **contract,
                "contract_supplier_id": "合同供应商",
                "contract_supplier_credit_code": "其登记的信用代码",
                "payment_supplier_id": "付款所称供应商",
                "payee_name": "收款人",
                "payee_credit_code": "收款人信用代码",
            },
            (),
        ),
        RuleDefinition(
            Rule.BANK_ACCOUNT_RECENTLY_CHANGED,
            "付款至新近变更的银行账户",
            Severity.HIGH,
            "付款的收款账户是供应商在付款日前不足 days 天内变更登记（新增或替换，"
            "procurement.supplier_bank_account_changed）"
            "的账户：预警提在付款申请上。",
            {
                "supplier_id": "供应商",
                "account_no": "收款账户（后四位）",
                "changed_at": "变更时间",
                "change": "变更类型",
                "changed_by": "变更人",
                "reason": "变更理由",
                "days_before": "变更距付款天数",
                "days": "所用参数 days",
            },
            (Parameter("days", "变更后多少天内付款即预警", "days", "30"),),
        ),
        RuleDefinition(
            Rule.DUPLICATE_PAYMENT,
            "重复付款",
            Severity.HIGH,
            "付款申请与此前另一笔付款的供应商相同、发票（规范化后的发票号码）相同且金额相同：预警提在后一笔付款申请上。",
            {
                "supplier": "供应商（或收款人信用代码、名称）",
                "invoice_key": "规范化发票号",
                "amount": "金额",
                "earlier": "此前的付款",
                "earlier_on": "此前付款日",
            },
            (),
        ),
        RuleDefinition(
            Rule.NEAR_DUPLICATE_PAYMENT,
            "疑似重复付款",
            Severity.MEDIUM,
            "付款申请与 days 天内另一笔付款的供应商相同、金额相同，且两者的发票号码仅差一位（增、删或改一个字符）："
            "预警提在后一笔付款申请上。",
            {
                "supplier": "供应商",
                "amount": "金额",
                "earlier": "此前的付款",
                "earlier_on": "此前付款日",
                "invoice_number": "本笔发票号",
                "earlier_invoice_number": "此前发票号",
                "days": "所用参数 days",
            },
            (Parameter("days", "回看天数", "days", "30"),),
        ),
        RuleDefinition(
            Rule.CLAIM_ABOVE_APPLICATION,
            "报销远超事前申请",
            Severity.MEDIUM,
            "报销单提交（payment.expense_claim_submitted）时，金额超过其事前申请金额的 percent 百分比以上："
            "预警提在报销单上。",
            {
                "application": "事前申请",
                "application_amount": "申请金额",
                "amount": "报销金额",
                "over_percent": "超出（%）",
                "percent": "所用参数 percent（%）",
            },
            (Parameter("percent", "超出事前申请的幅度（%）", "percent", "20"),),
        ),
    )
