"""The gateway's routes, one module per area; TAGS documents them in /docs."""

from __future__ import annotations

from gateway.routes import (
    applications,
    approval,
    approval_watch,
    auth,
    budget,
    dossiers,
    health,
    notifications,
    ops,
    org,
    reports,
)

ROUTERS = (auth.router, org.router, budget.router, reports.router, applications.router, approval.router,
           dossiers.router, ops.router, health.router,
           # approval-watch: task detail with risk warnings, cycle-time report, notifications
           approval_watch.router, approval_watch.reports, approval_watch.dossiers, notifications.router)

TAGS = [
    {"name": "auth", "description": "认证：登录获取访问令牌、查看当前用户"},
    {"name": "org", "description": "组织机构：单位（部门、社区）"},
    {"name": "budget", "description": "预算指标：查询各单位的预算指标及可用余额"},
    {"name": "reports", "description": "报表：预算执行情况表、月度趋势与 Excel 导出"},
    {"name": "matter_applications", "description": "事前申请：提交与查询事项申请（提交即预占预算）"},
    {"name": "approval", "description": "审批：我的待办、我已审批、审批决定与审批路线"},
    {"name": "dossiers", "description": "关联查询：一份单据从申请到支付的全部关联记录"},
    {"name": "notifications", "description": "消息通知：待办分拨、退回、审批结束、催办与督办，可订阅推送（SSE）"},
    {"name": "ops", "description": "运维：死信查看与重放（仅系统管理员）"},
    {"name": "health", "description": "健康检查与监控指标"},
]
