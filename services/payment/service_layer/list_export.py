"""付款申请列表的 Excel (issue 14): every payment request the reader's data scope reads (not one page), as the
list shows them, with the unit's name beside its code (asked of org, which owns the names: payment keeps
only codes), amounts `#,##0.00`, and a title row with the day, the scope and filters, and the time of export."""

from __future__ import annotations

from typing import Any, Protocol

from ic_platform import list_workbook as xl
from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden
from ic_platform.scope import Area
from services.payment.domain import payment_request as pr
from services.payment.service_layer import payment_commands as commands
from services.payment.service_layer.payments import view
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork


class Directory(Protocol):
    def list_units(self, **kwargs: Any) -> dict[str, Any]: ...


COLUMNS = [
    xl.Column("申请编号", lambda r: r["no"], width=22),
    xl.Column("事由", lambda r: r["title"], width=36),
    xl.Column("单位", lambda r: xl.named(r["unit"], r["unit_name"]), width=28),
    xl.Column("付款依据", lambda r: r["basis_label"], width=14),
    xl.Column("依据单据", lambda r: (r["basis"] or {}).get("no") or (r["basis"] or {}).get("id") or "", width=22),
    xl.Column("收款人", lambda r: r["payee"].get("name", ""), width=28),
    xl.Column("收款账号", lambda r: r["payee"].get("account_no", ""), width=24),
    xl.Column("金额", lambda r: r["amount"], money=True),
    xl.Column("状态", lambda r: r["status_label"], width=14),
    xl.Column("支付日期", lambda r: r["executed_on"] or "", width=12),
    xl.Column("申请人", lambda r: r["requester"], width=12),
]


def unit_names(org: Directory) -> dict[str, str]:
    """Every unit's name, from org (a few hundred at most in a sub-district office)."""
    found: dict[str, str] = {}
    page = 1
    while True:
        answer = org.list_units(page=page, page_size=200)
        found.update({u["code"]: u["name"] for u in answer["items"]})
        if page * 200 >= answer["total"]:
            return found
        page += 1


def payments_xlsx(
    cmd: commands.ListPayments, uow: PaymentUnitOfWork, ctx: CallContext, org: Directory
) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看付款申请")
    reads = scope.scope_of(ctx.viewer, Area.PAYMENT)
    with uow:
        _, items = uow.payments.page(
            org=ctx.org,
            scope=reads,
            status=cmd.status.value if cmd.status else None,
            contract_id=cmd.contract_id,
            limit=xl.MAX_ROWS,
            offset=0,
        )
    names = unit_names(org)
    rows = [{**view(p), "unit_name": names.get(p.unit)} for p in items]
    shown = xl.scope_text(reads, names, own="本人经办的付款申请")
    if cmd.status:
        shown += f"；状态：{pr.STATUS_LABELS[cmd.status]}"
    if cmd.contract_id:
        shown += f"；合同：{cmd.contract_id}"
    day = xl.exported_day()
    content = xl.list_workbook("付款申请台账", COLUMNS, rows, period=f"截至 {day}", scope=shown)
    return xl.as_attachment(f"付款申请台账-{day}.xlsx", content, len(rows))
