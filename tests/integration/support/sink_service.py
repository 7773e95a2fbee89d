"""A test-only service that counts how often each event was applied: the reliability tests' witness.
It uses the same platform (inbox, retries, dead letters) as every real service."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ic_platform.nameko_platform import PlatformService, ServicePlatform, consume_events
from ic_platform.storage import platform_tables

EVENT_TYPE = "sink.pinged"
BINDINGS = {"sink": [EVENT_TYPE]}

metadata = sa.MetaData()
platform_tables(metadata)
applied = sa.Table(
    "applied", metadata, sa.Column("event_id", sa.Uuid, primary_key=True), sa.Column("n", sa.Integer, nullable=False)
)


def on_ping(event, uow) -> None:  # noqa: ANN001
    # Counts, rather than ignores, a second application: a duplicate must be visible to the test.
    uow.conn.execute(
        pg_insert(applied)
        .values(event_id=event.event_id, n=1)
        .on_conflict_do_update(index_elements=["event_id"], set_={"n": applied.c.n + 1})
    )


class SinkService(PlatformService):
    name = "sink"
    platform = ServicePlatform(event_handlers={EVENT_TYPE: [on_ping]}, extra_bindings=BINDINGS)

    # Not in the public catalogue, so the queue's bindings are named here.
    @consume_events(routing_keys=BINDINGS["sink"])
    def receive_event(self, body):  # noqa: ANN001
        PlatformService.receive_event(self, body)
