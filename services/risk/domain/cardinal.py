"""Tender-stage red flags (招投标环节风险指标) as the Open Contracting Partnership's Cardinal defines them
(open-contracting/cardinal-rs, docs/cli/indicators/R/*.md), on OCDS compiled releases. Pure: a release (a
dict, as parsed from JSON with `parse_float=Decimal`) in, flags out. The service layer feeds it imported
releases and the releases it builds from the office's own procurement events (ocds.py), so both are judged by
one definition.

Two kinds of indicator:
- per contracting process (R003, R018, R028, R030, R035, R036): a process alone decides;
- over a population (R024, R058 per process, R038 per buyer, procuring entity and tenderer): Cardinal flags the
  outliers of a distribution, beyond Tukey's fences (Q1 − 1.5 IQR, Q3 + 1.5 IQR) with quartiles estimated as
  statrs does (Hyndman–Fan type 8, median-unbiased), unless a fixed threshold is set. `population()` reduces a
  process to the few facts these need, so a population is judged from stored facts, not from stored releases.

Parameters are data with an effective date (`ParameterVersion`): `DEFAULTS` holds Cardinal's own defaults; an
office may add a version from a day on. A process is judged by the version in force on its date (tender period
start, else the release date); a population by the version in force on the day of the analysis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# Group names as Cardinal's output uses them: the key a result is about.
OCID, BUYER, PROCURING_ENTITY, TENDERER = "OCID", "Buyer", "ProcuringEntity", "Tenderer"

SUBMITTED = frozenset({"pending", "valid", "disqualified"})  # "submitted" in Cardinal's glossary
FINAL_AWARD = frozenset({"active", "cancelled", "unsuccessful"})  # any other status (pending, none) excludes

INDICATORS: dict[str, dict[str, str]] = {
    "R003": {
        "title": "Short submission period",
        "name": "提交期限过短",
        "definition": "招标期（tenderPeriod 起止）不足阈值天数（按整天计；可按采购方式细目设置）。",
    },
    "R018": {
        "title": "Single bid received",
        "name": "竞争性方式仅一家投标",
        "definition": "采购方式为竞争性方式（默认 open、selective）而投标人只有一家。",
    },
    "R024": {
        "title": "Price close to winning bid",
        "name": "次低价与中标价过于接近",
        "definition": "（次低有效投标价 − 中标价）/ 中标价 不高于下篱笆 Q1 − 1.5·IQR（或设定阈值）；"
        "中标人与次低价投标人一并标记。",
    },
    "R028": {
        "title": "Identical bid prices",
        "name": "不同投标人报价相同",
        "definition": "不同投标人提交了价格相同的投标；这些投标人一并标记。",
    },
    "R030": {
        "title": "Late bid won",
        "name": "逾期投标中标",
        "definition": "有效投标的提交时间晚于截止时间，且其投标人为有效中标的供应商；该投标人一并标记。",
    },
    "R035": {
        "title": "All except winning bid disqualified",
        "name": "除中标人外全部投标被否决",
        "definition": "只有一个投标人有有效投标，且即为全部有效中标的供应商，"
        "另有不少于阈值（默认 1）家投标人的投标被否决。",
    },
    "R036": {
        "title": "Lowest bid disqualified",
        "name": "最低价投标被否决",
        "definition": "有有效中标、有带金额的有效投标，而提交的最低价投标被否决（以价格为唯一评标标准时）。",
    },
    "R038": {
        "title": "Excessive disqualified bids",
        "name": "否决投标比例异常偏高",
        "definition": "按采购人、采购代理机构、投标人分别计算被否决投标数 / 提交投标数，"
        "不低于上篱笆 Q3 + 1.5·IQR（或设定阈值）。",
    },
    "R058": {
        "title": "Heavily discounted bid",
        "name": "中标价大幅低于次低价",
        "definition": "（次低有效投标价 − 中标价）/ 中标价 不低于上篱笆 Q3 + 1.5·IQR（或设定阈值）；中标人一并标记。",
    },
}


# ── parameters (effective-dated data) ──
@dataclass(frozen=True)
class Parameters:
    """Cardinal's settings, by indicator. None for a fence means: from the data (Tukey's fence)."""

    currency: str | None = None  # the main currency; None: the first observed, as Cardinal
    no_price_comparison_procurement_methods: frozenset[str] = frozenset()  # procurementMethodDetails values
    price_comparison_procurement_methods: frozenset[str] = frozenset()
    r003_threshold: int = 15
    r003_procurement_methods: frozenset[str] = frozenset()  # empty: every method
    r003_procurement_method_details: Mapping[str, int] = field(default_factory=dict)
    r018_procurement_methods: frozenset[str] = frozenset({"open", "selective"})
    r024_threshold: Decimal | None = None
    r035_threshold: int = 1
    r038_threshold: Decimal | None = None
    r038_minimum_submitted_bids: int = 2
    r038_minimum_contracting_processes: int = 2
    r058_threshold: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, Decimal):
                value = str(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Parameters:
        """A version as stored (or as an office sets it); unknown names are refused by the caller's schema."""
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if name not in cls.__dataclass_fields__:
                raise ValueError(name)
            try:
                kwargs[name] = cls._value(name, value)
            except (TypeError, ValueError, ArithmeticError):
                raise ValueError(name) from None
        return cls(**kwargs)

    @classmethod
    def _value(cls, name: str, value: Any) -> Any:
        """One parameter from its stored form; ValueError (naming nothing) when it is not of its kind."""
        default = cls.__dataclass_fields__[name].default
        if name.endswith("_methods"):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(name)
            return frozenset(value)
        if name == "r003_procurement_method_details":
            return {str(k): int(v) for k, v in dict(value).items()}
        if name in ("r024_threshold", "r038_threshold", "r058_threshold"):
            return None if value is None else Decimal(str(value))
        if isinstance(default, int):
            if isinstance(value, bool) or int(value) < 0:
                raise ValueError(name)
            return int(value)
        if value is not None and not isinstance(value, str):
            raise ValueError(name)
        return value


@dataclass(frozen=True)
class ParameterVersion:
    effective_from: date
    parameters: Parameters
    source: str


# Cardinal's documented defaults, in force from before any data this system holds.
DEFAULTS = (ParameterVersion(date(2000, 1, 1), Parameters(), "Cardinal 默认参数（open-contracting/cardinal-rs）"),)


def in_force(versions: Iterable[ParameterVersion], day: date) -> Parameters:
    """The latest version that took effect on or before `day` (the defaults before any)."""
    found = [v for v in versions if v.effective_from <= day]
    return max(found, key=lambda v: v.effective_from).parameters if found else DEFAULTS[0].parameters


# ── results ──
@dataclass(frozen=True)
class Flag:
    indicator: str
    group: str  # OCID, Buyer, ProcuringEntity, Tenderer
    subject: str  # the ocid, or the organisation's id
    value: float
    ocid: str | None = None  # the process that raised it (None for a population result about an organisation)
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "name": INDICATORS[self.indicator]["name"],
            "group": self.group,
            "subject": self.subject,
            "value": self.value,
            "ocid": self.ocid,
            "evidence": dict(self.evidence),
        }


def cardinal_output(flags: Iterable[Flag]) -> dict[str, dict[str, dict[str, float]]]:
    """The flags in Cardinal's own output form ({group: {id: {code: value}}}), to compare with its docs."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for f in flags:
        out.setdefault(f.group, {}).setdefault(f.subject, {})[f.indicator] = f.value
    return out


# ── reading a release (tolerant, as Cardinal: a field of the wrong type is as if absent) ──
def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def parse_datetime(value: Any) -> datetime | None:
    """An RFC 3339 date-time with its offset (Cardinal ignores one without); None when unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass(frozen=True)
class Bid:
    tenderers: tuple[str, ...]
    status: str | None
    amount: Decimal | None
    currency: str | None
    received: datetime | None


@dataclass(frozen=True)
class Award:
    status: str | None
    suppliers: tuple[str, ...]


@dataclass(frozen=True)
class Process:
    """What the indicators read of one compiled release."""

    ocid: str
    day: date | None
    buyer: str | None
    procuring_entity: str | None
    method: str | None
    method_details: str | None
    tender_start: datetime | None
    tender_end: datetime | None
    number_of_tenderers: int | None
    bids: tuple[Bid, ...]
    awards: tuple[Award, ...]

    @property
    def submitted(self) -> tuple[Bid, ...]:
        return tuple(b for b in self.bids if b.status in SUBMITTED)

    def currencies(self) -> Iterable[str]:
        return (b.currency for b in self.submitted if b.currency is not None and b.amount is not None)


def _ids(parties: Any) -> tuple[str, ...]:
    return tuple(i for p in _list(parties) if (i := _str(_obj(p).get("id"))) is not None)


def process_of(release: Mapping[str, Any]) -> Process | None:
    """None when the release has no string ocid (Cardinal excludes it)."""
    ocid = _str(release.get("ocid"))
    if ocid is None:
        return None
    tender = _obj(release.get("tender"))
    period = _obj(tender.get("tenderPeriod"))
    start, end = parse_datetime(period.get("startDate")), parse_datetime(period.get("endDate"))
    released = parse_datetime(release.get("date"))
    number = tender.get("numberOfTenderers")
    bids = []
    for raw in _list(_obj(release.get("bids")).get("details")):
        bid = _obj(raw)
        value = _obj(bid.get("value"))
        bids.append(
            Bid(
                _ids(bid.get("tenderers")),
                _str(bid.get("status")),
                _amount(value.get("amount")),
                _str(value.get("currency")),
                parse_datetime(bid.get("date")),
            )
        )
    awards = tuple(
        Award(_str(_obj(a).get("status")), _ids(_obj(a).get("suppliers"))) for a in _list(release.get("awards"))
    )
    return Process(
        ocid=ocid,
        day=(start or released).date() if (start or released) else None,
        buyer=_str(_obj(release.get("buyer")).get("id")),
        procuring_entity=_str(_obj(tender.get("procuringEntity")).get("id")),
        method=_str(tender.get("procurementMethod")),
        method_details=_str(tender.get("procurementMethodDetails")),
        tender_start=start,
        tender_end=end,
        number_of_tenderers=number if isinstance(number, int) and not isinstance(number, bool) else None,
        bids=tuple(bids),
        awards=awards,
    )


def main_currency(processes: Iterable[Process], params: Parameters) -> str | None:
    """The currency amounts are compared in: the parameter, else the first one observed (as Cardinal)."""
    if params.currency:
        return params.currency
    for p in processes:
        for c in p.currencies():
            return c
    return None


def _compares_prices(p: Process, params: Parameters) -> bool:
    """Cardinal's global setting: prices predetermined by the buyer (some procurementMethodDetails) exclude
    the price indicators (R024, R028, R036, R058)."""
    details = p.method_details
    if details is not None and details in params.no_price_comparison_procurement_methods:
        return False
    return not params.price_comparison_procurement_methods or details in params.price_comparison_procurement_methods


def _priced(p: Process, currency: str | None) -> list[Bid]:
    return [b for b in p.submitted if b.amount is not None and b.currency is not None and b.currency == currency]


def _all_awards_final(p: Process) -> bool:
    return all(a.status in FINAL_AWARD for a in p.awards)


def _active_suppliers(p: Process) -> set[str]:
    return {s for a in p.awards if a.status == "active" for s in a.suppliers}


# ── per-process indicators ──
def r003(p: Process, params: Parameters) -> list[Flag]:
    if params.r003_procurement_methods and p.method not in params.r003_procurement_methods:
        return []
    if p.tender_start is None or p.tender_end is None:
        return []
    seconds = (p.tender_end - p.tender_start).total_seconds()
    days = math.trunc(seconds / 86400)  # whole days, truncated toward zero (chrono's num_days)
    threshold = params.r003_procurement_method_details.get(p.method_details or "", params.r003_threshold)
    if days < threshold:
        return [Flag("R003", OCID, p.ocid, 1.0, p.ocid, {"days": days, "threshold": threshold})]
    return []


def r018(p: Process, params: Parameters) -> list[Flag]:
    if p.method in params.r018_procurement_methods and p.number_of_tenderers == 1:
        return [Flag("R018", OCID, p.ocid, 1.0, p.ocid, {"method": p.method, "number_of_tenderers": 1})]
    return []


def r028(p: Process, params: Parameters, currency: str | None) -> list[Flag]:
    if not _compares_prices(p, params):
        return []
    by_price: dict[Decimal, set[str]] = {}
    for b in _priced(p, currency):
        for t in b.tenderers:
            by_price.setdefault(b.amount, set()).add(t)
    same = {price: ids for price, ids in by_price.items() if len(ids) > 1}
    if not same:
        return []
    tenderers = sorted(set().union(*same.values()))
    evidence = {"prices": {str(k): sorted(v) for k, v in same.items()}}
    return [Flag("R028", OCID, p.ocid, 1.0, p.ocid, evidence)] + [
        Flag("R028", TENDERER, t, 1.0, p.ocid) for t in tenderers
    ]


def r030(p: Process, params: Parameters) -> list[Flag]:
    if p.tender_end is None:
        return []
    winners = _active_suppliers(p)
    late = sorted(
        {
            t
            for b in p.bids
            if b.status == "valid" and b.received is not None and b.received > p.tender_end
            for t in b.tenderers
            if t in winners
        }
    )
    if not late:
        return []
    evidence = {"deadline": p.tender_end.isoformat(), "tenderers": late}
    return [Flag("R030", OCID, p.ocid, 1.0, p.ocid, evidence)] + [Flag("R030", TENDERER, t, 1.0, p.ocid) for t in late]


def r035(p: Process, params: Parameters) -> list[Flag]:
    if not p.awards or not _all_awards_final(p):
        return []
    valid = {t for b in p.bids if b.status == "valid" for t in b.tenderers}
    if len(valid) != 1 or valid != _active_suppliers(p):
        return []
    (winner,) = valid
    disqualified = {t for b in p.bids if b.status == "disqualified" for t in b.tenderers} - valid
    if len(disqualified) < params.r035_threshold:
        return []
    evidence = {"winner": winner, "disqualified": sorted(disqualified), "threshold": params.r035_threshold}
    return [
        Flag("R035", OCID, p.ocid, float(len(disqualified)), p.ocid, evidence),
        Flag("R035", TENDERER, winner, 0.0, p.ocid),
    ]


def r036(p: Process, params: Parameters, currency: str | None) -> list[Flag]:
    if not _compares_prices(p, params) or not any(a.status == "active" for a in p.awards):
        return []
    priced = _priced(p, currency)
    if not any(b.status == "valid" for b in priced):
        return []
    lowest = None
    for b in priced:  # the first of equal lowest amounts decides, as in Cardinal
        if lowest is None or b.amount < lowest.amount:
            lowest = b
    if lowest is None or lowest.status != "disqualified":
        return []
    evidence = {"lowest_amount": str(lowest.amount), "tenderers": list(lowest.tenderers)}
    return [Flag("R036", OCID, p.ocid, 1.0, p.ocid, evidence)]


def evaluate(p: Process, params: Parameters, currency: str | None) -> list[Flag]:
    """Every per-process indicator on one process."""
    return [
        *r003(p, params),
        *r018(p, params),
        *r028(p, params, currency),
        *r030(p, params),
        *r035(p, params),
        *r036(p, params, currency),
    ]


# ── population indicators: the facts of one process, then the outliers of a population ──
@dataclass(frozen=True)
class Facts:
    """What R024, R038 and R058 need of one process."""

    ocid: str
    buyer: str | None
    procuring_entity: str | None
    submitted: int
    disqualified: int
    tenderers: Mapping[str, tuple[int, int]]  # tenderer → (disqualified, submitted)
    ratio: Decimal | None  # (second-lowest valid bid − winning bid) / winning bid
    winner: str | None
    second: str | None


def second_lowest_ratio(p: Process, params: Parameters, currency: str | None) -> tuple[Decimal, str, str] | None:
    """Cardinal's "SecondLowestBidRatio": one active award to one supplier, every award final; the winner's
    lowest valid bid and the lowest valid bid of anyone else; only when the winner's is the lower."""
    if not _compares_prices(p, params) or not _all_awards_final(p):
        return None
    active = [a for a in p.awards if a.status == "active"]
    if len(active) != 1 or len(active[0].suppliers) != 1:
        return None
    supplier = active[0].suppliers[0]
    winner_amount: Decimal | None = None
    other: tuple[Decimal, str] | None = None
    for b in p.bids:
        if b.status != "valid" or b.amount is None or b.currency != currency or not b.tenderers:
            continue
        if len(b.tenderers) != 1:
            return None  # a bid by several tenderers (Cardinal's exclusion, issue #17)
        tenderer = b.tenderers[0]
        if tenderer == supplier:
            winner_amount = b.amount if winner_amount is None else min(winner_amount, b.amount)
        elif other is None or b.amount < other[0]:
            other = (b.amount, tenderer)
    if winner_amount is None or other is None or winner_amount <= 0 or other[0] < winner_amount:
        return None
    return (other[0] - winner_amount) / winner_amount, supplier, other[1]


def facts_of(p: Process, params: Parameters, currency: str | None) -> Facts:
    tenderers: dict[str, tuple[int, int]] = {}
    disqualified = 0
    submitted = p.submitted
    for b in submitted:
        d = 1 if b.status == "disqualified" else 0
        disqualified += d
        for t in b.tenderers:
            old = tenderers.get(t, (0, 0))
            tenderers[t] = (old[0] + d, old[1] + 1)
    ratio = second_lowest_ratio(p, params, currency)
    return Facts(
        p.ocid,
        p.buyer,
        p.procuring_entity,
        len(submitted),
        disqualified,
        tenderers,
        ratio[0] if ratio else None,
        ratio[1] if ratio else None,
        ratio[2] if ratio else None,
    )


def quartiles(values: list[float]) -> tuple[float, float]:
    """Q1 and Q3 as statrs estimates them (R-8: h = (n + 1/3) p + 1/3, linear between order statistics)."""
    xs = sorted(values)
    n = len(xs)

    def q(p: float) -> float:
        h = (n + 1 / 3) * p + 1 / 3
        if h <= 1:
            return xs[0]
        if h >= n:
            return xs[-1]
        lo = math.floor(h)
        return xs[lo - 1] + (h - lo) * (xs[lo] - xs[lo - 1])

    return q(0.25), q(0.75)


@dataclass(frozen=True)
class Fences:
    q1: float | None
    q3: float | None
    fence: float

    def as_dict(self) -> dict[str, float | None]:
        return {"q1": self.q1, "q3": self.q3, "fence": round(self.fence, 6)}


def r024_r058(facts: Iterable[Facts], params: Parameters) -> tuple[list[Flag], dict[str, Any]]:
    ratios = {f.ocid: f for f in facts if f.ratio is not None}
    if not ratios:
        return [], {}
    values = [float(f.ratio) for f in ratios.values()]
    q1, q3 = quartiles(values)
    flags: list[Flag] = []
    meta: dict[str, Any] = {}
    if params.r024_threshold is not None:
        lower, guard = float(params.r024_threshold), 1.0  # a set threshold passes the guard, as Cardinal
        meta["R024"] = Fences(None, None, lower).as_dict()
    else:
        lower, guard = q1 - 1.5 * (q3 - q1), q1
        meta["R024"] = Fences(q1, q3, lower).as_dict()
    # Skip when a quarter of processes have no difference at all: otherwise that quarter would all be flagged.
    if guard > 0 and lower > 0:
        for f in ratios.values():
            if float(f.ratio) <= lower:
                evidence = {
                    "ratio": str(f.ratio),
                    "lower_fence": round(lower, 6),
                    "winner": f.winner,
                    "second": f.second,
                }
                flags.append(Flag("R024", OCID, f.ocid, float(f.ratio), f.ocid, evidence))
                flags += [Flag("R024", TENDERER, t, 0.0, f.ocid) for t in (f.winner, f.second)]
    upper = float(params.r058_threshold) if params.r058_threshold is not None else q3 + 1.5 * (q3 - q1)
    meta["R058"] = Fences(
        None if params.r058_threshold is not None else q1, None if params.r058_threshold is not None else q3, upper
    ).as_dict()
    if upper > 0:
        for f in ratios.values():
            if float(f.ratio) >= upper:
                evidence = {
                    "ratio": str(f.ratio),
                    "upper_fence": round(upper, 6),
                    "winner": f.winner,
                    "second": f.second,
                }
                flags.append(Flag("R058", OCID, f.ocid, float(f.ratio), f.ocid, evidence))
                flags.append(Flag("R058", TENDERER, f.winner, 0.0, f.ocid))
    return flags, meta


def r038(facts: Iterable[Facts], params: Parameters) -> tuple[list[Flag], dict[str, Any]]:
    """Ratios per buyer, procuring entity and tenderer. Cardinal's minimum for buyers and procuring entities
    ("contracting processes") is compared with the number of submitted bids, as its documented output shows."""
    groups: dict[str, dict[str, list[int]]] = {BUYER: {}, PROCURING_ENTITY: {}, TENDERER: {}}
    for f in facts:
        if f.submitted == 0:
            continue
        for group, org in ((BUYER, f.buyer), (PROCURING_ENTITY, f.procuring_entity)):
            if org is not None:
                acc = groups[group].setdefault(org, [0, 0])
                acc[0] += f.disqualified
                acc[1] += f.submitted
        for t, (d, s) in f.tenderers.items():
            acc = groups[TENDERER].setdefault(t, [0, 0])
            acc[0] += d
            acc[1] += s
    flags: list[Flag] = []
    meta: dict[str, Any] = {}
    for group, fractions in groups.items():
        minimum = params.r038_minimum_submitted_bids if group == TENDERER else params.r038_minimum_contracting_processes
        ratios = {org: (d, s) for org, (d, s) in fractions.items() if s >= minimum}
        if not ratios:
            continue
        if params.r038_threshold is not None:
            fences = Fences(None, None, float(params.r038_threshold))
        else:
            q1, q3 = quartiles([d / s for d, s in ratios.values()])
            fences = Fences(q1, q3, q3 + 1.5 * (q3 - q1))
        meta[f"R038_{group}"] = fences.as_dict()
        if fences.fence <= 0:
            continue  # three quarters have no disqualified bid: otherwise they would all be flagged
        for org, (d, s) in sorted(ratios.items()):
            if d / s >= fences.fence:
                evidence = {"disqualified": d, "submitted": s, "upper_fence": round(fences.fence, 6)}
                flags.append(Flag("R038", group, org, d / s, None, evidence))
    return flags, meta


def population(facts: list[Facts], params: Parameters) -> tuple[list[Flag], dict[str, Any]]:
    a, meta_a = r024_r058(facts, params)
    b, meta_b = r038(facts, params)
    return a + b, {**meta_a, **meta_b}


def run(releases: Iterable[Mapping[str, Any]], params: Parameters = DEFAULTS[0].parameters) -> list[Flag]:
    """Cardinal's `indicators` command on a list of releases with one parameter set (used by the tests)."""
    processes = [p for r in releases if (p := process_of(r)) is not None]
    currency = main_currency(processes, params)
    flags = [f for p in processes for f in evaluate(p, params, currency)]
    extra, _ = population([facts_of(p, params, currency) for p in processes], params)
    return flags + extra


def with_overrides(params: Parameters, **values: Any) -> Parameters:
    return replace(params, **values)
