"""one hash chain per document, sealed in Merkle roots

The trail was one office-wide chain (seq = position in it, one head row 'approval'). Now each document has its
own chain (seq = position in the document's chain; a head row per document), and `id` keeps the office-wide
order of appending. Existing entries are first verified as the old chain (the migration refuses to touch a
broken trail), then re-chained per document in their original order; their heads are sealed by the service's
first seal. The old chain's anchor file (`<db>.anchors.jsonl`) is left as it was.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION audit_trail_append_only()",
    "CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "audit_trail_seal",
        sa.Column("seal_no", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("leaves", sa.Integer(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seal_no"),
    )
    op.create_table(
        "audit_trail_seal_leaf",
        sa.Column("seal_no", sa.BigInteger(), nullable=False),
        sa.Column("chain", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seal_no", "chain"),
    )
    op.create_index("audit_trail_seal_leaf_by_chain", "audit_trail_seal_leaf", ["chain", "seal_no"], unique=False)
    for table in ("audit_trail_seal", "audit_trail_seal_leaf"):
        for statement in APPEND_ONLY:
            op.execute(statement.format(table=table))

    op.execute("ALTER TABLE audit_trail DISABLE TRIGGER audit_trail_append_only")
    op.add_column("audit_trail", sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False))
    op.execute("UPDATE audit_trail SET id = seq")
    op.execute(
        "SELECT setval(pg_get_serial_sequence('audit_trail', 'id'), coalesce(max(id), 0) + 1, false) FROM audit_trail"
    )
    op.drop_constraint("audit_trail_pkey", "audit_trail", type_="primary")
    op.create_primary_key("audit_trail_pkey", "audit_trail", ["id"])
    op.drop_index("audit_trail_by_document", table_name="audit_trail")
    op.add_column("audit_trail_head", sa.Column("sealed_seq", sa.BigInteger(), server_default="0", nullable=False))
    _rechain(op.get_bind())
    op.create_index("audit_trail_by_document", "audit_trail", ["document_type", "document_id", "seq"], unique=True)
    op.create_index(
        "audit_trail_head_unsealed",
        "audit_trail_head",
        ["chain"],
        unique=False,
        postgresql_where=sa.text("seq > sealed_seq"),
    )
    op.execute("ALTER TABLE audit_trail ENABLE TRIGGER audit_trail_append_only")


def _rechain(conn) -> None:  # noqa: ANN001
    from services.approval.domain.trail import GENESIS, HASHED_FIELDS, TrailEntry, chain, verify

    columns = ", ".join((*HASHED_FIELDS, "hash"))
    rows = conn.execute(sa.text(f"SELECT {columns} FROM audit_trail ORDER BY seq")).all()
    old = [TrailEntry(*row) for row in rows]
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_trail_head WHERE chain = 'approval'")).first()
    checked = verify(old, recorded_head=(head.seq, head.hash) if head else None)
    if not checked.ok:
        raise RuntimeError(f"the trail is broken, not migrating it: {checked.first_break.message}")
    heads: dict[str, tuple[int, str]] = {}
    for entry in old:
        key = f"{entry.document_type}/{entry.document_id}"
        seq, prev = heads.get(key, (0, GENESIS))
        drafted = {k: getattr(entry, k) for k in HASHED_FIELDS if k not in ("seq", "prev_hash")}
        new = chain(TrailEntry(**drafted), seq + 1, prev)
        conn.execute(
            sa.text("UPDATE audit_trail SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id"),
            {"seq": new.seq, "prev": new.prev_hash, "hash": new.hash, "id": entry.seq},
        )
        heads[key] = (new.seq, new.hash)
    conn.execute(sa.text("DELETE FROM audit_trail_head"))
    if heads:
        conn.execute(
            sa.text("INSERT INTO audit_trail_head (chain, seq, hash) VALUES (:chain, :seq, :hash)"),
            [{"chain": k, "seq": s, "hash": h} for k, (s, h) in heads.items()],
        )
