"""A small demo university: two faculties, six programmes, sixty students, contracts in every status,
and one demo account per role (password ``demo``).

Idempotent: a second run adds nothing. Last year's contracts are made by replaying last year's
campaign through the real workflow, so their events and hashes are genuine.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from werkzeug.security import generate_password_hash
from sqlalchemy import select

from app import roles as R
from app.catalog.models import Accommodation, Campaign, Remediation, Settings
from app.contracts import editing, workflow
from app.contracts.models import INITIAL
from app.extensions import db
from app.people.models import (
    DetuAssignment,
    Faculty,
    Programme,
    RegistrarAssignment,
    Registration,
    Student,
    TeacherAssignment,
)
from seeds.catalogue import academic_year, load_reference

DEMO_PASSWORD = "demo"
REORIENTATION_PROFILE = "RO"

FACULTIES = [("SCI", "UFR Sciences et techniques"), ("LET", "UFR Lettres, langues et sciences humaines")]
PROGRAMMES = [
    # step code, label, diploma code, level, faculty
    ("L1MATH", "Licence 1 Mathématiques", "LMATH", 1, "SCI"),
    ("L2MATH", "Licence 2 Mathématiques", "LMATH", 2, "SCI"),
    ("L3MATH", "Licence 3 Mathématiques", "LMATH", 3, "SCI"),
    ("L1LETM", "Licence 1 Lettres modernes", "LLETM", 1, "LET"),
    ("L2LETM", "Licence 2 Lettres modernes", "LLETM", 2, "LET"),
    ("L3LETM", "Licence 3 Lettres modernes", "LLETM", 3, "LET"),
]
FIRST_NAMES = [
    "Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Inès", "Arthur",
    "Jade", "Jules", "Zoé", "Raphaël", "Lina", "Adam", "Emma", "Nathan", "Sarah", "Théo",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand",
]

STUDY_PLANS = [
    "Consolider mes bases en analyse et en algèbre pour préparer un master MEEF et devenir professeur.",
    "Découvrir la programmation et les statistiques en vue d'un master en science des données.",
    "Réussir mon année en travaillant la méthodologie ; je vise ensuite une licence professionnelle.",
    "Approfondir la littérature du XIXe siècle et préparer le concours du CAPES de lettres.",
]


@dataclass
class Account:
    username: str
    first_name: str
    last_name: str
    roles: tuple


ACCOUNTS = [
    Account("admin", "Alice", "Admin", (R.ADMIN,)),
    Account("referent", "Rémi", "Référent", (R.REFERENT,)),
    Account("detu", "Denise", "Directrice", (R.DETU,)),
    Account("detu2", "Didier", "Directeur", (R.DETU,)),
    Account("teacher", "Thierry", "Enseignant", (R.TEACHER,)),
    Account("counsellor", "Corinne", "Conseillère", (R.COUNSELLOR,)),
    Account("registrar", "Régine", "Scolarité", (R.REGISTRAR,)),
    Account("student", "Camille", "Martin", (R.STUDENT,)),
    Account("student2", "Lucas", "Bernard", (R.STUDENT,)),
    Account("dpo", "Diane", "Protection", (R.DATA_PROTECTION,)),
]


@dataclass(frozen=True)
class DemoProgramme:
    step_code: str
    version: str
    label: str
    diploma_code: str
    diploma_label: str
    diploma_type: str
    level: int
    faculty: str


@dataclass(frozen=True)
class DemoRegistration:
    year: int
    step_code: str
    version: str = "101"
    is_primary: bool = True
    profile_code: str = None
    regime_code: str = "1"
    regime_label: str = "Formation initiale"
    enrolment_count: int = 1


@dataclass
class DemoStudent:
    student_number: str
    ine: str
    first_name: str
    last_name: str
    birth_date: date
    email: str
    registrations: list


@dataclass
class DemoUniversity:
    faculties: list
    programmes: list
    students: list


def demo_university(year):
    """The demo university as the student information system holds it (plain data).

    Loaded directly by ``load_demo`` or, for ``make run``, served by the Apogée simulator and
    loaded through the sync: both give the same rows.
    """
    diploma_labels = {"LMATH": "Licence Mathématiques", "LLETM": "Licence Lettres modernes"}
    programmes = [
        DemoProgramme(step, "101", label, diploma, diploma_labels[diploma], "L", level, faculty)
        for step, label, diploma, level, faculty in PROGRAMMES
    ]
    steps = [p.step_code for p in programmes]
    levels = {p.step_code: p.level for p in programmes}
    students = []
    for index in range(60):
        step = steps[index // 10]
        level = levels[step]
        repeating = index % 10 == 4
        registrations = [DemoRegistration(year, step, enrolment_count=2 if repeating else 1)]
        if level > 1:  # last year, the level below
            registrations.append(DemoRegistration(year - 1, step.replace(f"L{level}", f"L{level - 1}")))
        students.append(DemoStudent(
            student_number=f"2{year % 100:02d}{index + 1:05d}",
            ine=f"{index + 1:09d}AB",
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=LAST_NAMES[index % len(LAST_NAMES)],
            birth_date=date(year - 19 + (index % 3), 1 + index % 12, 1 + index % 28),
            email=f"etudiant{index + 1}@etu.demo.univ.fr",
            registrations=registrations,
        ))
    # The demo students: `student` may start a reorientation, `student2` has a double inscription.
    students[0].first_name, students[0].last_name = "Camille", "Martin"
    students[0].registrations.append(
        DemoRegistration(year, "L1LETM", is_primary=False, profile_code=REORIENTATION_PROFILE)
    )
    students[1].first_name, students[1].last_name = "Lucas", "Bernard"
    students[1].registrations.append(DemoRegistration(year, "L1LETM", is_primary=False))
    return DemoUniversity(FACULTIES, programmes, students)


def load_demo(today=None):
    """Load the reference catalogue and the demo university; returns the accounts' usernames.

    The university's rows (faculties … registrations) are created unless they are already there,
    e.g. loaded from Apogée by the sync (``flask --app run sync-demo``).
    """
    year = academic_year(today)
    load_reference(institution_name="Université de démonstration", today=today)
    settings = db.session.get(Settings, 1)
    if not settings.reorientation_allowed:
        settings.reorientation_allowed = True
        settings.reorientation_profile_code = REORIENTATION_PROFILE
        settings.double_enrolment_contracts = True  # `student2` may open the contract of their second programme
    sm = current_app.appbuilder.sm
    sm.ensure_roles()
    users = {a.username: _ensure_user(sm, a) for a in ACCOUNTS}
    db.session.commit()
    university = demo_university(year)
    if db.session.scalar(select(Faculty.id).where(Faculty.code == "SCI")) is None:
        _build_university_rows(university)
    if db.session.scalar(select(DetuAssignment.id).where(DetuAssignment.user_id == users["detu"].id)) is None:
        _populate(year, university, users)
    _demo_service_account(sm, users["admin"])
    return [a.username for a in ACCOUNTS]


def _demo_service_account(sm, admin):
    """The data warehouse, a machine client of the API, with one key (its secret is not kept:
    ``flask --app run service-account key demo-bi --key-name test`` prints a new one)."""
    from app.api import accounts

    if sm.find_user(username="demo-bi") is None:
        scope = accounts.Scope("Entrepôt de données : tableaux de bord de la réussite (démonstration)", (), True)
        account = accounts.create_service_account("demo-bi", scope, created_by=admin)
        accounts.issue_key(account, "entrepot-nuit")


def _ensure_user(sm, account):
    user = sm.find_user(username=account.username)
    if user is None:
        user = sm.add_user(
            username=account.username,
            first_name=account.first_name,
            last_name=account.last_name,
            email=f"{account.username}@demo.univ.fr",
            role=[sm.find_role(name) for name in account.roles],
            password=DEMO_PASSWORD,
        )
    return user


def _build_university_rows(university):
    faculties = {code: Faculty(code=code, label=label) for code, label in university.faculties}
    db.session.add_all(faculties.values())
    programmes = {}
    for p in university.programmes:
        programmes[p.step_code] = Programme(
            step_code=p.step_code, step_version=p.version, label=p.label, diploma_code=p.diploma_code,
            diploma_version=p.version, diploma_type=p.diploma_type, level=p.level, faculty=faculties[p.faculty],
        )
    db.session.add_all(programmes.values())
    for s in university.students:
        student = Student(
            student_number=s.student_number, ine=s.ine, first_name=s.first_name, last_name=s.last_name,
            birth_date=s.birth_date, email=s.email,
        )
        db.session.add(student)
        for r in s.registrations:
            db.session.add(Registration(
                student=student, programme=programmes[r.step_code], year=r.year, is_primary=r.is_primary,
                profile_code=r.profile_code, regime_code=r.regime_code, regime_label=r.regime_label,
                enrolment_count=r.enrolment_count, is_repeating=r.enrolment_count > 1,
            ))
    db.session.commit()


def _populate(year, university, users):
    """Accounts, assignments and contracts of the demo, on the university's rows."""
    programmes = {p.step_code: p for p in db.session.scalars(select(Programme))}
    by_number = {
        s.student_number: s
        for s in db.session.scalars(
            select(Student).where(Student.student_number.in_([s.student_number for s in university.students]))
        )
    }
    students = [by_number[s.student_number] for s in university.students]
    faculties = {f.code: f for f in db.session.scalars(select(Faculty))}
    # Every other student gets an account named after their student number.
    students[0].user = users["student"]
    students[1].user = users["student2"]
    _student_accounts(students[2:])
    for step in ("L1MATH", "L2MATH"):
        db.session.add(DetuAssignment(user=users["detu"], programme=programmes[step]))
    for step in ("L3MATH", "L1LETM", "L2LETM", "L3LETM"):
        db.session.add(DetuAssignment(user=users["detu2"], programme=programmes[step]))
    for student in students[:5] + students[10:15]:
        db.session.add(TeacherAssignment(user=users["teacher"], student=student))
    db.session.add(RegistrarAssignment(user=users["registrar"], faculty=faculties["SCI"]))
    db.session.commit()

    _replay_last_year(year, students, users)
    _this_year(year, students, users)
    _past_impersonation(users)


def _student_accounts(students):
    sm = current_app.appbuilder.sm
    role = sm.find_role(R.STUDENT)
    # Hash once: the password hash is slow on purpose.
    hashed = generate_password_hash(
        DEMO_PASSWORD, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
    )
    for student in students:
        student.user = sm.add_user(
            username=f"e{student.student_number}", first_name=student.first_name,
            last_name=student.last_name, email=student.email, role=role, hashed_password=hashed,
        )


def _detu_for(programme, users):
    return users["detu"] if programme.step_code in ("L1MATH", "L2MATH") else users["detu2"]


def _write(contract, actor, index, accommodations, today):
    form = {
        "study_plan": STUDY_PLANS[index % len(STUDY_PLANS)],
        "accommodations": [str(a.id) for a in accommodations],
        "needs_details": "Je travaille 15 heures par semaine le week-end." if accommodations else "",
        "gap_year": "none",
        "charter_accepted": "on",
        "pec_acknowledged": "on" if index % 2 else "",
    }
    editing.save_student_part(contract, actor, form, contract.version, today)


def _detu_part(contract, detu, remediation):
    form = {}
    for index, item in enumerate(contract.accommodations):
        form.update({f"needs-{index}-line": item.id, f"needs-{index}-hours": "12"})
    form.update({
        "remediations-0-remediation": remediation.id,
        "remediations-0-hours": remediation.hours,
        "support_hours": "10",
        "path_notes": "Tutorat le mardi, groupe de TD adapté à l'emploi du temps.",
    })
    editing.save_detu_part(contract, detu, form, contract.version)


def _replay_last_year(year, students, users):
    settings = db.session.get(Settings, 1)
    settings.current_year = year - 1
    if db.session.scalar(select(Campaign).where(Campaign.year == year - 1)) is None:
        db.session.add(Campaign(year=year - 1, opens_on=date(year - 1, 9, 1), closes_on=date(year, 6, 30)))
    db.session.commit()
    working = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE01"))
    remediation = db.session.scalar(select(Remediation).order_by(Remediation.id))
    replay_day = date(year - 1, 10, 15)
    for index, student in enumerate(students):
        registration = student.primary_registration(year - 1)
        if registration is None or index % 10 >= 6:
            continue
        owner = student.user
        contract = workflow.start_contract(student, year - 1, INITIAL, owner)
        _write(contract, owner, index, [working] if index % 3 == 0 else [], replay_day)
        workflow.submit(contract, owner, today=replay_day)
        detu = _detu_for(registration.programme, users)
        _detu_part(contract, detu, remediation)
        workflow.sign(contract, detu)
    settings.current_year = year
    db.session.commit()


def _this_year(year, students, users):
    remediation = db.session.scalar(select(Remediation).order_by(Remediation.id.desc()))
    sport = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE07"))
    for index, student in enumerate(students):
        slot = index % 10
        if index == 1 or slot >= 8:  # `student2` and two per programme have not started yet
            continue
        owner = student.user
        registration = student.primary_registration(year)
        contract = workflow.start_contract(student, year, INITIAL, owner)
        if index == 0:  # `student`: a draft in progress
            continue
        _write(contract, owner, index, [sport] if slot == 2 else [], date(year, 10, 1))
        if slot in (3, 4, 5, 6, 7):
            workflow.submit(contract, owner, today=date(year, 10, 1))
        detu = _detu_for(registration.programme, users)
        if slot in (5, 6):
            _detu_part(contract, detu, remediation)
            workflow.sign(contract, detu)
        elif slot == 7:
            workflow.return_to_student(
                contract, detu, "Merci de préciser votre projet professionnel et vos horaires de travail."
            )


def _past_impersonation(users):
    """The referent once looked at the `student` account's pages (the admin's sessions list shows it)."""
    from datetime import timedelta

    from app.people.models import utcnow
    from app.security.models import ImpersonationRequest, ImpersonationSession

    started = utcnow().replace(microsecond=0) - timedelta(days=1)
    row = ImpersonationSession(
        impersonator=users["referent"], user=users["student"], started_at=started,
        ended_at=started + timedelta(minutes=4), last_seen_at=started + timedelta(minutes=3), remote_addr="127.0.0.1",
    )
    db.session.add(row)
    db.session.flush()
    for minutes, path in ((0, "/"), (1, "/my/contract/"), (3, "/my/contacts/")):
        db.session.add(ImpersonationRequest(
            session_id=row.id, impersonator_id=row.impersonator_id, user_id=row.user_id,
            at=started + timedelta(minutes=minutes), method="GET", path=path,
        ))
    db.session.commit()
