"""contract data layer: search keys, indexes for the list's filters and sorts, the charter stored once

Revision ID: 0010_contract_data_layer
Revises: 0009_sync_liveness
"""
import hashlib

import sqlalchemy as sa
from alembic import op

from app.people.names import search_key

revision = "0010_contract_data_layer"
down_revision = "0009_sync_liveness"
branch_labels = None
depends_on = None

BATCH = 2000


def _postgresql():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    _student_search_name()
    with op.batch_alter_table("student") as batch:
        batch.create_index("ix_student_name", ["last_name", "first_name"])
    if _postgresql():
        # Trigram indexes answer « contains » searches; pg_trgm is a trusted extension (PostgreSQL 13+).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_student_search_name", "student", ["search_name"], postgresql_using="gin",
                        postgresql_ops={"search_name": "gin_trgm_ops"})
    else:
        op.create_index("ix_student_search_name", "student", ["search_name"])

    with op.batch_alter_table("contract") as batch:
        batch.drop_index("ix_contract_programme_id")  # led by the composite below
        batch.drop_index("ix_contract_year")
        batch.create_index("ix_contract_programme_year_status", ["programme_id", "year", "status"])
        batch.create_index("ix_contract_year_status", ["year", "status"])
        batch.create_index("ix_contract_updated_at", ["updated_at"])
    with op.batch_alter_table("contract_accommodation") as batch:
        batch.drop_index("ix_contract_accommodation_accommodation_id")
        batch.create_index("ix_contract_accommodation_need", ["accommodation_id", "contract_id"])
    with op.batch_alter_table("registration") as batch:
        batch.create_index("ix_registration_regime", ["regime_code", "regime_label"])
        batch.create_index("ix_registration_is_repeating", ["is_repeating"])

    _charter_versions()


def _student_search_name():
    op.add_column("student", sa.Column("search_name", sa.String(250), nullable=True))
    student = sa.table("student", sa.column("id", sa.Integer), sa.column("last_name", sa.String),
                       sa.column("first_name", sa.String), sa.column("student_number", sa.String),
                       sa.column("search_name", sa.String))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(student.c.id, student.c.last_name, student.c.first_name, student.c.student_number)
            .where(student.c.id > last_id).order_by(student.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            student.update().where(student.c.id == sa.bindparam("row_id")),
            [{"row_id": r.id, "search_name": search_key(r.last_name, r.first_name, r.student_number)} for r in rows],
        )
        last_id = rows[-1].id
    with op.batch_alter_table("student") as batch:
        batch.alter_column("search_name", existing_type=sa.String(250), nullable=False)


def _charter_versions():
    op.create_table(
        "charter_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("charter_version_id", sa.Integer(), nullable=True))
        batch.create_index("ix_contract_charter_version_id", ["charter_version_id"])
        batch.create_foreign_key("fk_contract_charter_version", "charter_version", ["charter_version_id"], ["id"])
    connection = op.get_bind()
    versions = sa.table("charter_version", sa.column("id", sa.Integer), sa.column("sha256", sa.String),
                        sa.column("html", sa.Text), sa.column("created_at", sa.DateTime))
    contract = sa.table("contract", sa.column("charter_text", sa.Text),
                        sa.column("charter_version_id", sa.Integer), sa.column("charter_accepted_at", sa.DateTime))
    texts = connection.execute(
        sa.select(contract.c.charter_text, sa.func.min(contract.c.charter_accepted_at))
        .where(contract.c.charter_text.is_not(None)).group_by(contract.c.charter_text)
    ).all()
    for text, first_accepted in texts:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        connection.execute(versions.insert().values(sha256=digest, html=text,
                                                     created_at=first_accepted or sa.func.current_timestamp()))
        version_id = connection.scalar(sa.select(versions.c.id).where(versions.c.sha256 == digest))
        connection.execute(contract.update().where(contract.c.charter_text == text).values(charter_version_id=version_id))
    with op.batch_alter_table("contract") as batch:
        batch.drop_column("charter_text")


def downgrade():
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("charter_text", sa.Text(), nullable=True))
    op.execute(
        "UPDATE contract SET charter_text = "
        "(SELECT html FROM charter_version WHERE charter_version.id = contract.charter_version_id)"
    )
    with op.batch_alter_table("contract") as batch:
        batch.drop_constraint("fk_contract_charter_version", type_="foreignkey")
        batch.drop_index("ix_contract_charter_version_id")
        batch.drop_column("charter_version_id")
    op.drop_table("charter_version")

    with op.batch_alter_table("registration") as batch:
        batch.drop_index("ix_registration_is_repeating")
        batch.drop_index("ix_registration_regime")
    with op.batch_alter_table("contract_accommodation") as batch:
        batch.drop_index("ix_contract_accommodation_need")
        batch.create_index("ix_contract_accommodation_accommodation_id", ["accommodation_id"])
    with op.batch_alter_table("contract") as batch:
        batch.drop_index("ix_contract_updated_at")
        batch.drop_index("ix_contract_year_status")
        batch.drop_index("ix_contract_programme_year_status")
        batch.create_index("ix_contract_year", ["year"])
        batch.create_index("ix_contract_programme_id", ["programme_id"])
    op.drop_index("ix_student_search_name", table_name="student")
    with op.batch_alter_table("student") as batch:
        batch.drop_index("ix_student_name")
        batch.drop_column("search_name")
