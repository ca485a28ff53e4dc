"""The event log, the people events are addressed to, task watches and
notifications read.

On PostgreSQL, a statement trigger on ``event`` notifies the channel
``shotline_events`` with the range of ids each INSERT wrote (``first-last``):
the notification is sent when the transaction commits, never on rollback, so
every server process listening learns of every committed event without a
statement of its own in the writing request.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "shotline_events"

NOTIFY_FUNCTION = f"""
CREATE FUNCTION shotline_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_id bigint;
    last_id bigint;
BEGIN
    SELECT min(id), max(id) INTO first_id, last_id FROM written;
    IF first_id IS NOT NULL THEN
        PERFORM pg_notify('{CHANNEL}', first_id || '-' || last_id);
    END IF;
    RETURN NULL;
END
$$
"""

NOTIFY_TRIGGER = """
CREATE TRIGGER event_notify AFTER INSERT ON event
REFERENCING NEW TABLE AS written
FOR EACH STATEMENT EXECUTE FUNCTION shotline_notify_events()
"""


def timestamp() -> sa.types.TypeEngine[object]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def event_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", event_id(), autoincrement=True, nullable=False),
        sa.Column("created_at", timestamp(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("restricted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_index("ix_event_project_id", "event", ["project_id", "id"])
    op.create_index("ix_event_task_id", "event", ["task_id"])
    op.create_index("ix_event_entity_id", "event", ["entity_id"])
    op.create_table(
        "event_recipient",
        sa.Column("event_id", event_id(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_event_recipient_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_event_recipient_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "person_id", name=op.f("pk_event_recipient")),
    )
    op.create_index("ix_event_recipient_person_id", "event_recipient", ["person_id", "event_id"])
    op.create_table(
        "task_watch",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_watch_task_id_task"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_task_watch_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "person_id", name=op.f("pk_task_watch")),
    )
    op.create_index("ix_task_watch_person_id", "task_watch", ["person_id"])
    op.create_table(
        "notification_read",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event_id", event_id(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_notification_read_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_notification_read_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "event_id", name=op.f("pk_notification_read")),
    )
    op.create_table(
        "notification_state",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("read_through", event_id(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_notification_state_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_notification_state")),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        op.execute(NOTIFY_TRIGGER)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER event_notify ON event")
        op.execute("DROP FUNCTION shotline_notify_events()")
    # Dropping a table drops its indexes (MariaDB refuses to drop first
    # one that a foreign key needs).
    for table in ("notification_state", "notification_read", "task_watch", "event_recipient"):
        op.drop_table(table)
    op.drop_table("event")
