"""Alembic owns the schema: upgrade from empty works, models and migrations agree, data survives."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from app.models import import_all_models
from tests.conftest import make_app


def test_upgrade_from_empty_then_no_drift(databases):
    databases.create_empty("migrations")
    app = make_app(databases.url("migrations"))
    try:
        with app.app_context():
            from app.extensions import db

            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"ab_user", "ab_role", "contract", "contract_event", "settings"} <= tables
            import_all_models()
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Model.metadata)
            assert diff == [], f"models differ from the migrations: {diff}"
            db.engine.dispose()
    finally:
        databases.drop("migrations")


def test_upgrade_from_the_first_release_keeps_settings_and_records(databases):
    """A database created by the first migration, with data in it, upgrades to head losing nothing."""
    databases.create_empty("upgrade")
    app = make_app(databases.url("upgrade"))
    try:
        with app.app_context():
            from app.extensions import db

            upgrade(revision="0001")
            with db.engine.begin() as conn:
                for statement in FIRST_RELEASE_ROWS:
                    conn.execute(text(statement))
            upgrade()
            db.session.remove()
            from app.catalog.models import Settings
            from app.contracts.models import Contract

            settings = db.session.get(Settings, 1)
            assert (settings.institution_name, settings.current_year, settings.diploma_types) == ("Université X", 2025, "L,LP")
            contract = db.session.scalar(select(Contract))
            assert (contract.study_plan, contract.status, contract.student.student_number) == ("Projet", "signed", "21900123")
            assert contract.programme.faculty.code == "SCI"
            db.session.remove()
            db.engine.dispose()
    finally:
        databases.drop("upgrade")


FIRST_RELEASE_ROWS = [
    "INSERT INTO settings (id, institution_name, current_year, diploma_types, reorientation_allowed, charter_html)"
    " VALUES (1, 'Université X', 2025, 'L,LP', false, '<p>Charte</p>')",
    "INSERT INTO faculty (id, code, label, active) VALUES (1, 'SCI', 'Sciences', true)",
    "INSERT INTO programme (id, step_code, step_version, label, faculty_id, active, level, diploma_type)"
    " VALUES (1, 'L1MATH', '101', 'Licence 1 Mathématiques', 1, true, 1, 'L')",
    "INSERT INTO student (id, student_number, last_name, first_name) VALUES (1, '21900123', 'Martin', 'Camille')",
    "INSERT INTO registration (id, student_id, programme_id, year, is_primary, enrolment_count, is_repeating, is_cancelled)"
    " VALUES (1, 1, 1, 2025, true, 1, false, false)",
    "INSERT INTO contract (id, student_id, programme_id, registration_id, year, kind, status, version, study_plan,"
    " needs_details, gap_year, gap_year_details, second_programme_label, second_programme_level,"
    " second_programme_institution, second_programme_from_sis, pec_acknowledged, charter_accepted, path_notes,"
    " comment, created_at, updated_at)"
    " VALUES (1, 1, 1, 1, 2025, 'initial', 'signed', 3, 'Projet', '', 'none', '', '', '', '', false, false, true,"
    " '', '', '2025-10-01 10:00:00', '2025-10-02 10:00:00')",
]
