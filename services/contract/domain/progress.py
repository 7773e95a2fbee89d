"""Progress certificates (进度确认) of a contract paid by progress (按进度). Pure: the service layer loads, calls,
stores and publishes.

A milestone on condition `on_progress` carries the percentage of the work that releases it (`progress`). A
certificate records that the work stands at `percent` on `certified_on`, who certified it (the caller) and why
(`remarks`). Rules:
- only a signed contract, being performed, is certified (a completed or terminated one has nothing to
  release; before signing there is no work to certify);
- 0 < percent ≤ 100, and never below the previous certificate (progress does not go back: a certificate that
  got it wrong is corrected by the next one not going lower, never by a lower figure that would un-meet a
  milestone already met, and perhaps paid);
- dated between the signing day (or the previous certificate's day) and today: certificates follow each
  other in time as their percentages do, so "the first certificate reaching 50 %" is well defined;
- the certifier is checked against the contract's named parties with the office's one conflict matrix
  (`services/approval/domain/conflicts.py`): the contract's drafter may not certify its progress (合同拟稿 ×
  进度确认), as the drafter may not accept (合同拟稿 × 验收).

A milestone on progress is met on the day of the first certificate reaching its percentage
(`execution.compute`); the certificate names the milestones it is the first to reach (`milestones_met`), so
their `met_on` is set and the payment gate lets them through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.errors import Forbidden
from services.approval.domain import conflicts
from services.contract.domain import terms
from services.contract.domain.contract import Contract, Status
from services.contract.domain.errors import invalid, refused
from services.contract.domain.execution import Progress

CERTIFIER = "progress_certifier"
HUNDRED = Decimal(100)


def percent_str(value: Decimal) -> str:
    """50 → "50", 33.3333 → "33.3333": the figure as typed, without trailing zeros or an exponent."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class ProgressCertificate:
    id: str
    contract_id: str
    percent: Decimal
    previous_percent: Decimal | None  # the certificate before this one, none for the first
    certified_on: date
    certifier: str
    remarks: str
    milestones_met: tuple[int, ...]  # on_progress milestones this certificate is the first to reach

    @property
    def fact(self) -> Progress:
        """What contract execution counts."""
        return Progress(self.percent, self.certified_on)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "contract_id": self.contract_id,
            "percent": percent_str(self.percent),
            "previous_percent": percent_str(self.previous_percent) if self.previous_percent is not None else None,
            "certified_on": self.certified_on.isoformat(),
            "certifier": self.certifier,
            "remarks": self.remarks,
            "milestones_met": list(self.milestones_met),
        }


def latest(earlier: list[ProgressCertificate]) -> ProgressCertificate | None:
    """The certificate in force: the last by day (then by percent, a same-day pair never going down)."""
    return max(earlier, key=lambda p: (p.certified_on, p.percent), default=None)


def certify(
    contract: Contract,
    id: str,
    *,
    percent: Decimal,
    certified_on: date,
    certifier: str,
    remarks: str,
    earlier: list[ProgressCertificate],
    today: date,
    pairs: tuple[tuple[str, str], ...] = conflicts.INCOMPATIBLE,
) -> ProgressCertificate:
    """Check every rule of a progress certificate and return it; each refusal names its rule."""
    if contract.status is not Status.SIGNED:
        raise refused(
            "progress_contract_not_signed",
            f"合同 {contract.no} 当前状态为 {contract.status.value}",
            status=contract.status.value,
        )
    if not (0 < percent <= HUNDRED):
        raise invalid("progress_percent_invalid", "percent", f"{percent_str(percent)}%")
    before = latest(earlier)
    if before is not None and percent < before.percent:
        raise refused(
            "progress_decreased",
            f"本次 {percent_str(percent)}%，{before.certified_on.isoformat()} 已确认 {percent_str(before.percent)}%",
            percent=percent_str(percent),
            previous_percent=percent_str(before.percent),
            previous_certified_on=before.certified_on.isoformat(),
        )
    _check_date(contract, certified_on, before, today)
    conflict = conflicts.conflict_acting(certifier, CERTIFIER, {"drafter": contract.drafter}, pairs)
    if conflict is not None:
        raise segregation_refusal(conflict, certifier, contract.no)
    reached = before.percent if before is not None else Decimal(0)
    met = tuple(
        m.no
        for m in contract.milestones
        if m.condition is terms.Condition.ON_PROGRESS and m.progress is not None and reached < m.progress <= percent
    )
    return ProgressCertificate(
        id,
        contract.id,
        percent,
        before.percent if before is not None else None,
        certified_on,
        certifier,
        remarks.strip(),
        met,
    )


def _check_date(contract: Contract, on: date, before: ProgressCertificate | None, today: date) -> None:
    floor = contract.signed_on
    if before is not None and (floor is None or before.certified_on > floor):
        floor = before.certified_on
    if on > today or (floor is not None and on < floor):
        signed = contract.signed_on.isoformat() if contract.signed_on else "-"
        previous = f"，上一次确认日期 {before.certified_on.isoformat()}" if before is not None else ""
        raise invalid(
            "progress_date_invalid",
            "certified_on",
            f"确认日期 {on.isoformat()}，签订日期 {signed}{previous}，今天 {today.isoformat()}",
        )


def segregation_refusal(conflict: conflicts.Conflict, person: str, contract_no: str):
    """The conflict matrix's refusal (403, `sod_incompatible_roles`, the pair named as `details.rule`), worded
    for a progress certificate."""
    error = conflicts.refusal(conflict, person, contract_no)
    held = conflicts.ROLE_LABELS.get(conflict.held, conflict.held)
    return Forbidden(
        error.code,
        f"不相容岗位相互分离：{person} 在合同 {contract_no} 中担任{held}，不能确认其履行进度"
        f"（规则：{held}与进度确认分离）",
        {**error.details, "person": person},
    )
