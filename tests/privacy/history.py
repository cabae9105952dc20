"""A built history for the retention tests: old contracts full of text, e-mails and reads about them."""
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import Accommodation, Remediation, Settings
from app.contracts.models import (
    AdvanceCourse,
    Contract,
    ContractAccommodation,
    ContractEvent,
    ContractRemediation,
)
from app.contracts.editing import charter_version
from app.extensions import db
from app.notify.models import OutboxMessage
from app.people.models import Programme, Registration, Student, utcnow
from app.privacy.models import ContractRead

TEXTS = {
    "study_plan": "Devenir professeure des écoles après un master MEEF.",
    "needs_details": "Je travaille le samedi et le dimanche.",
    "gap_year_details": "Un semestre de volontariat au Bénin.",
    "second_programme_label": "Licence de musicologie",
    "second_programme_level": "L1",
    "second_programme_institution": "Conservatoire de Lyon",
    "path_notes": "Groupe de TD du jeudi, tutorat hebdomadaire.",
    "comment": "Rendez-vous pris avec le SCUIO le 12 octobre.",
}


def build(app, ages=(7, 6, 5)):
    """For the first three demo students: one contract per age (years before the current one).

    Returns {age: [contract ids]}. With the default retention (5 years), ages 7 and 6 are due.
    """
    sm = app.appbuilder.sm
    detu, counsellor = sm.find_user(username="detu"), sm.find_user(username="counsellor")
    current = db.session.get(Settings, 1).current_year
    students = db.session.scalars(select(Student).where(Student.user_id.is_not(None)).order_by(Student.id).limit(3)).all()
    programme = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH"))
    working, disability = (db.session.scalar(select(Accommodation).where(Accommodation.code == c))
                           for c in ("RSE01", "RSE04"))
    remediation = db.session.scalar(select(Remediation).order_by(Remediation.id))
    charter = charter_version("<p>Charte</p>")  # stored once, as the application does
    made = {age: [] for age in ages}
    for age in ages:
        year = current - age
        for index, student in enumerate(students):
            registration = Registration(student=student, programme=programme, year=year, regime_code="1")
            signed = datetime(year, 11, 2, 10, 0)
            contract = Contract(
                student=student, programme=programme, registration=registration, year=year, status="signed",
                gap_year="semester", charter_accepted=True, charter_accepted_at=datetime(year, 10, 1, 9, 0),
                charter_version=charter, pec_acknowledged=bool(index % 2), support_hours=Decimal("10"),
                submitted_at=datetime(year, 10, 1, 9, 0), submitted_hash="a" * 64, signed_at=signed,
                signed_by_id=detu.id, signed_hash="b" * 64, returned_reason="Précisez vos horaires de travail.",
                comment_by_id=counsellor.id, comment_at=datetime(year, 10, 5, 9, 0),
                created_at=datetime(year, 9, 20, 8, 0), updated_at=datetime(year, 11, 2, 10, 0), **TEXTS,
            )
            contract.accommodations = [ContractAccommodation(accommodation=working, hours=Decimal("12")),
                                       ContractAccommodation(accommodation=disability, hours=Decimal("6"))]
            contract.remediations = [ContractRemediation(remediation=remediation, hours=Decimal("18"))]
            contract.advance_courses = [AdvanceCourse(code="L2MA01", label="Algèbre linéaire 2", ects=Decimal("6"))]
            db.session.add(contract)
            db.session.flush()
            for at, start, end, actor, reason in (
                (datetime(year, 9, 20, 8, 0), None, "draft", student.user_id, None),
                (datetime(year, 9, 25, 8, 0), "draft", "submitted", student.user_id, None),
                (datetime(year, 9, 28, 8, 0), "submitted", "returned", detu.id, "Précisez vos horaires de travail."),
                (datetime(year, 10, 1, 9, 0), "returned", "submitted", student.user_id, None),
                (signed, "submitted", "signed", detu.id, None),
            ):
                db.session.add(ContractEvent(contract_id=contract.id, actor_id=actor, from_status=start,
                                             to_status=end, at=at, reason=reason))
            db.session.add(OutboxMessage(kind="returned", to_address=student.email, to_user_id=student.user_id,
                                         contract_id=contract.id, subject=f"Votre contrat {year} vous est renvoyé",
                                         body_text="Précisez vos horaires.", body_html="<p>Précisez vos horaires.</p>",
                                         status="sent", sent_at=signed))
            made[age].append(contract.id)
    db.session.commit()
    return made


def add_reads(app, contract_ids, days_ago):
    reader = app.appbuilder.sm.find_user(username="counsellor")
    for contract_id in contract_ids:
        db.session.add(ContractRead(at=utcnow() - timedelta(days=days_ago), user_id=reader.id,
                                    contract_id=contract_id, channel="page"))
    db.session.commit()
