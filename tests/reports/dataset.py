"""A small university whose report figures are known by heart (the expected counts in the tests).

Built on the demo's programmes and accounts, in the years 2039 and 2040 where the demo has
nothing: the demo's own contracts never enter these figures. The campaign of 2040 opened 35 days
ago (six weeks, numbered 0 to 5); each contract's history happened on a given day of it.

2040, primary registrations (17): L1MATH m1…m8, L3MATH t1…t3, L1LETM l1…l6
(plus one cancelled registration and one secondary registration, never counted).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import Accommodation, Campaign, Remediation
from app.contracts.models import (
    AdvanceCourse,
    Contract,
    ContractAccommodation,
    ContractEvent,
    ContractRemediation,
)
from app.extensions import db
from app.people.models import Programme, Registration, Student

YEAR = 2040
OPENED = date.today() - timedelta(days=35)

# name: (programme, [(status, day of the campaign)...] history or None (not started))
HISTORIES = {
    "m1": ("L1MATH", [("draft", 1)]),
    "m2": ("L1MATH", [("draft", 1), ("submitted", 8), ("returned", 15)]),
    "m3": ("L1MATH", [("draft", 2), ("submitted", 9), ("returned", 10), ("submitted", 17)]),
    "m4": ("L1MATH", [("draft", 2), ("submitted", 3), ("signed", 16)]),
    "m5": ("L1MATH", [("draft", 8), ("submitted", 9), ("signed", 22)]),
    "m6": ("L1MATH", [("draft", 30), ("submitted", 33)]),
    "m7": ("L1MATH", None),
    "m8": ("L1MATH", None),
    "t1": ("L3MATH", [("draft", 0), ("submitted", 1), ("signed", 2)]),
    "t2": ("L3MATH", [("draft", 29)]),
    "t3": ("L3MATH", None),
    **{f"l{i}": ("L1LETM", [("draft", 1), ("submitted", 2), ("signed", 8)]) for i in range(1, 6)},
    "l6": ("L1LETM", None),
}
# Specific needs: (code, hours) per student of 2040.
NEEDS = {
    "m1": [("RSE01", None), ("RSE04", Decimal("6"))], "m2": [("RSE01", None), ("RSE04", Decimal("6"))],
    "m3": [("RSE01", None)], "m4": [("RSE01", Decimal("12"))], "m5": [("RSE01", Decimal("12"))],
    "m6": [("RSE01", None)], "t1": [("RSE01", Decimal("4"))],
    "l1": [("RSE01", Decimal("6")), ("RSE07", Decimal("10"))], "l2": [("RSE01", Decimal("6")), ("RSE07", Decimal("10"))],
    "l3": [("RSE07", Decimal("10"))], "l4": [("RSE07", Decimal("10"))], "l5": [("RSE07", Decimal("10"))],
}
# Remediations: (kind, hours); support hours; courses taken in advance (ECTS).
REMEDIATIONS = {"m4": [(1, Decimal("12"))], "m5": [(1, Decimal("12")), (2, Decimal("36"))], "t1": [(2, Decimal("36"))]}
SUPPORT = {"m4": Decimal("10"), "m5": Decimal("20"), "l1": Decimal("5")}
COURSES = {"t1": [Decimal("3"), Decimal("6")], "l2": [Decimal("4")]}


@dataclass
class Built:
    students: dict
    contracts: dict


def at(day):
    return datetime.combine(OPENED + timedelta(days=day), time(10, 0))


def _student(name, number):
    student = Student(student_number=number, last_name=f"Nom-{name}", first_name=f"Prénom-{name}",
                      email=f"{name}@etu.test.univ.fr")
    db.session.add(student)
    return student


def _registration(student, programme, year, **extra):
    fields = {"regime_code": "1", "regime_label": "Formation initiale", **extra}
    registration = Registration(student=student, programme=programme, year=year, **fields)
    db.session.add(registration)
    return registration


def _contract(student, registration, history, kind="initial", **fields):
    contract = Contract(student=student, programme=registration.programme, registration=registration,
                        year=registration.year, kind=kind, status=history[-1][0], created_at=at(history[0][1]),
                        updated_at=at(history[-1][1]), **fields)
    submitted = [day for status, day in history if status == "submitted"]
    if submitted:
        contract.submitted_at = at(submitted[-1])
    if history[-1][0] == "signed":
        contract.signed_at = at(history[-1][1])
    db.session.add(contract)
    previous = None
    for status, day in history:
        db.session.add(ContractEvent(contract=contract, from_status=previous, to_status=status, at=at(day)))
        previous = status
    return contract


def build():
    programmes = {p.step_code: p for p in db.session.scalars(select(Programme))}
    needs = {a.code: a for a in db.session.scalars(select(Accommodation))}
    remediation = {kind: db.session.scalar(select(Remediation).where(Remediation.kind == kind).order_by(Remediation.id))
                   for kind in (1, 2)}
    db.session.add(Campaign(year=YEAR, opens_on=OPENED, closes_on=OPENED + timedelta(days=120)))
    db.session.add(Campaign(year=YEAR - 1, opens_on=date(YEAR - 1, 9, 1), closes_on=date(YEAR, 6, 30)))
    students, contracts = {}, {}
    for index, (name, (step, history)) in enumerate(HISTORIES.items()):
        student = students[name] = _student(name, f"40{index:06d}")
        extra = {}
        if name == "m1":
            extra = {"is_repeating": True, "enrolment_count": 2}
        if name == "m2":
            extra = {"regime_code": "2", "regime_label": "Salarié"}
        registration = _registration(student, programmes[step], YEAR, **extra)
        if history:
            fields = {"gap_year": {"m3": "semester", "t1": "year"}.get(name, "none"),
                      "second_programme_label": "Licence Droit" if name == "l1" else "",
                      "support_hours": SUPPORT.get(name)}
            contracts[name] = _contract(student, registration, history, **fields)
    # Never counted: a cancelled registration, a secondary one (it bears m1's reorientation contract).
    _registration(_student("c1", "40900001"), programmes["L1MATH"], YEAR, is_cancelled=True)
    secondary = _registration(students["m1"], programmes["L1LETM"], YEAR, is_primary=False, profile_code="RO")
    contracts["m1-reorientation"] = _contract(students["m1"], secondary, [("draft", 20)], kind="reorientation")
    for name, items in NEEDS.items():
        for code, hours in items:
            db.session.add(ContractAccommodation(contract=contracts[name], accommodation=needs[code], hours=hours))
    for name, items in REMEDIATIONS.items():
        for kind, hours in items:
            db.session.add(ContractRemediation(contract=contracts[name], remediation=remediation[kind], hours=hours))
    for name, credits in COURSES.items():
        for i, ects in enumerate(credits):
            db.session.add(AdvanceCourse(contract=contracts[name], code=f"UE{i}", label=f"Cours {i}", ects=ects))
    # 2039: four registered in L1MATH, three signed contracts with a working student's need.
    for i in range(1, 5):
        student = students[f"p{i}"] = _student(f"p{i}", f"39{i:06d}")
        registration = _registration(student, programmes["L1MATH"], YEAR - 1)
        if i < 4:
            contract = _contract(student, registration, [("draft", 0), ("submitted", 1), ("signed", 2)])
            db.session.add(ContractAccommodation(contract=contract, accommodation=needs["RSE01"], hours=Decimal("4")))
    db.session.commit()
    return Built(students, contracts)
