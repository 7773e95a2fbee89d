"""Open-contracting data (OCDS 1.1, 开放合同数据标准): reading compiled releases from JSON lines, summarising
them as procurement, contract and payment history, and building the office's own releases from its procurement,
contract and payment events. Pure: text and event payloads in, dicts out.

Amounts stay `Decimal` from the text (`json.loads(..., parse_float=Decimal)`) to the text (`dumps` writes a
Decimal as a JSON number, digit for digit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from services.risk.domain.cardinal import parse_datetime

BID_STATUSES = frozenset({"invited", "pending", "valid", "disqualified", "withdrawn"})
AWARD_STATUSES = frozenset({"pending", "active", "cancelled", "unsuccessful"})
MAX_LINE_CHARS = 1_000_000
MAX_REJECTIONS_SHOWN = 100


# ── reading JSON lines ──
@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Release:
    """One accepted line: the release as parsed, and its text as given (stored as it came)."""

    line: int
    ocid: str
    data: Mapping[str, Any]
    text: str


@dataclass
class Reading:
    releases: list[Release] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    lines: int = 0


def _reject(line: int, path: str, what: str) -> Rejection:
    return Rejection(line, path, f"第 {line} 行字段 {path}：{what}")


def _number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _check_value(line: int, path: str, value: Any) -> Rejection | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return _reject(line, path, "应为对象（amount、currency）")
    amount = value.get("amount")
    if amount is not None and not _number(amount):
        return _reject(
            line, f"{path}.amount", f"金额应为数字，实为 {json.dumps(amount, default=str, ensure_ascii=False)[:40]}"
        )
    currency = value.get("currency")
    if currency is not None and not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        return _reject(line, f"{path}.currency", "币种应为三位大写字母代码（ISO 4217，如 CNY）")
    return None


def _check_date(line: int, path: str, value: Any) -> Rejection | None:
    if value is None or parse_datetime(value) is not None:
        return None
    return _reject(
        line, path, f"应为带时区的日期时间（RFC 3339，如 2026-03-01T09:00:00+08:00），实为 {str(value)[:40]}"
    )


def _check_list(line: int, path: str, value: Any) -> Rejection | None:
    if value is None or isinstance(value, list):
        return None
    return _reject(line, path, "应为数组")


def check_release(line: int, data: Any) -> Rejection | None:
    """The first problem of one line's release in the fields this system reads, or None. The whole OCDS schema
    is not required of an import (real publications stray from it in fields nobody reads here)."""
    if not isinstance(data, dict):
        return Rejection(line, "", f"第 {line} 行不是 JSON 对象（每行应为一个 OCDS 汇编发布 compiled release）")
    ocid = data.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        return _reject(line, "ocid", "缺少开放合同过程标识（ocid），或不是非空字符串")
    if (problem := _check_date(line, "date", data.get("date"))) is not None:
        return problem
    for path in ("buyer", "tender", "bids"):
        if data.get(path) is not None and not isinstance(data[path], dict):
            return _reject(line, path, "应为对象")
    tender = data.get("tender") or {}
    period = tender.get("tenderPeriod")
    if period is not None and not isinstance(period, dict):
        return _reject(line, "tender.tenderPeriod", "应为对象（startDate、endDate）")
    for key in ("startDate", "endDate"):
        if (problem := _check_date(line, f"tender.tenderPeriod.{key}", (period or {}).get(key))) is not None:
            return problem
    if (problem := _check_value(line, "tender.value", tender.get("value"))) is not None:
        return problem
    number = tender.get("numberOfTenderers")
    if number is not None and not (isinstance(number, int) and not isinstance(number, bool) and number >= 0):
        return _reject(line, "tender.numberOfTenderers", "投标人数应为非负整数")
    details = (data.get("bids") or {}).get("details")
    if (problem := _check_list(line, "bids.details", details)) is not None:
        return problem
    for i, bid in enumerate(details or []):
        path = f"bids.details[{i}]"
        if not isinstance(bid, dict):
            return _reject(line, path, "应为对象")
        if bid.get("status") is not None and (not isinstance(bid["status"], str) or bid["status"] not in BID_STATUSES):
            return _reject(
                line,
                f"{path}.status",
                f"投标状态 {str(bid['status'])[:20]} 不在代码表内（{'、'.join(sorted(BID_STATUSES))}）",
            )
        for problem in (
            _check_date(line, f"{path}.date", bid.get("date")),
            _check_value(line, f"{path}.value", bid.get("value")),
            _check_list(line, f"{path}.tenderers", bid.get("tenderers")),
        ):
            if problem is not None:
                return problem
    for name in ("awards", "contracts", "parties"):
        if (problem := _check_list(line, name, data.get(name))) is not None:
            return problem
    for i, award in enumerate(data.get("awards") or []):
        path = f"awards[{i}]"
        if not isinstance(award, dict):
            return _reject(line, path, "应为对象")
        if award.get("status") is not None and (
            not isinstance(award["status"], str) or award["status"] not in AWARD_STATUSES
        ):
            return _reject(
                line,
                f"{path}.status",
                f"授标状态 {str(award['status'])[:20]} 不在代码表内（{'、'.join(sorted(AWARD_STATUSES))}）",
            )
        for problem in (
            _check_value(line, f"{path}.value", award.get("value")),
            _check_list(line, f"{path}.suppliers", award.get("suppliers")),
        ):
            if problem is not None:
                return problem
    for i, contract in enumerate(data.get("contracts") or []):
        path = f"contracts[{i}]"
        if not isinstance(contract, dict):
            return _reject(line, path, "应为对象")
        if (problem := _check_value(line, f"{path}.value", contract.get("value"))) is not None:
            return problem
        transactions = (
            (contract.get("implementation") or {}).get("transactions")
            if isinstance(contract.get("implementation"), dict)
            else None
        )
        if (problem := _check_list(line, f"{path}.implementation.transactions", transactions)) is not None:
            return problem
        for j, t in enumerate(transactions or []):
            tpath = f"{path}.implementation.transactions[{j}]"
            if not isinstance(t, dict):
                return _reject(line, tpath, "应为对象")
            if (problem := _check_value(line, f"{tpath}.value", t.get("value"))) is not None:
                return problem
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} 不是 JSON 数值")


_NUL = re.compile(r"\\u0000", re.IGNORECASE)


def _unstorable(line: int, text: str, data: Any) -> Rejection | None:
    """Text PostgreSQL cannot keep: a NUL character (\\u0000), or half of a surrogate pair."""
    if _NUL.search(text):
        return Rejection(line, "", f"第 {line} 行含有空字符（\\u0000），无法保存")
    if "\\ud" in text.lower():
        try:
            json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        except UnicodeEncodeError:
            return Rejection(line, "", f"第 {line} 行含有不成对的 UTF-16 代理字符（\\ud800–\\udfff），无法保存")
    return None


def read_lines(text: str) -> Reading:
    """Every non-blank line a release; a bad line is a rejection naming its number and field. An ocid twice in
    one file is a rejection too (a compiled release is the whole of its process)."""
    reading = Reading()
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        reading.lines += 1
        if len(line) > MAX_LINE_CHARS:
            reading.rejections.append(Rejection(n, "", f"第 {n} 行超过 {MAX_LINE_CHARS} 个字符"))
            continue
        try:
            data = json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
        except (ValueError, RecursionError) as e:
            reading.rejections.append(Rejection(n, "", f"第 {n} 行不是合法的 JSON（{str(e)[:80]}）"))
            continue
        if (problem := _unstorable(n, line, data)) is not None:
            reading.rejections.append(problem)
            continue
        if (problem := check_release(n, data)) is not None:
            reading.rejections.append(problem)
            continue
        ocid = data["ocid"]
        if ocid in seen:
            reading.rejections.append(_reject(n, "ocid", f"ocid {ocid[:60]} 与第 {seen[ocid]} 行重复"))
            continue
        seen[ocid] = n
        reading.releases.append(Release(n, ocid, data, line))
    return reading


# ── a release as procurement, contract and payment history ──
def _sum(values: Iterable[Any], currency: str | None) -> Decimal | None:
    total, any_ = Decimal("0"), False
    for v in values:
        if (
            isinstance(v, dict)
            and _number(v.get("amount"))
            and (currency is None or v.get("currency") in (None, currency))
        ):
            total += Decimal(v["amount"])
            any_ = True
    return total if any_ else None


@dataclass(frozen=True)
class Summary:
    """The columns a release is listed and searched by; the release itself is kept whole."""

    date: datetime | None
    buyer_id: str | None
    buyer_name: str | None
    title: str | None
    method: str | None
    method_details: str | None
    tender_start: datetime | None
    tender_end: datetime | None
    tender_amount: Decimal | None
    currency: str | None
    number_of_tenderers: int | None
    award_total: Decimal | None
    contract_total: Decimal | None
    paid_total: Decimal | None
    suppliers: list[dict[str, Any]]  # [{id, name, amount}] of the active awards


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def summarise(data: Mapping[str, Any]) -> Summary:
    """Tolerant of fields `check_release` does not judge: a name or id of another type counts as absent."""
    tender = data.get("tender") or {}
    buyer = data.get("buyer") or {}
    names = {
        p["id"]: _text(p.get("name")) for p in data.get("parties") or [] if isinstance(p, dict) and _text(p.get("id"))
    }
    value = tender.get("value") if isinstance(tender.get("value"), dict) else {}
    currency = value.get("currency")
    awards = [a for a in data.get("awards") or [] if a.get("status") in ("active", None)]
    suppliers = []
    for a in awards:
        amount = (a.get("value") or {}).get("amount")
        for s in a.get("suppliers") or []:
            if isinstance(s, dict) and isinstance(s.get("id"), str):
                suppliers.append(
                    {
                        "id": s["id"],
                        "name": _text(s.get("name")) or names.get(s["id"]),
                        "amount": Decimal(amount) if _number(amount) and len(a["suppliers"]) == 1 else None,
                        "currency": _text((a.get("value") or {}).get("currency")),
                    }
                )
    contracts = [c for c in data.get("contracts") or [] if c.get("status") != "cancelled"]
    transactions = [
        t.get("value")
        for c in contracts
        if isinstance(c.get("implementation"), dict)
        for t in c["implementation"].get("transactions") or []
    ]
    tenderers = {
        _text(t.get("id"))
        for b in (data.get("bids") or {}).get("details") or []
        if b.get("status") in ("pending", "valid", "disqualified")
        for t in b.get("tenderers") or []
        if isinstance(t, dict)
    }
    number = tender.get("numberOfTenderers")
    period = tender.get("tenderPeriod") or {}
    return Summary(
        date=parse_datetime(data.get("date")),
        buyer_id=buyer.get("id") if isinstance(buyer.get("id"), str) else None,
        buyer_name=_text(buyer.get("name")) or names.get(_text(buyer.get("id"))),
        title=tender.get("title") if isinstance(tender.get("title"), str) else None,
        method=tender.get("procurementMethod") if isinstance(tender.get("procurementMethod"), str) else None,
        method_details=tender.get("procurementMethodDetails")
        if isinstance(tender.get("procurementMethodDetails"), str)
        else None,
        tender_start=parse_datetime(period.get("startDate")),
        tender_end=parse_datetime(period.get("endDate")),
        tender_amount=Decimal(value["amount"]) if _number(value.get("amount")) else None,
        currency=_text(currency),
        number_of_tenderers=number if isinstance(number, int) else (len(tenderers - {None}) or None),
        award_total=_sum((a.get("value") for a in awards), currency),
        contract_total=_sum((c.get("value") for c in contracts), currency),
        paid_total=_sum(transactions, currency),
        suppliers=suppliers,
    )


# ── JSON text with exact decimals ──
_DECIMAL_MARK = "\u0000dec:"
_DECIMAL_RE = re.compile(r'"\\u0000dec:(-?\d+(?:\.\d+)?(?:E[+-]?\d+)?)"')


def _mark(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _DECIMAL_MARK + str(value)
    if isinstance(value, Mapping):
        return {k: _mark(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mark(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """JSON text in which every Decimal is a number with exactly its digits (never through a float)."""
    text = json.dumps(_mark(value), ensure_ascii=False, separators=(",", ":"))
    return _DECIMAL_RE.sub(lambda m: m.group(1), text)


# ── the office's own processes, folded from its events ──
CURRENCY = "CNY"
METHODS = {  # glossary's procurement_method → OCDS procurementMethod (open codelist method.csv) and 中文
    "open_tender": ("open", "公开招标"),
    "invited_tender": ("selective", "邀请招标"),
    "competitive_negotiation": ("limited", "竞争性谈判"),
    "competitive_consultation": ("limited", "竞争性磋商"),
    "request_for_quotation": ("limited", "询价"),
    "single_source": ("direct", "单一来源"),
    "framework_agreement": ("selective", "框架协议"),
    "self_procurement": ("limited", "自行采购"),
}
# Events the projection folds, and where the process is found: the procurement application's id in the payload
# (document of type procurement_application), or a key learnt earlier (an award's or a contract's id).
OWN_EVENTS = frozenset(
    {
        "procurement.application_submitted",
        "procurement.application_resubmitted",
        "procurement.application_approved",
        "procurement.application_rejected",
        "procurement.application_cancelled",
        "procurement.method_changed",
        "procurement.tender_published",
        "procurement.bid_received",
        "procurement.bid_disqualified",
        "procurement.bids_evaluated",
        "procurement.tender_failed",
        "procurement.award_decided",
        "contract.signed",
        "payment.payment_executed",
    }
)


def process_key(event_type: str, payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """How the event finds its process: ("application", id) directly, or ("award"/"contract", id) to look up."""
    if event_type == "contract.signed":
        return ("award", payload["award_id"]) if payload.get("award_id") else None
    if event_type == "payment.payment_executed":
        return ("contract", payload["contract_id"]) if payload.get("contract_id") else None
    document = payload.get("document") or {}
    if document.get("type") == "procurement_application":
        return ("application", document["id"])
    return None


def fold(state: dict[str, Any], event_type: str, payload: Mapping[str, Any], occurred_at: str) -> dict[str, Any]:
    """The process's state after one event (JSON-able: amounts as text). Replaying an event changes nothing."""
    s = dict(state)
    s.setdefault("bids", {})
    s.setdefault("contracts", {})
    s["updated_at"] = max(s.get("updated_at") or occurred_at, occurred_at)
    s.setdefault("created_at", occurred_at)
    p = payload
    if event_type in ("procurement.application_submitted", "procurement.application_resubmitted"):
        s.update(
            application=p["document"],
            unit=p["unit"],
            title=p["title"],
            amount=p["amount"],
            method=p["method"],
            category=p.get("category"),
            status=s.get("status") if s.get("status") in ("active", "complete") else "planning",
        )
    elif event_type == "procurement.application_approved":
        s["status"] = s.get("status") or "planning"
        s["approved"] = True
    elif event_type in ("procurement.application_rejected", "procurement.application_cancelled"):
        s["status"] = "cancelled"
    elif event_type == "procurement.method_changed":
        s["method"] = p["method"]
    elif event_type == "procurement.tender_published":
        if p["tender_id"] != s.get("tender_id"):  # a new tender (after a failed one): its own bids
            s.update(status="active", bids={})
        s.update(
            tender_id=p["tender_id"],
            method=p["method"],
            published_at=p["published_at"],
            deadline=p["submission_deadline"],
        )
    elif event_type == "procurement.bid_received":
        bids = dict(s["bids"])
        old = bids.get(p["bid_id"], {})
        bids[p["bid_id"]] = {
            "supplier_id": p["supplier_id"],
            "amount": p["amount"],
            "received_at": p["received_at"],
            "status": old.get("status") or ("disqualified" if p["late"] else "pending"),
            "late": p["late"],
        }
        s["bids"] = bids
    elif event_type == "procurement.bid_disqualified":
        bids = dict(s["bids"])
        bid = dict(bids.get(p["bid_id"], {"supplier_id": p["supplier_id"]}))
        bid.update(status="disqualified", reason=p["reason"])
        bids[p["bid_id"]] = bid
        s["bids"] = bids
    elif event_type == "procurement.bids_evaluated":
        bids = dict(s["bids"])
        for r in p["ranking"]:
            bid = dict(bids.get(r["bid_id"], {"supplier_id": r["supplier_id"], "amount": r["amount"]}))
            if bid.get("status") != "disqualified":
                bid["status"] = "valid"
            bid["rank"] = r["rank"]
            bids[r["bid_id"]] = bid
        s["bids"] = bids
    elif event_type == "procurement.tender_failed":
        s["status"] = "unsuccessful"
    elif event_type == "procurement.award_decided":
        s.update(
            award={
                "id": p["award_id"],
                "supplier_id": p["supplier_id"],
                "supplier_name": p["supplier_name"],
                "credit_code": p["credit_code"],
                "amount": p["amount"],
                "decided_on": p["decided_on"],
            },
            unit=s.get("unit") or p["unit"],
            amount=s.get("amount") or p["budget_amount"],
            method=p["method"],
            category=p.get("category") or s.get("category"),
            application=s.get("application") or p["document"],
            status="complete",
        )
    elif event_type == "contract.signed":
        contracts = dict(s["contracts"])
        old = contracts.get(p["document"]["id"], {})
        contracts[p["document"]["id"]] = {
            **old,
            "no": p["document"].get("no"),
            "award_id": p.get("award_id"),
            "amount": p["amount"],
            "signed_on": p["signed_on"],
            "supplier_id": p["supplier_id"],
        }
        s["contracts"] = contracts
    elif event_type == "payment.payment_executed":
        contracts = dict(s["contracts"])
        contract = dict(contracts.get(p["contract_id"], {}))
        payments = dict(contract.get("payments", {}))
        payments[p["payment_id"]] = {
            "amount": p["amount"],
            "executed_on": p["executed_on"],
            "payee": (p.get("payee") or {}).get("name"),
            "supplier_id": p.get("supplier_id"),
        }
        contract["payments"] = payments
        contracts[p["contract_id"]] = contract
        s["contracts"] = contracts
    return s


def _money(text: Any) -> dict[str, Any]:
    return {"amount": Decimal(str(text)), "currency": CURRENCY}


def _day_start(day: str) -> str:
    return f"{day}T00:00:00+08:00" if len(day) == 10 else day


def ocid_of(prefix: str, application_id: str) -> str:
    return f"{prefix}-{application_id}"


def release_of(
    state: Mapping[str, Any],
    ocid: str,
    buyer_name: str | None = None,
    supplier_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The process as an OCDS 1.1 compiled release (with the bid extension's `bids`); suppliers are named from
    `supplier_names` (供应商库, as registered) where known."""
    unit = state.get("unit") or "unknown"
    buyer = {"id": f"unit-{unit}", "name": buyer_name or unit}
    parties: dict[str, dict[str, Any]] = {buyer["id"]: {**buyer, "roles": ["buyer"]}}
    suppliers = dict(supplier_names or {})

    def party(supplier_id: str, role: str) -> dict[str, str]:
        entry = parties.setdefault(
            supplier_id, {"id": supplier_id, "name": suppliers.get(supplier_id, supplier_id), "roles": []}
        )
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return {"id": supplier_id, "name": entry["name"]}

    method, details = METHODS.get(state.get("method") or "", (None, None))
    application = state.get("application") or {}
    tender: dict[str, Any] = {
        "id": state.get("tender_id") or application.get("id") or ocid,
        "title": state.get("title"),
        "status": state.get("status") or "planning",
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": state.get("category"),
    }
    if state.get("amount"):
        tender["value"] = _money(state["amount"])
    if application.get("no"):
        tender["identifiers"] = [{"id": application["no"], "scheme": "采购申请编号"}]
    if state.get("published_at") and state.get("deadline"):
        tender["tenderPeriod"] = {"startDate": state["published_at"], "endDate": state["deadline"]}
    bids = []
    for bid_id, b in sorted((state.get("bids") or {}).items(), key=lambda kv: kv[1].get("received_at") or ""):
        detail: dict[str, Any] = {
            "id": bid_id,
            "status": b.get("status") or "pending",
            "tenderers": [party(b["supplier_id"], "tenderer")],
        }
        if b.get("received_at"):
            detail["date"] = b["received_at"]
        if b.get("amount"):
            detail["value"] = _money(b["amount"])
        bids.append(detail)
    if bids:
        tender["numberOfTenderers"] = len(
            {b["supplier_id"] for b in (state.get("bids") or {}).values() if b.get("status") != "withdrawn"}
        )
    tender = {k: v for k, v in tender.items() if v is not None}
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{re.sub(r'[^0-9]', '', state.get('updated_at') or '')[:14] or '0'}",
        "date": state.get("updated_at") or state.get("created_at"),
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "tender": tender,
    }
    award = state.get("award")
    if award:
        names = suppliers | {award["supplier_id"]: award["supplier_name"]}
        suppliers.update(names)
        supplier = party(award["supplier_id"], "supplier")
        entry = parties[award["supplier_id"]]
        entry["name"] = award["supplier_name"]
        supplier["name"] = award["supplier_name"]
        if award.get("credit_code"):
            entry["identifier"] = {"scheme": "CN-USCC", "id": award["credit_code"], "legalName": award["supplier_name"]}
        release["awards"] = [
            {
                "id": award["id"],
                "status": "active",
                "date": _day_start(award["decided_on"]),
                "value": _money(award["amount"]),
                "suppliers": [supplier],
            }
        ]
    contracts = []
    for contract_id, c in sorted((state.get("contracts") or {}).items()):
        if not c.get("signed_on"):
            continue
        contract: dict[str, Any] = {
            "id": contract_id,
            "awardID": c.get("award_id") or (award or {}).get("id") or contract_id,
            "status": "active",
            "dateSigned": _day_start(c["signed_on"]),
            "value": _money(c["amount"]),
        }
        if c.get("no"):
            contract["title"] = c["no"]
        transactions = [
            {
                "id": payment_id,
                "date": _day_start(t["executed_on"]),
                "value": _money(t["amount"]),
                "payer": {"id": buyer["id"], "name": buyer["name"]},
                **({"payee": party(t["supplier_id"], "payee")} if t.get("supplier_id") else {}),
            }
            for payment_id, t in sorted((c.get("payments") or {}).items())
        ]
        if transactions:
            contract["implementation"] = {"transactions": transactions}
        contracts.append(contract)
    if contracts:
        release["contracts"] = contracts
    if bids:
        release["bids"] = {"details": bids}
    release["parties"] = list(parties.values())
    return release


def package(releases: list[Mapping[str, Any]], published: str, publisher: str, uri: str) -> dict[str, Any]:
    """A release package (OCDS 1.1) around the releases."""
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": publisher},
        "releases": releases,
    }
