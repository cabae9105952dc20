"""contract documents: the document stored at each validation and signature, the comment's history

Contracts signed before this revision get their document frozen now, from what the database holds
(the same shape as app.contracts.document, schema 1, written out here so that this revision keeps
working whatever the models become).

Revision ID: 0011_contract_documents
Revises: 0010_contract_data_layer
"""
import json
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0011_contract_documents"
down_revision = "0010_contract_data_layer"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contract_event") as batch:
        batch.add_column(sa.Column("document", sa.Text(), nullable=True))
    op.create_table(
        "contract_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contract_comment_contract_id", "contract_comment", ["contract_id"])
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO contract_comment (contract_id, text, author_id, at) "
        "SELECT id, comment, comment_by_id, COALESCE(comment_at, updated_at) FROM contract WHERE comment <> ''"
    ))
    _freeze_signed(connection)


def downgrade():
    op.drop_index("ix_contract_comment_contract_id", table_name="contract_comment")
    op.drop_table("contract_comment")
    with op.batch_alter_table("contract_event") as batch:
        batch.drop_column("document")


# --- documents of the contracts signed before this revision ------------------------------------


def _rows(connection, sql, **params):
    return connection.execute(sa.text(sql), params).mappings().all()


def _number(value):
    return None if value is None else format(Decimal(str(value)).normalize(), "f")


def _moment(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat()


def _name(connection, user_id):
    if user_id is None:
        return ""
    row = _rows(connection, "SELECT first_name, last_name FROM ab_user WHERE id = :id", id=user_id)
    return f"{row[0]['first_name']} {row[0]['last_name']}" if row else ""


def _freeze_signed(connection):
    institution = connection.scalar(sa.text("SELECT institution_name FROM settings WHERE id = 1")) or ""
    signed = _rows(connection, """
        SELECT c.*, s.student_number, s.last_name, s.first_name, p.step_code, p.step_version,
               p.label AS programme_label, f.label AS faculty_label, v.sha256 AS charter_sha256
        FROM contract c JOIN student s ON s.id = c.student_id JOIN programme p ON p.id = c.programme_id
        JOIN faculty f ON f.id = p.faculty_id LEFT JOIN charter_version v ON v.id = c.charter_version_id
        WHERE c.status = 'signed'""")
    for c in signed:
        event = _rows(connection, "SELECT id FROM contract_event WHERE contract_id = :id AND to_status = 'signed' "
                      "ORDER BY id DESC", id=c["id"])
        if not event:
            continue
        document = _document(connection, c, institution)
        connection.execute(sa.text("UPDATE contract_event SET document = :document WHERE id = :id"),
                           {"document": json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                            "id": event[0]["id"]})


def _document(connection, c, institution):
    needs = _rows(connection, """SELECT a.code, a.label, a.label_en, ca.hours FROM contract_accommodation ca
        JOIN accommodation a ON a.id = ca.accommodation_id WHERE ca.contract_id = :id ORDER BY ca.id""", id=c["id"])
    remediations = _rows(connection, """SELECT r.label, r.kind, cr.hours FROM contract_remediation cr
        JOIN remediation r ON r.id = cr.remediation_id WHERE cr.contract_id = :id ORDER BY cr.id""", id=c["id"])
    courses = _rows(connection, "SELECT code, label, ects FROM advance_course WHERE contract_id = :id ORDER BY id",
                    id=c["id"])
    validation = _rows(connection, "SELECT actor_id, at FROM contract_event WHERE contract_id = :id "
                       "AND to_status = 'submitted' ORDER BY id DESC", id=c["id"])
    return {
        "schema": 1,
        "institution": institution,
        "student": {"number": c["student_number"], "last_name": c["last_name"], "first_name": c["first_name"]},
        "programme": {"code": f"{c['step_code']}-{c['step_version']}", "label": c["programme_label"],
                      "faculty": c["faculty_label"]},
        "year": c["year"], "kind": c["kind"], "study_plan": c["study_plan"] or "",
        "needs": [{"code": n["code"], "label": n["label"], "label_en": n["label_en"] or "", "hours": _number(n["hours"])}
                  for n in needs],
        "needs_details": c["needs_details"] or "",
        "remediations": [{"label": r["label"], "kind": r["kind"], "hours": _number(r["hours"])} for r in remediations],
        "support_hours": _number(c["support_hours"]),
        "advance_courses": [{"code": k["code"] or "", "label": k["label"], "ects": _number(k["ects"])} for k in courses],
        "path_notes": c["path_notes"] or "", "gap_year": c["gap_year"], "gap_year_details": c["gap_year_details"] or "",
        "second_programme": {"label": c["second_programme_label"] or "", "level": c["second_programme_level"] or "",
                             "institution": c["second_programme_institution"] or "",
                             "from_sis": bool(c["second_programme_from_sis"])},
        "pec_acknowledged": bool(c["pec_acknowledged"]),
        "charter": {"accepted": bool(c["charter_accepted"]), "accepted_at": _moment(c["charter_accepted_at"]),
                    "sha256": c["charter_sha256"]},
        "validated": ({"by": _name(connection, validation[0]["actor_id"]), "at": _moment(validation[0]["at"])}
                      if validation and c["submitted_hash"] else None),
        "signed": {"by": _name(connection, c["signed_by_id"]), "at": _moment(c["signed_at"])},
    }
