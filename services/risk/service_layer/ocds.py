"""OCDS use cases: import a JSON-lines file of compiled releases and flag it (Cardinal), list the flags, export
the office's own processes as a release package, and fold the office's own procurement, contract and payment
events into its processes (flagged as they change).

An import is all-or-nothing per file: one bad line refuses the file (422, every bad line named, up to
MAX_REJECTIONS_SHOWN) and nothing is stored; with `partial` the good lines are imported and the bad ones
reported in the answer and kept on the import. The population indicators (R024, R038, R058) are judged again
over the org's whole population after each import (`analyse`), not per event.
"""

from __future__ import annotations

import hashlib
import time as time_module
import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field

from ic_platform import scope
from ic_platform.commands import Code, Command
from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Forbidden, InvalidInput, NotFound
from ic_platform.paging import page_window, paged
from services.risk.domain import cardinal, ocds
from services.risk.domain.cardinal import Facts, Parameters
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

LOCAL = ZoneInfo("Asia/Shanghai")
IMPORTERS = ("finance_reviewer", "inspector", "admin")  # 财务、纪检监察、系统管理员
READERS = ("finance_reviewer", "inspector", "auditor", "principal", "admin")
IMPORT_SCOPE = "ocds_import"
MAX_CONTENT_CHARS = 64 * 1024 * 1024  # the gateway takes 8 MB per request; the CLI reads any number of files
PREFIX = settings().ocds_prefix  # the office's registered OCID prefix (deployment)
PUBLISHER = settings().ocds_publisher


# ── commands ──
class ImportReleases(Command):
    content: Annotated[str, Field(min_length=1, max_length=MAX_CONTENT_CHARS)]
    source_name: Annotated[str, Field(max_length=200)] | None = None
    partial: bool = False


class FlagQuery(Command):
    import_id: uuid.UUID | None = None
    indicator: Annotated[str, Field(pattern=r"^R\d{3}$")] | None = None
    group: Annotated[str, Field(pattern=r"^(OCID|Buyer|ProcuringEntity|Tenderer)$")] | None = None
    source: Annotated[str, Field(pattern=r"^(imported|own|all)$")] | None = None
    ocid: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    page: int = 1
    page_size: int = 20


class ExportQuery(Command):
    date_from: date | None = None
    date_to: date | None = None


class SetCardinalParameters(Command):
    effective_from: date
    parameters: Annotated[dict[Code, Any], Field(max_length=20)]
    source: Annotated[str, Field(min_length=1, max_length=200)]


def _require(ctx: CallContext, roles: tuple[str, ...], what: str) -> None:
    if ctx.viewer is None or not ctx.viewer.has_any(*roles):
        raise Forbidden("forbidden", f"没有权限{what}", {"required_roles": list(roles)})


# ── parameters ──
def versions(uow: RiskUnitOfWork, org: str) -> list[cardinal.ParameterVersion]:
    return [*cardinal.DEFAULTS, *uow.ocds.parameter_versions(org)]


def set_parameters(cmd: SetCardinalParameters, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A new version of Cardinal's parameters from a day on (administrators, discipline inspection)."""
    _require(ctx, ("admin", "inspector"), "设置开放合同数据风险指标参数")
    try:
        params = Parameters.from_dict(cmd.parameters)
    except (ValueError, TypeError, ArithmeticError) as e:
        raise InvalidInput(
            "cardinal_parameter_invalid", f"指标参数 {e} 无法识别或取值不正确", {"field": f"parameters.{e}"}
        ) from e
    with uow:
        uow.ocds.set_parameters(ctx.org, cmd.effective_from, params, cmd.source, ctx.actor)
        uow.commit()
    return {"effective_from": cmd.effective_from.isoformat(), "parameters": params.as_dict(), "source": cmd.source}


def indicators(uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Each indicator's definition, and the parameter versions in force (Cardinal's defaults first)."""
    with uow:
        found = versions(uow, ctx.org)
    return {
        "indicators": [{"code": code, **d} for code, d in cardinal.INDICATORS.items()],
        "versions": [
            {"effective_from": v.effective_from.isoformat(), "source": v.source, "parameters": v.parameters.as_dict()}
            for v in found
        ],
    }


# ── import ──
def _process_row(
    org: str, release: ocds.Release, import_id: uuid.UUID | None, facts: Facts | None, s: ocds.Summary
) -> dict[str, Any]:
    return {
        "org": org,
        "ocid": release.ocid,
        "source": "imported",
        "import_id": import_id,
        "unit": None,
        "date": s.date,
        "buyer_id": s.buyer_id,
        "buyer_name": s.buyer_name if isinstance(s.buyer_name, str) else None,
        "title": s.title,
        "method": s.method,
        "method_details": s.method_details,
        "tender_start": s.tender_start,
        "tender_end": s.tender_end,
        "tender_amount": s.tender_amount,
        "currency": s.currency if isinstance(s.currency, str) else None,
        "number_of_tenderers": s.number_of_tenderers,
        "award_total": s.award_total,
        "contract_total": s.contract_total,
        "paid_total": s.paid_total,
        "suppliers": ocds.dumps(s.suppliers),
        "facts": ocds.dumps(facts_wire(facts)) if facts else None,
        "release": release.text,
        "state": None,
    }


def facts_wire(f: Facts) -> dict[str, Any]:
    return {
        "ocid": f.ocid,
        "buyer": f.buyer,
        "procuring_entity": f.procuring_entity,
        "submitted": f.submitted,
        "disqualified": f.disqualified,
        "tenderers": {t: list(v) for t, v in f.tenderers.items()},
        "ratio": str(f.ratio) if f.ratio is not None else None,
        "winner": f.winner,
        "second": f.second,
    }


def facts_from(wire: dict[str, Any]) -> Facts:
    from decimal import Decimal

    return Facts(
        wire["ocid"],
        wire.get("buyer"),
        wire.get("procuring_entity"),
        wire["submitted"],
        wire["disqualified"],
        {t: (v[0], v[1]) for t, v in (wire.get("tenderers") or {}).items()},
        Decimal(wire["ratio"]) if wire.get("ratio") is not None else None,
        wire.get("winner"),
        wire.get("second"),
    )


def _rejected(reading: ocds.Reading) -> InvalidInput:
    shown = reading.rejections[: ocds.MAX_REJECTIONS_SHOWN]
    first = shown[0].message
    return InvalidInput(
        "ocds_import_rejected",
        f"开放合同数据导入失败：{first}；共 {len(reading.rejections)} 行有误（共 {reading.lines} 行），整个文件未导入。"
        "请改正后重新导入，或选择只导入正确的行（partial=true）",
        {
            "field": shown[0].field or "content",
            "line": shown[0].line,
            "lines": reading.lines,
            "rejected_count": len(reading.rejections),
            "rejected": [r.as_dict() for r in shown],
        },
    )


def import_releases(
    cmd: ImportReleases, uow: RiskUnitOfWork, ctx: CallContext, *, check_roles: bool = True
) -> dict[str, Any]:
    """Import and flag one file. One transaction: the file is stored and flagged whole, or not at all."""
    if check_roles:
        _require(ctx, IMPORTERS, "导入开放合同数据")
    request = {"sha256": hashlib.sha256(cmd.content.encode()).hexdigest(), "partial": cmd.partial}
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    reading = ocds.read_lines(cmd.content)
    if not reading.releases and not reading.rejections:
        raise InvalidInput(
            "ocds_import_empty", "文件中没有任何开放合同数据（每行一个 compiled release）", {"field": "content"}
        )
    if reading.rejections and not cmd.partial:
        raise _rejected(reading)
    if not reading.releases:
        raise _rejected(reading)
    now = datetime.now(UTC)
    with uow:
        if key and (stored := uow.recall(IMPORT_SCOPE, key, request)) is not None:
            return stored
        found = versions(uow, ctx.org)
        processes = [(r, cardinal.process_of(r.data)) for r in reading.releases]
        today = now.astimezone(LOCAL).date()
        currency = cardinal.main_currency((p for _, p in processes if p), cardinal.in_force(found, today))
        import_id = uuid.uuid4()
        flags: list[cardinal.Flag] = []
        rows, awards = [], []
        for n, (release, p) in enumerate(processes):
            if n % 200 == 199:
                time_module.sleep(0)  # under eventlet, let the service's other work (assessments) run meanwhile
            params = cardinal.in_force(found, p.day or today) if p else None
            facts = cardinal.facts_of(p, params, currency) if p else None
            if p:
                flags += cardinal.evaluate(p, params, currency)
            summary = ocds.summarise(release.data)
            rows.append(_process_row(ctx.org, release, import_id, facts, summary))
            for s in summary.suppliers:
                awards.append(
                    {
                        "org": ctx.org,
                        "ocid": release.ocid,
                        "supplier_id": s["id"],
                        "supplier_name": s["name"] if isinstance(s["name"], str) else None,
                        "amount": s["amount"],
                        "currency": s["currency"] if isinstance(s["currency"], str) else None,
                    }
                )
        awards = list({(a["ocid"], a["supplier_id"]): a for a in awards}.values())
        ocids = [r.ocid for r in reading.releases]
        uow.ocds.add_import(
            ctx.org,
            import_id,
            source_name=cmd.source_name,
            imported_by=ctx.actor,
            lines=reading.lines,
            accepted=len(reading.releases),
            rejected=len(reading.rejections),
            rejections=[r.as_dict() for r in reading.rejections[: ocds.MAX_REJECTIONS_SHOWN]],
            partial=cmd.partial,
        )
        uow.ocds.upsert_processes(rows)
        uow.ocds.replace_supplier_awards(ctx.org, ocids, awards)
        uow.ocds.replace_process_flags(ctx.org, ocids, "imported", flags, import_id)
        population, meta = analyse_in(uow, ctx.org, cardinal.in_force(found, today))
        counts: dict[str, int] = {}
        for f in flags:
            counts[f.indicator] = counts.get(f.indicator, 0) + (f.group == cardinal.OCID)
        answer = {
            "import_id": str(import_id),
            "lines": reading.lines,
            "accepted": len(reading.releases),
            "rejected_count": len(reading.rejections),
            "rejected": [r.as_dict() for r in reading.rejections[: ocds.MAX_REJECTIONS_SHOWN]],
            "currency": currency,
            "processes_flagged": {k: v for k, v in sorted(counts.items())},
            "population_flags": population,
            "fences": meta,
        }
        if key:
            uow.remember(IMPORT_SCOPE, key, request, answer)
        uow.commit()
    return answer


def analyse_in(uow: RiskUnitOfWork, org: str, params: Parameters) -> tuple[int, dict[str, Any]]:
    """The population indicators over every process of the org (imported and own), replacing the last ones."""
    facts = [facts_from(w) for w in uow.ocds.facts(org)]
    flags, meta = cardinal.population(facts, params)
    return uow.ocds.replace_population_flags(org, flags, uow.ocds.sources(org)), meta


def analyse(uow: RiskUnitOfWork, org: str, day: date | None = None) -> dict[str, Any]:
    with uow:
        params = cardinal.in_force(versions(uow, org), day or datetime.now(LOCAL).date())
        count, meta = analyse_in(uow, org, params)
        uow.commit()
    return {"population_flags": count, "fences": meta}


# ── reading ──
def list_flags(query: FlagQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    _require(ctx, READERS, "查看开放合同数据风险指标")
    size, offset = page_window(query.page, query.page_size)
    filters = query.model_dump(exclude={"page", "page_size"})
    with uow:
        if query.import_id is not None and uow.ocds.get_import(ctx.org, query.import_id) is None:
            raise NotFound(
                "ocds_import_not_found", f"未找到导入批次 {query.import_id}", {"import_id": str(query.import_id)}
            )
        rows, total, counts = uow.ocds.flags(ctx.org, filters, size, offset)
    items = [
        {
            "id": r["id"],
            "indicator": r["indicator"],
            "name": cardinal.INDICATORS[r["indicator"]]["name"],
            "group": r["grp"],
            "subject": r["subject"],
            "value": r["value"],
            "ocid": r["ocid"],
            "source": r["source"],
            "kind": r["kind"],
            "evidence": r["evidence"],
            "raised_at": r["raised_at"].isoformat(),
        }
        for r in rows
    ]
    return {**paged(items, total, query.page, size), "counts": counts}


def export_releases(query: ExportQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The office's own processes whose release date falls in [date_from, date_to] (the office's calendar
    days), as an OCDS 1.1 release package, JSON text (amounts digit for digit). Data scope: a reader of the
    whole procurement area gets every unit's, others their own units'."""
    if query.date_from and query.date_to and query.date_to < query.date_from:
        raise InvalidInput(
            "ocds_export_dates", "结束日期（date_to）不能早于开始日期（date_from）", {"field": "date_to"}
        )
    units = scope.scope_of(ctx.viewer, scope.Area.PROCUREMENT).units_within(None)
    start = datetime.combine(query.date_from, time(), LOCAL) if query.date_from else None
    end = datetime.combine(query.date_to, time(), LOCAL) if query.date_to else None
    if end is not None:
        from datetime import timedelta

        end += timedelta(days=1)
    with uow:
        texts = uow.ocds.own_releases(ctx.org, start, end, units)
    published = datetime.now(UTC).replace(microsecond=0).isoformat()
    head = ocds.dumps(ocds.package([], published, PUBLISHER, f"urn:ocds:{PREFIX}:{ctx.org}:{published}"))
    content = head[: -len("[]}")] + "[" + ",".join(texts) + "]}"
    return {"content": content, "count": len(texts)}


# ── the office's own processes, from its events ──
def fold_own_event(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Hears procurement, contract and payment events; runs in the inbox's transaction. Per event: one locked
    row read, one row written, the process's flags replaced (cost flat however long the history)."""
    if event.type == "procurement.supplier_registered":
        p = event.payload
        uow.ocds.name_supplier(event.org, p["supplier_id"], p["supplier_name"], p.get("credit_code"))
        return
    if event.type not in ocds.OWN_EVENTS:
        return
    key = ocds.process_key(event.type, event.payload)
    if key is None:
        return
    kind, value = key
    ocid = ocds.ocid_of(PREFIX, value) if kind == "application" else uow.ocds.ocid_for(event.org, kind, value)
    if ocid is None:
        return  # a contract or payment with no procurement of the office behind it
    state = uow.ocds.own_state(event.org, ocid) or {}
    state = ocds.fold(state, event.type, event.payload, event.occurred_at)
    if event.type == "procurement.award_decided":
        uow.ocds.remember_key(event.org, "award", event.payload["award_id"], ocid)
    if event.type == "contract.signed":
        uow.ocds.remember_key(event.org, "contract", event.payload["document"]["id"], ocid)
    save_own(uow, event.org, ocid, state)


def save_own(uow: RiskUnitOfWork, org: str, ocid: str, state: dict[str, Any]) -> list[cardinal.Flag]:
    supplier_ids = [b["supplier_id"] for b in (state.get("bids") or {}).values() if b.get("supplier_id")]
    release = ocds.release_of(state, ocid, supplier_names=uow.ocds.supplier_names(org, supplier_ids))
    p = cardinal.process_of(release)
    found = versions(uow, org)
    params = cardinal.in_force(found, p.day or datetime.now(LOCAL).date())
    flags = cardinal.evaluate(p, params, ocds.CURRENCY)
    facts = cardinal.facts_of(p, params, ocds.CURRENCY)
    text = ocds.dumps(release)
    summary = ocds.summarise(release)
    row = _process_row(org, ocds.Release(0, ocid, release, text), None, facts, summary)
    row.update(source="own", unit=state.get("unit"), state=ocds.dumps(state))
    uow.ocds.upsert_processes([row])
    awards = [
        {
            "org": org,
            "ocid": ocid,
            "supplier_id": s["id"],
            "supplier_name": s["name"],
            "amount": s["amount"],
            "currency": s["currency"],
        }
        for s in summary.suppliers
    ]
    uow.ocds.replace_supplier_awards(org, [ocid], awards)
    uow.ocds.replace_process_flags(org, [ocid], "own", flags, None)
    return flags


EVENT_HANDLERS = {t: [fold_own_event] for t in (*sorted(ocds.OWN_EVENTS), "procurement.supplier_registered")}
