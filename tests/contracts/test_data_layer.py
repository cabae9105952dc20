"""The contract data layer: search keys, what each list page loads, the charter stored once, the migration."""
import re

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from app.contracts.models import CharterVersion, Contract
from app.extensions import db
from app.people.models import Student
from app.people.names import search_key
from tests.conftest import make_app


def listed(client, **args):
    page = client.get("/contracts/list/", query_string={"year": "all", "psize_ContractsView": 100, **args})
    return {int(i) for i in re.findall(r"/contracts/show/(\d+)", page.get_data(as_text=True))}


def contracts_of(app, *conditions):
    with app.app_context():
        return set(db.session.scalars(select(Contract.id).join(Student).where(*conditions)).all())


def test_search_key_drops_accents_case_and_punctuation():
    assert search_key("Lefèvre-Dupont", "Zoé", "22600001") == "lefevre dupont zoe 22600001"
    assert search_key("L'Hôpital", "Œdipe") == "l hopital oedipe"
    assert search_key("  ") == ""


def test_names_are_found_without_accents_or_case(app, login):
    client = login("referent")
    lefevre = contracts_of(app, Student.last_name == "Lefèvre")
    assert lefevre
    for typed in ("lefevre", "LEFÈVRE", "Lefèvre", "efev"):
        assert listed(client, q=typed) == lefevre, typed


def test_several_words_must_all_match(app, login):
    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.last_name == "Lefèvre"))
        first, last = student.first_name, student.last_name
    expected = contracts_of(app, Student.last_name == last, Student.first_name == first)
    assert listed(login("referent"), q=f"{first.lower()} lefevre") == expected


def test_part_of_a_student_number_finds_it(app, login):
    with app.app_context():
        number = db.session.scalar(select(Student.student_number).join(Contract).order_by(Student.id))
    assert listed(login("referent"), q=number[2:6]) >= contracts_of(app, Student.student_number == number)
    assert listed(login("referent"), q=number) == contracts_of(app, Student.student_number == number)


def test_the_key_follows_renames(app, ctx):
    student = ctx.scalar(select(Student).order_by(Student.id))
    student.last_name = "Ångström"
    ctx.commit()
    assert ctx.scalar(select(Student.search_name).where(Student.id == student.id)).startswith("angstrom ")


def test_one_charter_version_however_many_students_accept_it(ctx):
    versions = ctx.scalar(select(func.count(CharterVersion.id)))
    accepted = ctx.scalar(select(func.count(Contract.id)).where(Contract.charter_accepted.is_(True)))
    assert accepted > 5 and versions == 1
    contract = ctx.scalar(select(Contract).where(Contract.charter_accepted.is_(True)))
    assert "engage" in contract.charter_text


def test_migration_fills_search_keys_and_charter_versions_and_goes_back(databases):
    databases.create_empty("layer")
    app = make_app(databases.url("layer"))
    try:
        with app.app_context():
            upgrade(revision="0009_sync_liveness")
            with db.engine.begin() as conn:
                for statement in OLD_ROWS:
                    conn.execute(text(statement))
            upgrade(revision="0010_contract_data_layer")
            with db.engine.connect() as conn:
                assert conn.scalar(text("SELECT search_name FROM student WHERE id = 1")) == "lefevre zoe 21900123"
                rows = conn.execute(text("SELECT id, charter_version_id FROM contract ORDER BY id")).all()
                versions = conn.execute(text("SELECT id, html FROM charter_version")).all()
            assert len(versions) == 1 and versions[0].html == "<p>Charte é</p>"
            assert [r.charter_version_id for r in rows] == [versions[0].id, versions[0].id, None]
            downgrade(revision="0009_sync_liveness")
            with db.engine.connect() as conn:
                texts = conn.scalars(text("SELECT charter_text FROM contract ORDER BY id")).all()
            assert texts == ["<p>Charte é</p>", "<p>Charte é</p>", None]
            db.session.remove()
            db.engine.dispose()
    finally:
        databases.drop("layer")


OLD_ROWS = [
    "INSERT INTO faculty (id, code, label, active) VALUES (1, 'SCI', 'Sciences', true)",
    "INSERT INTO programme (id, step_code, step_version, label, faculty_id, active) VALUES (1, 'L1MATH', '101', 'L1', 1, true)",
] + [
    f"INSERT INTO student (id, student_number, last_name, first_name) VALUES ({i}, '{21900122 + i}', 'Lefèvre', 'Zoé')"
    for i in (1, 2, 3)
] + [
    "INSERT INTO contract (id, student_id, programme_id, year, kind, status, version, study_plan, needs_details,"
    " gap_year, gap_year_details, second_programme_label, second_programme_level, second_programme_institution,"
    " second_programme_from_sis, pec_acknowledged, charter_accepted, charter_text, path_notes, comment,"
    f" created_at, updated_at) VALUES ({i}, {i}, 1, 2025, 'initial', 'draft', 1, '', '', 'none', '', '', '', '',"
    f" false, false, {accepted}, {charter}, '', '', '2025-10-01 10:00:00', '2025-10-01 10:00:00')"
    for i, accepted, charter in ((1, "true", "'<p>Charte é</p>'"), (2, "true", "'<p>Charte é</p>'"), (3, "false", "NULL"))
]
