"""The statements the payment request's risk rules and the project projection run on every payment request, on
a real throwaway risk database (no broker): an invoice's first user is told in one statement, whether ours or
another's; a contract's acceptances are read once and read again after they change; projects merge keeping the
larger one's label, however large (the sizes are counted only up to a cap when that is enough)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ic_platform.documents import DocumentRef
from services.risk.adapters.supervision import _SIZE_CAP
from services.risk.adapters.supervision_orm import risk_project_link, risk_project_node
from services.risk.domain.project import NodeKey
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from tests.integration.support.databases import service_database

pytestmark = pytest.mark.integration
ORG = "xinqiao"


@pytest.fixture(scope="module")
def engine():
    with service_database("risk", "ic_payf") as engine:
        yield engine


def _payment(no: str) -> DocumentRef:
    return DocumentRef("payment_request", str(uuid.uuid4()), no)


def test_an_invoices_first_user_is_ours_then_the_earlier_payments(engine) -> None:  # noqa: ANN001
    first, second = _payment("FK-1"), _payment("FK-2")
    key = {"org": ORG, "supplier_key": "s1", "invoice_key": f"inv-{uuid.uuid4().hex[:6]}", "amount": Decimal("10")}
    with RiskUnitOfWork(engine) as uow:
        mine = uow.payments.use_invoice(*key.values(), first, date(2026, 5, 1))
        uow.commit()
    with RiskUnitOfWork(engine) as uow:
        earlier = uow.payments.use_invoice(*key.values(), second, date(2026, 5, 3))
        again = uow.payments.use_invoice(*key.values(), first, date(2026, 5, 1))
    assert (mine.document, mine.on, mine.amount) == (first, date(2026, 5, 1), Decimal("10"))
    assert (earlier.document, earlier.on) == (first, date(2026, 5, 1))
    assert again.document == first


def test_a_contracts_acceptances_read_once_and_again_after_a_write(engine) -> None:  # noqa: ANN001
    contract = str(uuid.uuid4())
    with RiskUnitOfWork(engine) as uow:
        uow.payments.put_acceptance(contract, 1, "failed", date(2026, 4, 1))
        assert uow.payments.acceptance(contract, 1) == ("failed", date(2026, 4, 1))
        assert uow.payments.acceptance(contract, 0) is None
        uow.payments.put_acceptance(contract, 1, "passed", date(2026, 4, 9))
        uow.payments.put_acceptance(contract, 0, "passed", date(2026, 4, 9))
        assert uow.payments.acceptance(contract, 1) == ("passed", date(2026, 4, 9))
        assert uow.payments.acceptance(contract, 0) == ("passed", date(2026, 4, 9))
        assert uow.payments.acceptances(contract) == {1: ("passed", date(2026, 4, 9))}  # 0 is not a milestone


def _project(conn, label: str, size: int) -> NodeKey:  # noqa: ANN001
    rows = [{"node_type": "x", "node_id": f"{label}-{n}", "org": ORG, "project": label} for n in range(size)]
    conn.execute(sa.insert(risk_project_node), rows)
    return NodeKey("x", f"{label}-0")


@pytest.mark.parametrize(
    ("size_a", "size_b"),
    [(1, 3), (3, 1), (2, 2), (1, _SIZE_CAP + 5), (_SIZE_CAP + 5, 1), (_SIZE_CAP + 1, _SIZE_CAP + 9), (70, 70)],
)
def test_the_smaller_project_takes_the_larger_ones_label(engine, size_a: int, size_b: int) -> None:  # noqa: ANN001
    a, b = f"a{uuid.uuid4().hex[:6]}", f"b{uuid.uuid4().hex[:6]}"
    with RiskUnitOfWork(engine) as uow:
        key_a, key_b = _project(uow.conn, a, size_a), _project(uow.conn, b, size_b)
        kept = uow.projects._join(key_a, key_b)
        labels = uow.conn.execute(
            sa.select(risk_project_node.c.project, sa.func.count())
            .where(risk_project_node.c.project.in_([a, b]))
            .group_by(risk_project_node.c.project)
        ).all()
        assert uow.projects._join(key_a, key_b) == kept  # joined: one project already
    assert kept == (a if size_a > size_b or (size_a == size_b and a < b) else b)
    assert labels == [(kept, size_a + size_b)]


def test_a_merge_relabels_the_smaller_projects_links(engine) -> None:  # noqa: ANN001
    a, b = f"a{uuid.uuid4().hex[:6]}", f"b{uuid.uuid4().hex[:6]}"
    with RiskUnitOfWork(engine) as uow:
        key_a, key_b = _project(uow.conn, a, 3), _project(uow.conn, b, 2)
        link = {"parent_type": "x", "parent_id": f"{b}-0", "child_type": "x", "child_id": f"{b}-1"}
        uow.conn.execute(sa.insert(risk_project_link).values(**link, relation="r", project=b))
        uow.projects._join(key_a, key_b)
        projects = uow.conn.execute(
            sa.select(risk_project_link.c.project).where(risk_project_link.c.parent_id == f"{b}-0")
        ).scalars()
        assert list(projects) == [a]


def test_a_payment_seen_answers_those_seen_before_it_within_the_days(engine) -> None:  # noqa: ANN001
    supplier = f"s{uuid.uuid4().hex[:6]}"
    first, second, third = _payment("FK-1"), _payment("FK-2"), _payment("FK-3")

    def see(document: DocumentRef, on: date, numbers: list[str]) -> list:
        with RiskUnitOfWork(engine) as uow:
            found = uow.payments.see_payment(
                ORG, supplier, Decimal("5"), on, document, numbers, date(2026, 5, 1), date(2026, 5, 31)
            )
            uow.commit()
        return found

    assert see(first, date(2026, 5, 2), ["111"]) == []
    earlier = see(second, date(2026, 5, 9), ["112"])
    assert [(e.document, e.on, e.invoice_numbers) for e in earlier] == [(first, date(2026, 5, 2), ("111",))]
    assert len(see(third, date(2026, 6, 20), ["113"])) == 2  # the window is the caller's: both, not itself
    assert len(see(second, date(2026, 5, 9), ["112"])) == 2  # heard again: recorded once, itself included
