"""合同列表的 Excel (issue 14): every contract the reader's data scope reads (not one page), as the list shows
them: number, title, the unit's name beside its code, the supplier, the status in Chinese, amounts
`#,##0.00`, and a title row with the day, the scope and the filters, and the time of export."""

from __future__ import annotations

from typing import Any

from ic_platform import list_workbook as xl
from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.errors import Forbidden
from ic_platform.scope import Area
from services.contract.domain.contract import STATUS_LABELS
from services.contract.service_layer import commands
from services.contract.service_layer.handlers import view
from services.contract.service_layer.unit_of_work import ContractUnitOfWork

COLUMNS = [
    xl.Column("合同编号", lambda r: r["no"], width=22),
    xl.Column("合同名称", lambda r: r["title"], width=36),
    xl.Column("单位", lambda r: xl.named(r["unit"], r["unit_name"]), width=28),
    xl.Column("供应商", lambda r: r["supplier"]["name"], width=30),
    xl.Column("统一社会信用代码", lambda r: r["supplier"]["credit_code"], width=22),
    xl.Column("状态", lambda r: r["status_label"], width=14),
    xl.Column("原合同金额", lambda r: r["original_amount"], money=True),
    xl.Column("累计变更", lambda r: r["cumulative_change"], money=True),
    xl.Column("现合同金额", lambda r: r["amount"], money=True),
    xl.Column("开始日期", lambda r: r["start_date"], width=12),
    xl.Column("结束日期", lambda r: r["end_date"], width=12),
    xl.Column("签订日期", lambda r: r["signed_on"] or "", width=12),
    xl.Column("拟稿人", lambda r: r["drafter"], width=12),
]


def contracts_xlsx(cmd: commands.ListContracts, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看合同")
    reads = scope.scope_of(ctx.viewer, Area.CONTRACT)
    with uow:
        _, contracts = uow.contracts.page(
            org=ctx.org,
            scope=reads,
            status=cmd.status,
            supplier_id=cmd.supplier_id,
            limit=xl.MAX_ROWS,
            offset=0,
        )
        names = uow.reports.unit_names(ctx.org)
    rows = [{**view(c), "unit_name": names.get(c.unit)} for c in contracts]
    shown = xl.scope_text(reads, names, own="本人经办的合同")
    if cmd.status:
        shown += f"；状态：{STATUS_LABELS[cmd.status]}"
    if cmd.supplier_id:
        supplier = rows[0]["supplier"]["name"] if rows else cmd.supplier_id
        shown += f"；供应商：{supplier}"
    day = xl.exported_day()
    content = xl.list_workbook("合同台账", COLUMNS, rows, period=f"截至 {day}", scope=shown)
    return xl.as_attachment(f"合同台账-{day}.xlsx", content, len(rows))
