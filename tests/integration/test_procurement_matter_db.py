"""One matter application funds one live procurement application, held by the database: a second submission
that passed the service's check (the first not yet committed) trips `procurement_application_one_per_matter`
and is refused as the check refuses it (409, naming the first), not answered with a 500. A throwaway database
of the procurement service, migrated; no stack."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import sqlalchemy as sa

from ic_platform.documents import DocumentRef
from ic_platform.errors import DomainError
from services.procurement.adapters.repository import ApplicationRepository
from tests.integration.support.databases import service_database
from tests.unit.procurement import factories as f

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def engine():
    with service_database("procurement", "ic_pmat", pool_size=None) as engine:
        yield engine


def _from(matter: DocumentRef, n: int):
    app = f.application("30000.00", funded_by_matter=True)
    funding = dataclasses.replace(app.funding, matter=matter)
    return dataclasses.replace(app, id=str(uuid.uuid4()), no=f"CG-2026-90000{n}", funding=funding)


def test_a_second_application_on_one_matter_application_is_refused_by_the_index(engine):
    matter = DocumentRef("matter_application", str(uuid.uuid4()), "SQ-2026-000777")
    first, second = _from(matter, 1), _from(matter, 2)
    with engine.begin() as conn:
        assert ApplicationRepository(conn).add(first)
    with pytest.raises(DomainError) as caught, engine.begin() as conn:
        ApplicationRepository(conn).add(second)  # as if it had passed live_for_matter before the first committed
    error = caught.value
    assert (error.code, error.http_status, error.details["procurement_application_no"]) == (
        "matter_application_already_funds",
        409,
        first.no,
    )
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM procurement_application WHERE matter_application_id = :m"), {"m": matter.id}
        ).scalar()
    assert count == 1
