"""The gateway's routes, one module per area; TAGS documents them in /docs."""

from __future__ import annotations

from gateway.routes import (
    applications,
    approval,
    approval_actions,
    approval_watch,
    auth,
    budget,
    budget_adjustments,
    budget_lines,
    budget_year_end,
    contracts,
    dossiers,
    health,
    notifications,
    ocds,
    ops,
    org,
    procurement,
    reports,
    standards,
)

# budget_lines before budget: its fixed paths (export.xlsx) must win over budget's /budget-lines/{line_id}.
ROUTERS = (
    auth.router,
    org.router,
    budget_lines.router,
    budget.router,
    budget_adjustments.router,
    budget_year_end.router,
    standards.router,
    reports.router,
    applications.router,
    procurement.router,
    contracts.router,
    approval.router,
    approval_actions.router,
    approval_watch.router,
    approval_watch.reports,
    approval_watch.dossiers,
    notifications.router,
    dossiers.router,
    ocds.router,
    ops.router,
    health.router,
)

TAGS = [
    {"name": "auth", "description": "认证：登录获取访问令牌、查看当前用户"},
    {"name": "org", "description": "组织机构：单位（部门、社区）"},
    {"name": "budget", "description": "预算指标：查询各单位的预算指标及可用余额"},
    {"name": "reports", "description": "报表：预算执行情况表、月度趋势与 Excel 导出"},
    {"name": "expenditure_standards", "description": "支出标准（按生效日期分版本）与三公经费控制数"},
    {"name": "matter_applications", "description": "事前申请：提交与查询事项申请（提交即预占预算）"},
    {
        "name": "procurement",
        "description": "采购：采购申请（按限额标准确定方式）、采购意向、市场调查、招标投标与中标、供应商库",
    },
    {"name": "contracts", "description": "合同：依据中标结果起草、审批、签订（转为合同占用）、变更、解除"},
    {"name": "approval", "description": "审批：我的待办、我已审批、审批决定与审批路线；撤回、退回指定节点、转办、代理"},
    {"name": "dossiers", "description": "关联查询：一份单据从申请到支付的全部关联记录"},
    {"name": "notifications", "description": "消息通知：待办分拨、退回、审批结束、催办与督办，可订阅推送（SSE）"},
    {
        "name": "ocds",
        "description": "开放合同数据（OCDS 1.1）：导入汇编发布并计算 Cardinal 风险指标，导出本办采购与合同",
    },
    {"name": "ops", "description": "运维：死信查看与重放（仅系统管理员）"},
    {"name": "budget_adjustments", "description": "预算调整与超预算审批：调剂、追加、超预算申请（均须审批）"},
    {"name": "budget_year_end", "description": "决算与结转：决算表、年度结账、重新开放（须审批）"},
    {"name": "health", "description": "健康检查与监控指标"},
]
