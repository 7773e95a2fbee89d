"""A risk database with years of event history, written straight into it in a few statements (through the
broker 100,000 events would take most of an hour): synthetic projects of one unit, each the chain the project
dossier follows (matter application → procurement application → award → contract → acceptance → payment).

One project's ten events are built here as their producers publish them (valid against the event catalogue,
and filed as the dossier files them: services/risk/domain/model.dossier_entry), with placeholders where a
project's ids, amount, supplier and dates go; PostgreSQL then writes project after project from that template
(generate_series, the placeholders replaced). Beside the stored events, the facts the payment rules keep by key
from the same events (contracts and what was paid on them, acceptances, invoices and payments seen, the unit's
months, each document's owner and assessment) are written the same way, so a payment judged later meets the
history a live risk service would have kept. The project projection is not written (the replay builds it),
nor the dossier's links between documents, nor the split rules' parts (the payment measured reads neither)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from ic_platform import catalogue
from ic_platform.envelope import Envelope
from services.risk.domain.model import dossier_entry

ORG, UNIT, LINE = "xinqiao", "dzb", "2026-DZB-30201-01"
SPAN_DAYS = 360  # the projects' starts spread over a year, the newest started 50 days ago
SUPPLIERS = 50
SCRAMBLE = 7919  # a prime: project g starts at slot (g * SCRAMBLE) % projects, so any first n spread over the year

# Placeholders: the project's number (12 digits in ids, 6 in document numbers), its supplier's number, its
# amount (as the payload and as the summary write it), and its documents' dates.
G, N, S, AMOUNT, AMOUNT_SHOWN = "@@@@@@@@@@@@", "^^^^^^", "&&&&&&&&&&&&", "98765.43", "98,765.43"
DATES = {  # placeholder → days after the project's start
    "1999-01-01": 10,  # award decided, notice
    "1999-01-02": 13,  # contract starts, is signed
    "1999-01-03": 200,  # contract ends
    "1999-01-04": 40,  # accepted
    "1999-01-05": 45,  # paid
}
OFFSETS = {  # event → days after the project's start
    "payment.matter_application_submitted": 0,
    "payment.matter_application_approved": 0.2,
    "procurement.application_submitted": 1,
    "procurement.application_approved": 2,
    "procurement.award_decided": 10,
    "contract.drafted": 12,
    "contract.signed": 13,
    "contract.acceptance_recorded": 40,
    "payment.payment_requested": 41,
    "payment.payment_executed": 45,
}


def uid(n: int, g: str = G) -> str:
    """The id of a project's n-th document: uuid-shaped, the project's number in its last group."""
    return f"{n:08x}-be00-4000-8000-{g}"


def supplier_id(s: str = S) -> str:
    return uid(0xFF, s)


def _template() -> list[tuple[str, str, dict[str, Any]]]:
    """One project's events: (type, subject, payload), with the placeholders in them."""
    sq = {"type": "matter_application", "id": uid(1), "no": f"SQ-2025-{N}"}
    cg = {"type": "procurement_application", "id": uid(2), "no": f"CG-2025-{N}"}
    ht = {"type": "contract", "id": uid(4), "no": f"HT-2025-{N}"}
    fk = {"type": "payment_request", "id": uid(6), "no": f"FK-2025-{N}"}
    award, acceptance = uid(3), uid(5)
    supplier = supplier_id()
    name, code = f"压测供应商{S}", f"91{S}XXXX"
    payee = {"name": name, "credit_code": code, "account_no": f"6222{S}"}
    invoices = [{"key": f"26440000{G}", "number": f"26440000{G}", "amount": AMOUNT}]
    basis = {"type": "contract_milestone", "id": ht["id"], "no": ht["no"]}
    request = {"unit": UNIT, "applicant": "clerk", "amount": AMOUNT}
    milestone = {
        "no": 1,
        "name": "验收款",
        "condition": "on_acceptance",
        "amount": AMOUNT,
        "share": "100",
        "progress": None,
        "planned_date": None,
        "payment_days": 30,
    }
    return [
        (
            "payment.matter_application_submitted",
            f"matter_application/{sq['id']}",
            {**request, "document": sq, "title": "办公设备购置", "budget_line_id": LINE, "economic_class": "30201"},
        ),
        ("payment.matter_application_approved", f"matter_application/{sq['id']}", {"document": sq}),
        (
            "procurement.application_submitted",
            f"procurement_application/{cg['id']}",
            {
                **request,
                "document": cg,
                "title": "办公设备采购",
                "category": "goods",
                "method": "request_for_quotation",
                "form": "decentralised",
                "extra_approval": False,
                "requirement": {},
                "funding": {
                    "source": "matter_application",
                    "budget_line_id": LINE,
                    "matter_application": sq,
                    "reserve": AMOUNT,
                    "taken_over": AMOUNT,
                    "left_with_matter": "0.00",
                },
                "round": 1,
            },
        ),
        ("procurement.application_approved", f"procurement_application/{cg['id']}", {"document": cg, "amount": AMOUNT}),
        (
            "procurement.award_decided",
            f"procurement_application/{cg['id']}",
            {
                "document": cg,
                "award_id": award,
                "unit": UNIT,
                "supplier_id": supplier,
                "supplier_name": name,
                "credit_code": code,
                "amount": AMOUNT,
                "budget_amount": AMOUNT,
                "method": "request_for_quotation",
                "category": "goods",
                "decided_on": "1999-01-01",
                "notice_date": "1999-01-01",
                "tender_id": None,
                "justification": None,
                "flags": [],
                "budget_line_id": LINE,
                "pre_commitment_holder": cg,
            },
        ),
        (
            "contract.drafted",
            f"contract/{ht['id']}",
            {
                "document": ht,
                "unit": UNIT,
                "title": "办公设备采购合同",
                "basis": {"type": "award", "award_id": award, "application": cg, "method": "request_for_quotation"},
                "supplier_id": supplier,
                "amount": AMOUNT,
                "start_date": "1999-01-02",
                "end_date": "1999-01-03",
                "milestones": [milestone],
                "retention": "0.00",
                "warranty_end": None,
                "parties": {"drafter": "clerk", "purchaser": "clerk"},
            },
        ),
        (
            "contract.signed",
            f"contract/{ht['id']}",
            {
                "document": ht,
                "unit": UNIT,
                "supplier_id": supplier,
                "amount": AMOUNT,
                "signed_on": "1999-01-02",
                "award_id": award,
                "award_notice_date": "1999-01-01",
                "days_after_award": 3,
                "budget": {"budget_line_id": LINE, "commit": AMOUNT, "from_document": cg, "release": "0.00"},
                "flags": [],
            },
        ),
        (
            "contract.acceptance_recorded",
            f"contract/{ht['id']}",
            {
                "acceptance_id": acceptance,
                "contract_id": ht["id"],
                "contract_no": ht["no"],
                "unit": UNIT,
                "milestone_no": 1,
                "result": "passed",
                "accepted_on": "1999-01-04",
                "amount": AMOUNT,
                "supplier_id": supplier,
                "budget_line_id": LINE,
                "members": ["clerk_czb"],
                "acceptor": "head",
            },
        ),
        (
            "payment.payment_requested",
            f"payment_request/{fk['id']}",
            {
                **request,
                "document": fk,
                "title": "办公设备采购合同验收款",
                "payment_id": fk["id"],
                "no": fk["no"],
                "budget_line_id": LINE,
                "basis": basis,
                "contract_id": ht["id"],
                "milestone_no": 1,
                "supplier_id": supplier,
                "payee": payee,
                "invoices": invoices,
            },
        ),
        (
            "payment.payment_executed",
            f"payment_request/{fk['id']}",
            {
                "payment_id": fk["id"],
                "no": fk["no"],
                "unit": UNIT,
                "budget_line_id": LINE,
                "fiscal_year": 2026,
                "economic_class": "30201",
                "amount": AMOUNT,
                "basis": basis,
                "contract_id": ht["id"],
                "milestone_no": 1,
                "supplier_id": supplier,
                "payee": payee,
                "invoices": invoices,
                "executed_on": "1999-01-05",
                "reference": f"BANK-{G}",
                "executor": "cashier",
                "approvers": ["head_czb"],
            },
        ),
    ]


def _events() -> list[Envelope]:
    at = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    return [
        Envelope(
            type=type_,
            payload=payload,
            org=ORG,
            producer=type_.split(".")[0],
            actor="clerk",
            subject=subject,
            correlation_id=f"bench-{G}-{subject.split('/')[0]}",
            event_id="00000000-0000-4000-8000-000000000000",
            occurred_at=(at + timedelta(days=OFFSETS[type_])).isoformat(),
        )
        for type_, subject, payload in _template()
    ]


def _rendered(text: str) -> str:
    """The template as project 1 would have it: what the catalogue validates."""
    text = text.replace(G, "0" * 11 + "1").replace(N, "000001").replace(S, "0" * 11 + "1")
    for placeholder, days in DATES.items():
        text = text.replace(placeholder, (datetime(2026, 1, 5) + timedelta(days=days)).date().isoformat())
    return text


@dataclass(frozen=True)
class Template:
    """The filed rows of one project, as column arrays for unnest()."""

    columns: dict[str, list[Any]]

    @classmethod
    def build(cls) -> Template:
        columns: dict[str, list[Any]] = {
            k: []
            for k in ("k", "type", "subject", "document_type", "document_id", "document_no", "producer")
            + ("correlation_id", "summary", "payload", "offset_s")
        }
        for k, event in enumerate(_events()):
            catalogue.validate(json.loads(_rendered(json.dumps(event.as_dict(), ensure_ascii=False))))
            entry = dossier_entry(event)
            assert entry is not None, event.type
            row = {
                "k": k,
                "type": event.type,
                "subject": event.subject,
                "document_type": entry.document.type,
                "document_id": entry.document.id,
                "document_no": entry.document.no,
                "producer": entry.producer,
                "correlation_id": entry.correlation_id,
                "summary": entry.summary,
                "payload": json.dumps(entry.payload, ensure_ascii=False),
                "offset_s": int(OFFSETS[event.type] * 86400),
            }
            for name, value in row.items():
                columns[name].append(value)
        return cls(columns)


def _start(projects: int) -> str:
    """Project g's start: a slot of the year (scrambled), the newest 50 days ago."""
    step = SPAN_DAYS * 86400 // projects
    return (
        f"(now() - interval '{SPAN_DAYS + 50} days' + ((g::bigint * {SCRAMBLE}) %% {projects}) * interval '{step} s')"
    )


def _replaced(column: str, projects: int) -> str:
    """The SQL that puts project g's values in place of a template column's placeholders."""
    expr = column
    expr = f"replace({expr}, '{G}', lpad(g::text, 12, '0'))"
    expr = f"replace({expr}, '{N}', lpad(g::text, 6, '0'))"
    expr = f"replace({expr}, '{S}', lpad((g %% {SUPPLIERS})::text, 12, '0'))"
    expr = f"replace({expr}, '{AMOUNT}', {amount_sql()}::text)"
    expr = f"replace({expr}, '{AMOUNT_SHOWN}', to_char({amount_sql()}, 'FM999,999,990.00'))"  # in summaries
    for placeholder, days in DATES.items():
        day = f"(({_start(projects)} + interval '{days} days') AT TIME ZONE 'Asia/Shanghai')::date::text"
        expr = f"replace({expr}, '{placeholder}', {day})"
    return expr


def amount_sql(g: str = "g") -> str:
    return f"(5000 + ({g}::bigint * 7331) %% 95000 + ({g} %% 100) / 100.0)::numeric(18, 2)"


def _entries_sql(projects: int) -> str:
    r = lambda c: _replaced(f"t.{c}", projects)  # noqa: E731
    return f"""
INSERT INTO dossier_entry (event_id, org, subject, document_type, document_id, document_no, type, occurred_at,
                           actor, producer, correlation_id, summary, payload)
SELECT md5('bench-event-' || g || '-' || t.k)::uuid, '{ORG}', {r("subject")}, t.document_type, {r("document_id")},
       {r("document_no")}, t.type, {_start(projects)} + t.offset_s * interval '1 s', 'clerk', t.producer,
       {r("correlation_id")}, {r("summary")}, {r("payload")}::jsonb
FROM generate_series(%(first)s::int, %(last)s::int) g,
     unnest(%(k)s::int[], %(type)s::text[], %(subject)s::text[], %(document_type)s::text[], %(document_id)s::text[],
            %(document_no)s::text[], %(producer)s::text[], %(correlation_id)s::text[], %(summary)s::text[],
            %(payload)s::text[], %(offset_s)s::int[])
     AS t (k, type, subject, document_type, document_id, document_no, producer, correlation_id, summary, payload,
           offset_s)
"""


def _facts_sql(projects: int) -> list[str]:
    """What the payment rules, the assessment and the desk keep of the same events, by key (the handlers'
    upserts in services/risk/adapters/payments.py, written for many projects at once)."""
    g12, n6 = "lpad(g::text, 12, '0')", "lpad(g::text, 6, '0')"
    uid_ = lambda n: f"'{n:08x}-be00-4000-8000-' || {g12}"  # noqa: E731
    supplier = f"'{0xFF:08x}-be00-4000-8000-' || lpad((g %% {SUPPLIERS})::text, 12, '0')"
    day = lambda days: f"(({_start(projects)} + interval '{days} days') AT TIME ZONE 'Asia/Shanghai')::date"  # noqa: E731
    amount = amount_sql()
    series = "FROM generate_series(%(first)s::int, %(last)s::int) g"
    return [
        f"""INSERT INTO risk_application_amount (application_id, org, document_no, amount)
            SELECT {uid_(1)}, '{ORG}', 'SQ-2025-' || {n6}, {amount} {series}""",
        f"""INSERT INTO risk_pay_contract (contract_id, org, document_no, unit, supplier_id, amount, original_amount,
                                           signed_on, start_date, end_date, milestones, paid)
            SELECT {uid_(4)}, '{ORG}', 'HT-2025-' || {n6}, '{UNIT}', {supplier}, {amount}, {amount}, {day(13)},
                   {day(13)}, {day(200)},
                   jsonb_build_object('1', jsonb_build_object('condition', 'on_acceptance', 'planned_date', null,
                                                              'amount', {amount}::text)),
                   {amount} {series}""",
        f"""INSERT INTO risk_pay_acceptance (contract_id, milestone_no, result, accepted_on)
            SELECT {uid_(4)}, m, 'passed', {day(40)} {series}, (VALUES (0), (1)) AS ms (m)""",
        f"""INSERT INTO risk_invoice_use (org, supplier_key, invoice_key, amount, document_type, document_id,
                                          document_no, "on")
            SELECT '{ORG}', {supplier}, '26440000' || {g12}, {amount}, 'payment_request', {uid_(6)}, 'FK-2025-' || {n6},
                   {day(41)} {series}""",
        f"""INSERT INTO risk_payment_seen (org, supplier_key, amount, "on", document_id, document_type, document_no,
                                           invoice_numbers)
            SELECT '{ORG}', {supplier}, {amount}, {day(41)}, {uid_(6)}, 'payment_request', 'FK-2025-' || {n6},
                   jsonb_build_array('26440000' || {g12}) {series}""",
        f"""INSERT INTO risk_once (purpose, key)
            SELECT p, {uid_(6)} {series}, (VALUES ('payments:executed'), ('behaviour:executed')) AS ps (p)""",
        f"""INSERT INTO risk_unit_month (org, unit, year, month, total, count)
            SELECT '{ORG}', '{UNIT}', extract(year FROM {day(45)}), extract(month FROM {day(45)}), sum({amount}),
                   count(*) {series} GROUP BY 3, 4
            ON CONFLICT (org, unit, year, month)
            DO UPDATE SET total = risk_unit_month.total + excluded.total,
                          count = risk_unit_month.count + excluded.count""",
        f"""INSERT INTO desk_document (document_type, document_id, org, unit, initiator)
            SELECT d.type, lpad(to_hex(d.n), 8, '0') || '-be00-4000-8000-' || {g12}, '{ORG}', '{UNIT}', 'clerk'
            {series}, (VALUES ('matter_application', 1), ('procurement_application', 2), ('payment_request', 6))
                      AS d (type, n)""",
        f"""INSERT INTO risk_assessment (submission_event_id, submission_type, org, document_type, document_id, rules,
                                         assessed_at)
            SELECT md5('bench-event-' || g || '-' || d.k)::uuid, d.type, '{ORG}', d.doc,
                   lpad(to_hex(d.n), 8, '0') || '-be00-4000-8000-' || {g12}, '[]', now() {series},
                   (VALUES (0, 'payment.matter_application_submitted', 'matter_application', 1),
                           (2, 'procurement.application_submitted', 'procurement_application', 2),
                           (8, 'payment.payment_requested', 'payment_request', 6)) AS d (k, type, doc, n)""",
    ]


def seed(dsn: str, first: int, last: int, projects: int) -> int:
    """Projects first..last of a history of `projects` (their starts spread over the year as if all were
    there): their events filed on the dossier, and the facts the rules keep of them. Returns events written."""
    template = Template.build()
    args = {"first": first, "last": last, **template.columns}
    with psycopg.connect(dsn) as conn:
        written = conn.execute(_entries_sql(projects), args).rowcount
        for sql in _facts_sql(projects):
            conn.execute(sql, {"first": first, "last": last})
        for table in ("dossier_entry", "risk_pay_contract", "risk_payment_seen", "risk_invoice_use", "desk_document"):
            conn.execute(f"ANALYZE {table}")
    return written


def contract_of(g: int) -> dict[str, str]:
    """Project g's contract, paid in full in the history (a further payment on it is beyond the contract)."""
    return {
        "type": "contract",
        "id": uid(4, f"{g:012d}"),
        "no": f"HT-2025-{g:06d}",
        "supplier_id": supplier_id(f"{g % SUPPLIERS:012d}"),
    }
