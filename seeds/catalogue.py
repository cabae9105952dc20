"""The reference catalogue every institution starts from; referents edit it afterwards.

Loading is idempotent: missing rows are added, rows already there (maybe edited) are left alone.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import (
    Accommodation,
    Campaign,
    HelpText,
    HourVolume,
    Remediation,
    Settings,
)
from app.extensions import db

# Régimes spéciaux d'études: the needs a student can declare. Codes follow Pégase's RSE prefix.
ACCOMMODATIONS = [
    ("RSE01", "Étudiant salarié", "Working student", False),
    ("RSE02", "Étudiant chargé de famille", "Student with family responsibilities", False),
    ("RSE03", "Étudiant engagé dans plusieurs cursus", "Student enrolled in several programmes", False),
    ("RSE04", "Étudiant en situation de handicap", "Student with a disability", True),
    ("RSE05", "Étudiant atteint d'une maladie de longue durée", "Student with a long-term illness", True),
    ("RSE06", "Étudiante enceinte", "Pregnant student", True),
    ("RSE07", "Sportif de haut niveau ou de bon niveau", "High-level athlete", False),
    ("RSE08", "Artiste de haut niveau", "High-level artist", False),
    ("RSE09", "Étudiant élu dans les conseils", "Student elected to university councils", False),
    ("RSE10", "Étudiant engagé dans la vie associative", "Student engaged in associations", False),
    ("RSE11", "Étudiant en service civique ou volontaire", "Student in civic or volunteer service", False),
    ("RSE12", "Étudiant réserviste ou sapeur-pompier volontaire", "Reservist or volunteer firefighter", False),
    ("RSE13", "Étudiant entrepreneur", "Student entrepreneur", False),
    ("RSE14", "Étudiant en mobilité internationale", "Student on international exchange", False),
]

REMEDIATIONS = [
    ("Tutorat par un étudiant avancé", "Tutoring by an advanced student", 1, Decimal("12")),
    ("Méthodologie du travail universitaire", "University study skills", 1, Decimal("18")),
    ("Expression écrite et orale", "Written and oral expression", 1, Decimal("18")),
    ("Renforcement disciplinaire", "Subject reinforcement", 2, Decimal("36")),
    ("Année de licence aménagée en deux ans", "Licence year spread over two years", 2, Decimal("72")),
]

HOUR_VOLUMES = [Decimal(h) for h in ("2", "4", "6", "10", "12", "18", "20", "24", "36", "48", "72")]

FIELDS = [
    "study_plan", "accommodations", "needs_details", "gap_year", "second_programme", "pec",
    "charter", "remediations", "support_hours", "advance_courses", "path_notes", "comment",
    "privacy_notice",  # not a form field: the information notice on personal data (app.privacy)
]

HELP_TEXTS = {
    "fr": {
        "study_plan": "<p>Décrivez en quelques lignes votre projet de formation : ce que vous souhaitez apprendre cette année, vos objectifs, et le métier ou la poursuite d'études que vous envisagez.</p><p>Ce champ est obligatoire pour valider votre contrat. Le <a href=\"https://www.onisep.fr\">site de l'Onisep</a> peut vous aider à réfléchir à votre projet.</p>",
        "accommodations": "<p>Cochez les situations qui vous concernent : l'université peut vous proposer un aménagement de vos études (emploi du temps, dispense d'assiduité, examens). Un justificatif pourra vous être demandé par la scolarité.</p><p>N'indiquez jamais de diagnostic médical : seuls les aménagements sont transmis aux enseignants.</p>",
        "needs_details": "<p>Précisez si besoin votre situation (horaires de travail, calendrier sportif…). Ne donnez aucune information médicale.</p>",
        "gap_year": "<p>La césure est une période d'un semestre ou d'une année pendant laquelle vous suspendez vos études pour une expérience personnelle ou professionnelle. Elle fait l'objet d'une convention distincte signée avec l'établissement.</p>",
        "second_programme": "<p>Si vous suivez une autre formation en parallèle (double inscription, cursus dans un autre établissement), indiquez-la ici. Lorsqu'elle est connue d'Apogée, elle est reprise automatiquement.</p>",
        "pec": "<p>Le portefeuille d'expériences et de compétences (PEC) vous aide à valoriser vos expériences. Vous y accédez depuis votre environnement numérique de travail.</p>",
        "charter": "<p>Lisez la charte de l'établissement et acceptez-la : c'est nécessaire pour valider votre contrat.</p>",
        "remediations": "<p>Dispositifs de remédiation « oui si » : type 1 (accompagnement méthodologique, tutorat) ou type 2 (renforcement disciplinaire, parcours aménagé). Indiquez le volume horaire de chacun.</p>",
        "support_hours": "<p>Heures de soutien disciplinaire proposées à l'étudiant, en plus des enseignements de sa formation.</p>",
        "advance_courses": "<p>Enseignements de l'année suivante que l'étudiant est autorisé à suivre par anticipation (« en crédit » dans Apogée). Indiquez le code de l'élément pédagogique et son nombre de crédits ECTS.</p>",
        "path_notes": "<p>Caractéristiques du parcours : rythme, aménagements d'emploi du temps, codes et intitulés des cours de remédiation…</p>",
        "comment": "<p>Commentaire du conseiller d'orientation. L'étudiant le voit ; il n'apparaît pas sur le contrat imprimé.</p>",
        "privacy_notice": "<p>L'établissement traite vos données personnelles pour établir et suivre votre contrat pédagogique pour la réussite étudiante : votre projet de formation, vos besoins spécifiques et les mesures d'accompagnement que l'université s'engage à mettre en œuvre. Ce traitement est nécessaire à une mission d'intérêt public (arrêté du 30 juillet 2018 relatif au diplôme national de licence).</p><p>Votre identité et vos inscriptions viennent du logiciel de scolarité (Apogée). Vos besoins spécifiques ne sont jamais un diagnostic : n'indiquez aucune information médicale.</p><p>Vous disposez d'un droit d'accès, de rectification, de limitation et d'opposition. Pour l'exercer, ou pour toute question, écrivez au délégué à la protection des données de l'établissement. Vous pouvez aussi saisir la CNIL (www.cnil.fr).</p>",
    },
    "en": {
        "study_plan": "<p>Describe your study plan in a few lines: what you want to learn this year, your goals, and the job or further studies you have in mind.</p><p>This field is required to validate your contract. The <a href=\"https://www.onisep.fr\">Onisep website</a> can help you think about it.</p>",
        "accommodations": "<p>Tick the situations that apply to you: the university can adapt your studies (timetable, exemption from attendance, exams). The student office may ask for supporting documents.</p><p>Never give a medical diagnosis: only the accommodations are passed on to teachers.</p>",
        "needs_details": "<p>If needed, give details of your situation (working hours, sports calendar…). Give no medical information.</p>",
        "gap_year": "<p>A gap period (césure) is a semester or a year during which you suspend your studies for a personal or professional experience. It has its own agreement signed with the university.</p>",
        "second_programme": "<p>If you follow another programme at the same time (double enrolment, another institution), say so here. When Apogée knows it, it is filled in for you.</p>",
        "pec": "<p>The experience and skills portfolio (PEC) helps you showcase your experiences. You reach it from your digital workspace.</p>",
        "charter": "<p>Read the institution's charter and accept it: you need to in order to validate your contract.</p>",
        "remediations": "<p>« Oui si » remediation schemes: type 1 (study skills, tutoring) or type 2 (subject reinforcement, adapted path). Give the hour volume of each.</p>",
        "support_hours": "<p>Hours of subject support offered to the student on top of the programme's courses.</p>",
        "advance_courses": "<p>Courses of the next year the student may take in advance (« en crédit » in Apogée). Give the course code and its ECTS credits.</p>",
        "path_notes": "<p>Features of the student's path: pace, timetable arrangements, codes and titles of remediation courses…</p>",
        "comment": "<p>The guidance counsellor's comment. The student sees it; it is not printed on the contract.</p>",
        "privacy_notice": "<p>The institution processes your personal data to draw up and follow your student success contract: your study plan, your specific needs and the support the university commits to. This processing is needed for a task in the public interest (arrêté of 30 July 2018 on the national licence diploma).</p><p>Your identity and registrations come from the student records system (Apogée). Your specific needs are never a diagnosis: give no medical information.</p><p>You have the right to access, rectify, restrict and object. To use them, or for any question, write to the institution's data protection officer. You may also complain to the CNIL (www.cnil.fr).</p>",
    },
}

DEFAULT_CHARTER = (
    "<p>En validant ce contrat, je m'engage à suivre avec assiduité les enseignements et les "
    "dispositifs d'accompagnement qui y figurent, et à informer la direction des études de tout "
    "changement de ma situation.</p>"
    "<p>L'établissement s'engage à mettre en œuvre les mesures d'accompagnement inscrites au contrat.</p>"
)
DEFAULT_CHARTER_EN = (
    "<p>By validating this contract, I undertake to attend the courses and the support measures it "
    "lists, and to inform the director of studies of any change in my situation.</p>"
    "<p>The university undertakes to provide the support measures written in the contract.</p>"
)


def academic_year(today=None):
    """2026 for 2026-2027: the academic year starts in September."""
    today = today or date.today()
    return today.year if today.month >= 9 else today.year - 1


def load_reference(institution_name="Université", today=None):
    """Settings, the current campaign and the catalogue; returns how many rows were added."""
    added = 0
    year = academic_year(today)
    if db.session.get(Settings, 1) is None:
        db.session.add(
            Settings(
                id=1,
                institution_name=institution_name,
                current_year=year,
                diploma_types="L",
                charter_html=DEFAULT_CHARTER,
                charter_html_en=DEFAULT_CHARTER_EN,
            )
        )
        added += 1
    if db.session.scalar(select(Campaign).where(Campaign.year == year)) is None:
        # Open the whole academic year by default; referents narrow it to their own dates.
        db.session.add(Campaign(year=year, opens_on=date(year, 9, 1), closes_on=date(year + 1, 8, 31)))
        added += 1
    known = set(db.session.scalars(select(Accommodation.code)).all())
    for position, (code, label, label_en, health) in enumerate(ACCOMMODATIONS):
        if code not in known:
            db.session.add(
                Accommodation(code=code, label=label, label_en=label_en, position=position, health_related=health)
            )
            added += 1
    if not db.session.scalar(select(Remediation.id).limit(1)):
        for label, label_en, kind, hours in REMEDIATIONS:
            db.session.add(Remediation(label=label, label_en=label_en, kind=kind, hours=hours))
            added += 1
    known_hours = set(db.session.scalars(select(HourVolume.hours)).all())
    for hours in HOUR_VOLUMES:
        if hours not in known_hours:
            db.session.add(HourVolume(hours=hours, label=f"{hours:g} h"))
            added += 1
    existing = set(db.session.execute(select(HelpText.field, HelpText.language)).all())
    for language, texts in HELP_TEXTS.items():
        for field in FIELDS:
            if (field, language) not in existing:
                db.session.add(HelpText(field=field, language=language, html=texts[field]))
                added += 1
    db.session.commit()
    return added
