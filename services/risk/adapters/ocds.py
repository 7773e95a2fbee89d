"""OCDS storage (adapters/ocds_tables.py): processes in bulk, flags, keys, parameters. Releases are stored from
their JSON text (CAST AS jsonb), so amounts keep their digits and nothing is converted twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.risk.adapters.ocds_tables import (
    cardinal_parameters,
    ocds_flag,
    ocds_import,
    ocds_own_key,
    ocds_process,
    ocds_supplier_award,
    ocds_supplier_name,
)
from services.risk.domain.cardinal import Flag, Parameters, ParameterVersion
from services.risk.domain.ocds import dumps

P, F = ocds_process.c, ocds_flag.c


def _any(values: Iterable[str]) -> Any:
    """`= ANY(:array)`: one parameter however many values (an import names thousands of processes)."""
    return sa.any_(sa.literal(list(values), type_=ARRAY(sa.Text)))


_UPSERT_PROCESS = sa.text(
    """
    INSERT INTO ocds_process (org, ocid, source, import_id, unit, date, buyer_id, buyer_name, title, method,
        method_details, tender_start, tender_end, tender_amount, currency, number_of_tenderers, award_total,
        contract_total, paid_total, suppliers, facts, release, state, updated_at)
    VALUES (:org, :ocid, :source, :import_id, :unit, :date, :buyer_id, :buyer_name, :title, :method,
        :method_details, :tender_start, :tender_end, :tender_amount, :currency, :number_of_tenderers, :award_total,
        :contract_total, :paid_total, CAST(:suppliers AS jsonb), CAST(:facts AS jsonb), CAST(:release AS jsonb),
        CAST(:state AS jsonb), now())
    ON CONFLICT (org, ocid) DO UPDATE SET source = EXCLUDED.source, import_id = EXCLUDED.import_id,
        unit = EXCLUDED.unit, date = EXCLUDED.date, buyer_id = EXCLUDED.buyer_id, buyer_name = EXCLUDED.buyer_name,
        title = EXCLUDED.title, method = EXCLUDED.method, method_details = EXCLUDED.method_details,
        tender_start = EXCLUDED.tender_start, tender_end = EXCLUDED.tender_end,
        tender_amount = EXCLUDED.tender_amount, currency = EXCLUDED.currency,
        number_of_tenderers = EXCLUDED.number_of_tenderers, award_total = EXCLUDED.award_total,
        contract_total = EXCLUDED.contract_total, paid_total = EXCLUDED.paid_total, suppliers = EXCLUDED.suppliers,
        facts = EXCLUDED.facts, release = EXCLUDED.release, state = EXCLUDED.state, updated_at = now()
    """
)
_INSERT_FLAG = sa.text(
    """
    INSERT INTO ocds_flag (org, ocid, source, kind, indicator, grp, subject, value, evidence, import_id)
    VALUES (:org, :ocid, :source, :kind, :indicator, :grp, :subject, :value, CAST(:evidence AS jsonb), :import_id)
    """
)
_UPSERT_SUPPLIER_AWARD = sa.text(
    """
    INSERT INTO ocds_supplier_award (org, ocid, supplier_id, supplier_name, amount, currency)
    VALUES (:org, :ocid, :supplier_id, :supplier_name, :amount, :currency)
    ON CONFLICT (org, ocid, supplier_id) DO UPDATE SET supplier_name = EXCLUDED.supplier_name,
        amount = EXCLUDED.amount, currency = EXCLUDED.currency
    """
)


def flag_row(org: str, source: str, kind: str, flag: Flag, import_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "org": org,
        "ocid": flag.ocid,
        "source": source,
        "kind": kind,
        "indicator": flag.indicator,
        "grp": flag.group,
        "subject": flag.subject,
        "value": flag.value,
        "evidence": dumps(dict(flag.evidence)),
        "import_id": import_id,
    }


class OcdsRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # ── imports ──
    def add_import(self, org: str, import_id: uuid.UUID, **values: Any) -> None:
        self.conn.execute(sa.insert(ocds_import).values(id=import_id, org=org, **values))

    def get_import(self, org: str, import_id: uuid.UUID) -> dict[str, Any] | None:
        row = (
            self.conn.execute(sa.select(ocds_import).where(ocds_import.c.org == org, ocds_import.c.id == import_id))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    # ── processes ──
    def upsert_processes(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(_UPSERT_PROCESS, rows)

    def replace_supplier_awards(self, org: str, ocids: list[str], rows: list[dict[str, Any]]) -> None:
        if ocids:
            self.conn.execute(
                sa.delete(ocds_supplier_award).where(
                    ocds_supplier_award.c.org == org, ocds_supplier_award.c.ocid == _any(ocids)
                )
            )
        if rows:
            self.conn.execute(_UPSERT_SUPPLIER_AWARD, rows)

    def own_state(self, org: str, ocid: str) -> dict[str, Any] | None:
        """The own process's state, locked until commit (two events of one process fold one after the other)."""
        row = self.conn.execute(
            sa.select(P.state).where(P.org == org, P.ocid == ocid, P.source == "own").with_for_update()
        ).first()
        return dict(row.state) if row and row.state is not None else None

    def facts(self, org: str) -> list[dict[str, Any]]:
        return [r.facts for r in self.conn.execute(sa.select(P.facts).where(P.org == org, P.facts.is_not(None)))]

    def own_releases(
        self, org: str, date_from: datetime | None, date_to: datetime | None, units: frozenset[str] | None
    ) -> list[str]:
        """The own processes' releases as JSON text, oldest first (units None: every unit)."""
        q = sa.select(sa.cast(P.release, sa.Text)).where(P.org == org, P.source == "own")
        if date_from is not None:
            q = q.where(P.date >= date_from)
        if date_to is not None:
            q = q.where(P.date < date_to)
        if units is not None:
            q = q.where(P.unit == _any(sorted(units)))
        return [r[0] for r in self.conn.execute(q.order_by(P.date, P.ocid))]

    # ── flags ──
    def replace_process_flags(
        self, org: str, ocids: list[str], source: str, flags: Iterable[Flag], import_id: uuid.UUID | None
    ) -> int:
        if ocids:
            self.conn.execute(sa.delete(ocds_flag).where(F.org == org, F.kind == "process", F.ocid == _any(ocids)))
        rows = [flag_row(org, source, "process", f, import_id) for f in flags]
        if rows:
            self.conn.execute(_INSERT_FLAG, rows)
        return len(rows)

    def replace_population_flags(self, org: str, flags: Iterable[Flag], sources: Mapping[str, str]) -> int:
        self.conn.execute(sa.delete(ocds_flag).where(F.org == org, F.kind == "population"))
        # A flag about an organisation (R038) was judged over every process: source "all".
        rows = [flag_row(org, sources.get(f.ocid or "", "all"), "population", f, None) for f in flags]
        if rows:
            self.conn.execute(_INSERT_FLAG, rows)
        return len(rows)

    def sources(self, org: str) -> dict[str, str]:
        return {r.ocid: r.source for r in self.conn.execute(sa.select(P.ocid, P.source).where(P.org == org))}

    def flags(
        self, org: str, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
        where = [F.org == org]
        if filters.get("import_id") is not None:
            # An import's flags: those its processes raised, and the population's outliers among its processes.
            of_import = sa.select(P.ocid).where(P.org == org, P.import_id == filters["import_id"])
            where.append(sa.or_(F.import_id == filters["import_id"], F.ocid.in_(of_import)))
        for name, column in (("indicator", F.indicator), ("group", F.grp), ("source", F.source), ("ocid", F.ocid)):
            if filters.get(name) is not None:
                where.append(column == filters[name])
        total = self.conn.execute(sa.select(sa.func.count()).select_from(ocds_flag).where(*where)).scalar_one()
        counts = dict(
            self.conn.execute(sa.select(F.indicator, sa.func.count()).where(*where).group_by(F.indicator)).all()
        )
        rows = (
            self.conn.execute(
                sa.select(
                    F.id, F.ocid, F.source, F.kind, F.indicator, F.grp, F.subject, F.value, F.evidence, F.raised_at
                )
                .where(*where)
                .order_by(F.indicator, F.id)
                .limit(limit)
                .offset(offset)
            )
            .mappings()
            .all()
        )
        return [dict(r) for r in rows], total, counts

    # ── own keys and supplier names ──
    def remember_key(self, org: str, kind: str, key: str, ocid: str) -> None:
        self.conn.execute(
            pg_insert(ocds_own_key).values(kind=kind, key=key, org=org, ocid=ocid).on_conflict_do_nothing()
        )

    def ocid_for(self, org: str, kind: str, key: str) -> str | None:
        return self.conn.execute(
            sa.select(ocds_own_key.c.ocid).where(
                ocds_own_key.c.kind == kind, ocds_own_key.c.key == key, ocds_own_key.c.org == org
            )
        ).scalar_one_or_none()

    def name_supplier(self, org: str, supplier_id: str, name: str, credit_code: str | None) -> None:
        insert = pg_insert(ocds_supplier_name).values(
            supplier_id=supplier_id, org=org, name=name, credit_code=credit_code
        )
        self.conn.execute(
            insert.on_conflict_do_update(
                index_elements=[ocds_supplier_name.c.supplier_id],
                set_={"name": insert.excluded.name, "credit_code": insert.excluded.credit_code},
            )
        )

    def supplier_names(self, org: str, ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        rows = self.conn.execute(
            sa.select(ocds_supplier_name.c.supplier_id, ocds_supplier_name.c.name).where(
                ocds_supplier_name.c.org == org, ocds_supplier_name.c.supplier_id == _any(ids)
            )
        )
        return {r.supplier_id: r.name for r in rows}

    # ── parameters ──
    def parameter_versions(self, org: str) -> list[ParameterVersion]:
        rows = self.conn.execute(
            sa.select(cardinal_parameters).where(cardinal_parameters.c.org == org).order_by("effective_from")
        )
        return [ParameterVersion(r.effective_from, Parameters.from_dict(r.parameters), r.source) for r in rows]

    def set_parameters(self, org: str, effective_from: date, params: Parameters, source: str, by: str | None) -> None:
        insert = pg_insert(cardinal_parameters).values(
            org=org, effective_from=effective_from, parameters=params.as_dict(), source=source, set_by=by
        )
        self.conn.execute(
            insert.on_conflict_do_update(
                index_elements=[cardinal_parameters.c.org, cardinal_parameters.c.effective_from],
                set_={"parameters": insert.excluded.parameters, "source": insert.excluded.source, "set_by": by},
            )
        )
