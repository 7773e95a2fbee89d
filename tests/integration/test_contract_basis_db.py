"""One basis, one contract, held by the database (the partial unique indexes of migration 0006): two
registrations that both passed the domain's check (neither saw the other, uncommitted) cannot both be stored;
the second waits for the first and is refused as the domain refuses it, naming the first. A withdrawn contract
submitted again while another holds its basis is refused the same way; a cancelled one frees it. A throwaway
database of the contract service, migrated; no stack."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from deploy.stack import settings_from
from ic_platform.db import drop_database, ensure_database, migrations_dir
from ic_platform.documents import DocumentRef
from ic_platform.errors import DomainError
from services.contract.adapters.repository import ContractRepository
from services.contract.domain import amendments as amending
from services.contract.domain.contract import Status
from tests.integration.support.databases import service_database
from tests.unit.contract import factories as f

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engine():
    with service_database("contract", "ic_basis", pool_size=None) as engine:
        yield engine


def _award(conn, c) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO award_fact (award_id, org, unit, application, supplier_id, supplier_name, credit_code,"
            " amount, notice_date, method, category, budget_line_id, pre_commitment_holder) VALUES (:id, :org, :unit,"
            " '{\"type\": \"procurement_application\", \"id\": \"a1\"}', :s, 'x', 'x', :amount, :notice, 'open_tender',"
            ' \'goods\', \'L1\', \'{"type": "procurement_application", "id": "a1"}\')'
        ),
        {
            "id": c.basis.award_id,
            "org": c.org,
            "unit": c.unit,
            "s": c.supplier.id,
            "amount": c.amount,
            "notice": f.NOTICE,
        },
    )


def _fresh(basis=None, status=Status.DRAFT):
    c = f.contract("40000.00", basis=basis or dataclasses.replace(f.award("40000.00"), award_id=str(uuid.uuid4())))
    c.id, c.no, c.status = str(uuid.uuid4()), f"HT-2026-{uuid.uuid4().int % 10**6:06d}", status
    return c


def test_the_second_of_two_racing_registrations_waits_and_is_refused_naming_the_first(engine):
    first = _fresh()
    with engine.begin() as conn:
        _award(conn, first)
    second = _fresh(first.basis)
    outcome: dict = {}
    holder = engine.connect()
    tx = holder.begin()
    ContractRepository(holder).add(first)  # stored, not yet committed: the second cannot see it

    def register_second():
        with engine.begin() as conn:
            repo = ContractRepository(conn)
            outcome["seen"] = repo.holding_basis(second.basis)  # the domain's check sees nothing
            try:
                repo.add(second)
            except DomainError as error:
                outcome["error"] = error

    racer = threading.Thread(target=register_second)
    racer.start()
    racer.join(timeout=1.0)
    assert racer.is_alive(), "the second registration waits on the first one's index entry"
    tx.commit()
    holder.close()
    racer.join(timeout=10)
    error = outcome["error"]
    assert outcome["seen"] is None
    assert (error.code, error.details["contract_no"]) == ("basis_already_contracted", first.no)
    with engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("SELECT count(*) FROM contract WHERE award_id = :a"), {"a": first.basis.award_id}
            ).scalar()
            == 1
        )


def test_a_matter_application_carries_one_live_contract_and_a_cancelled_one_frees_it(engine):
    basis = dataclasses.replace(
        f.matter("40000.00"), document=DocumentRef("matter_application", str(uuid.uuid4()), "SQ-1")
    )
    first, second = _fresh(basis), _fresh(basis)
    with engine.begin() as conn:
        ContractRepository(conn).add(first)
    with pytest.raises(DomainError) as caught, engine.begin() as conn:
        ContractRepository(conn).add(second)
    assert caught.value.code == "basis_already_contracted"
    first.status = Status.CANCELLED
    with engine.begin() as conn:
        ContractRepository(conn).save(first)
        ContractRepository(conn).add(second)
        assert ContractRepository(conn).holding_basis(basis).contract_id == second.id


def test_a_withdrawn_contract_claiming_its_basis_again_is_refused_by_the_index_too(engine):
    withdrawn = _fresh(status=Status.WITHDRAWN)
    with engine.begin() as conn:
        _award(conn, withdrawn)
        ContractRepository(conn).add(withdrawn)
        ContractRepository(conn).add(_fresh(withdrawn.basis))  # a withdrawn one holds nothing
    withdrawn.status = Status.SUBMITTED
    with pytest.raises(DomainError) as caught, engine.begin() as conn:
        ContractRepository(conn).save(withdrawn, claims_basis=True)
    assert caught.value.code == "basis_already_contracted"
    with engine.connect() as conn:
        assert ContractRepository(conn).get(withdrawn.id).status is Status.WITHDRAWN


def test_the_upgrade_stops_naming_two_live_contracts_already_on_one_basis():
    """A database that already carries two live contracts on one award cannot take the index: 0006 says which."""
    cfg = settings_from({"IC_DB_PREFIX": f"ic_basis{uuid.uuid4().hex[:8]}"})
    url = cfg.database_url("contract")
    ensure_database(url)
    alembic = Config()
    alembic.set_main_option("script_location", str(migrations_dir("contract")))
    alembic.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    alembic.attributes["service"] = "contract"
    eng = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        command.upgrade(alembic, "0005_payreq")
        award = str(uuid.uuid4())
        with eng.begin() as conn:
            for no, status in (
                ("HT-2026-000001", "signed"),
                ("HT-2026-000002", "draft"),
                ("HT-2026-000003", "rejected"),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO contract (id, no, org, unit, title, award_id, supplier_id, supplier_name,"
                        " original_amount, amount, start_date, end_date, milestones, drafter, purchaser, status)"
                        " VALUES (:id, :no, 'o', 'dzb', 't', :award, 's', 's', 1, 1, '2026-01-01', '2026-12-31', '[]',"
                        " 'clerk', 'buyer', :status)"
                    ),
                    {"id": str(uuid.uuid4()), "no": no, "award": award, "status": status},
                )
        with pytest.raises(RuntimeError, match="HT-2026-000001, HT-2026-000002$"):
            command.upgrade(alembic, "head")
    finally:
        eng.dispose()
        drop_database(url)


def test_an_award_claimed_by_an_amendment_makes_a_racing_draft_wait_and_see_it(engine):
    """The unique indexes cannot see across an amendment and a contract: the advisory lock per basis makes a
    draft on the award wait until the amendment that claimed it commits, then the draft's check sees it."""
    amended = _fresh(status=Status.SIGNED)
    new_award = dataclasses.replace(f.award("40000.00"), award_id=str(uuid.uuid4()))
    with engine.begin() as conn:
        _award(conn, amended)
        _award(conn, _fresh(new_award))  # the award row only (the contract object is not stored)
        ContractRepository(conn).add(amended)
    holder = engine.connect()
    tx = holder.begin()
    repo = ContractRepository(holder)
    assert repo.holding_basis(new_award) is None
    amendment = amending.propose(
        amended,
        str(uuid.uuid4()),
        "BG-2026-000001",
        "追加",
        f.NOTICE,
        f.POLICY,
        amount=D("50000.00"),
        new_award=new_award,
        new_award_taken_by=None,
    )
    repo.add_amendment(amendment, "clerk")
    outcome: dict = {}

    def draft_on_the_award():
        with engine.begin() as conn:
            outcome["seen"] = ContractRepository(conn).holding_basis(new_award)

    racer = threading.Thread(target=draft_on_the_award)
    racer.start()
    racer.join(timeout=1.0)
    assert racer.is_alive(), "the draft's check waits for the amendment's claim"
    tx.commit()
    holder.close()
    racer.join(timeout=10)
    seen = outcome["seen"]
    assert (seen.how, seen.contract_id, seen.amendment_no) == ("amendment", amended.id, "BG-2026-000001")
