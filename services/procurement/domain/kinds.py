"""The words of procurement that everything else uses: what is bought (category) and how (method). Pure."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """品目分类 (政府采购品目分类目录): the thresholds and the allowed methods depend on it."""

    GOODS = "goods"  # 货物
    SERVICES = "services"  # 服务
    WORKS = "works"  # 工程


CATEGORY_LABELS = {Category.GOODS: "货物", Category.SERVICES: "服务", Category.WORKS: "工程"}


class Method(StrEnum):
    """采购方式, named as in the glossary (`procurement_method`)."""

    OPEN_TENDER = "open_tender"  # 公开招标
    INVITED_TENDER = "invited_tender"  # 邀请招标
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"  # 竞争性谈判
    COMPETITIVE_CONSULTATION = "competitive_consultation"  # 竞争性磋商
    REQUEST_FOR_QUOTATION = "request_for_quotation"  # 询价
    SINGLE_SOURCE = "single_source"  # 单一来源
    FRAMEWORK_AGREEMENT = "framework_agreement"  # 框架协议
    SELF_PROCUREMENT = "self_procurement"  # 自行采购 (below the decentralised threshold: not 政府采购)


METHOD_LABELS = {
    Method.OPEN_TENDER: "公开招标",
    Method.INVITED_TENDER: "邀请招标",
    Method.COMPETITIVE_NEGOTIATION: "竞争性谈判",
    Method.COMPETITIVE_CONSULTATION: "竞争性磋商",
    Method.REQUEST_FOR_QUOTATION: "询价",
    Method.SINGLE_SOURCE: "单一来源",
    Method.FRAMEWORK_AGREEMENT: "框架协议",
    Method.SELF_PROCUREMENT: "自行采购",
}

TENDER_METHODS = frozenset({Method.OPEN_TENDER, Method.INVITED_TENDER})
# Methods run as a competitive procedure with bids (or responses) and an evaluation: a `Tender` in this domain.
COMPETITIVE_METHODS = TENDER_METHODS | {
    Method.COMPETITIVE_NEGOTIATION,
    Method.COMPETITIVE_CONSULTATION,
    Method.REQUEST_FOR_QUOTATION,
}


class Tier(StrEnum):
    """The band an amount falls in, by the thresholds of its category. Ordered: each asks more than the last."""

    SELF = "self"  # below 分散采购限额标准: not 政府采购; the unit buys by its own rules (市场调查 above an amount)
    DECENTRALISED = "decentralised"  # 分散采购限额标准 ≤ amount < 公开招标数额标准: a competitive method
    TENDER = "tender"  # ≥ 公开招标数额标准: open tender (invited with reasons)


TIER_LABELS = {
    Tier.SELF: "分散采购限额标准以下（单位自行采购）",
    Tier.DECENTRALISED: "达到分散采购限额标准、未达公开招标数额标准",
    Tier.TENDER: "达到公开招标数额标准",
}
TIER_ORDER = (Tier.SELF, Tier.DECENTRALISED, Tier.TENDER)


class Form(StrEnum):
    """组织形式: who runs the purchase."""

    CENTRAL = "central"  # 集中采购: the central procurement agency (集中采购机构), for catalogue items
    DECENTRALISED = "decentralised"  # 分散采购: the unit itself or an agent it hires (政府采购 outside the catalogue)
    SELF = "self"  # 单位自行采购: below the thresholds, not 政府采购


FORM_LABELS = {Form.CENTRAL: "集中采购", Form.DECENTRALISED: "分散采购", Form.SELF: "单位自行采购"}
