"""Per-unit scorecards (内控评价) from fakes of the projections they read: the figures' definitions, the
reader's scope, and the Excel's title, headers and names."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from ic_platform.context import CallContext
from ic_platform.errors import InvalidInput
from ic_platform.identity import Viewer
from services.risk.service_layer import scorecard

D = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


class _Uow:
    def __init__(self) -> None:
        task = SimpleNamespace
        self.units = SimpleNamespace(names=lambda org: {"dzb": "党政综合办公室", "czb": "财政办公室"})
        self.tasks = SimpleNamespace(
            decided_in=lambda org, start, end: [
                task(unit="dzb", step_name="部门负责人审批", step_no=1, seconds=3600),
                task(unit="dzb", step_name="部门负责人审批", step_no=1, seconds=10800),
                task(unit="dzb", step_name="分管领导审批", step_no=2, seconds=7200),
                task(unit="czb", step_name="部门负责人审批", step_no=1, seconds=60),
            ],
            overdue_per_unit=lambda org, start, end: {"dzb": 2},
        )
        self.sod_refusals = SimpleNamespace(per_unit=lambda org, start, end: {"dzb": 2})
        self.cases = SimpleNamespace(
            raised_per_unit=lambda org, start, end: {"dzb": 3, "czb": 1},
            confirmed_per_unit=lambda org, start, end: {"dzb": 2},
            rectifications_due=lambda org, first, last: [
                SimpleNamespace(responsible_unit="dzb", due_date=date(2026, 11, 10), closed_at=D),
                SimpleNamespace(responsible_unit="dzb", due_date=date(2026, 11, 2), closed_at=D),
                SimpleNamespace(responsible_unit="dzb", due_date=date(2026, 11, 1), closed_at=None),
            ],
        )

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc: object) -> None: ...


def ctx(username: str, unit: str, *roles: str) -> CallContext:
    return CallContext(org="xinqiao", actor=username, viewer=Viewer.of(username, unit, roles))


PERIOD = scorecard.Scorecard.parse({"date_from": "2026-11-01", "date_to": "2026-11-30"})


def test_the_figures_of_a_unit():
    report = scorecard.scorecards(PERIOD, _Uow(), ctx("inspector", "jjb", "inspector"))
    dzb = next(r for r in report["units"] if r["unit"] == "dzb")
    assert dzb["unit_name"] == "党政综合办公室" and dzb["tasks_decided"] == 3
    assert dzb["cycle_hours"] == {"average": "2.00", "median": "2.00", "max": "3.00"}
    assert [(s["step_name"], s["tasks"], s["average"]) for s in dzb["steps"]] == [
        ("部门负责人审批", 2, "2.00"),
        ("分管领导审批", 1, "2.00"),
    ]
    assert (dzb["warnings_raised"], dzb["warnings_confirmed"], dzb["overdue_tasks"]) == (3, 2, 2)
    assert (dzb["rectifications_due"], dzb["rectifications_on_time"], dzb["rectifications_late"]) == (3, 1, 1)
    assert dzb["rectifications_open_overdue"] == 1 and dzb["on_time_rate"] == "33.33"
    assert dzb["sod_refusals"] == 2
    czb = next(r for r in report["units"] if r["unit"] == "czb")
    assert czb["sod_refusals"] == 0


def test_a_clerk_sees_only_their_units_row_and_a_bad_period_is_refused():
    report = scorecard.scorecards(PERIOD, _Uow(), ctx("clerk_czb", "czb", "clerk"))
    assert [r["unit"] for r in report["units"]] == ["czb"]
    asked = scorecard.Scorecard.parse({"date_from": "2026-11-01", "date_to": "2026-11-30", "unit": "dzb"})
    assert scorecard.scorecards(asked, _Uow(), ctx("clerk_czb", "czb", "clerk"))["units"] == []
    backwards = scorecard.Scorecard.parse({"date_from": "2026-11-30", "date_to": "2026-11-01"})
    with pytest.raises(InvalidInput) as refused:
        scorecard.scorecards(backwards, _Uow(), ctx("inspector", "jjb", "inspector"))
    assert refused.value.details["fields"][0]["field"] == "date_from"
    too_long = scorecard.Scorecard.parse(
        {"date_from": "2026-01-01", "date_to": (date(2026, 1, 1) + timedelta(days=400)).isoformat()}
    )
    with pytest.raises(InvalidInput):
        scorecard.scorecards(too_long, _Uow(), ctx("inspector", "jjb", "inspector"))


def test_the_excel_has_a_title_row_with_the_period_chinese_headers_and_names_beside_codes():
    result = scorecard.scorecards_xlsx(PERIOD, _Uow(), ctx("inspector", "jjb", "inspector"))
    book = load_workbook(io.BytesIO(base64.b64decode(result["content_base64"])))
    sheet = book["内控评价"]
    assert sheet.cell(1, 1).value == "内部控制评价 · 单位记分卡（2026-11-01 至 2026-11-30）"
    assert [c.value for c in sheet[2]][:3] == ["单位代码", "单位名称", "办结审批任务数"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, max_row=4, values_only=True)}
    assert rows["dzb"][1] == "党政综合办公室" and rows["dzb"][8] == 2
    assert [c.value for c in book["审批节点用时"][2]][2] == "审批节点" and result["filename"].startswith("内控评价-")
