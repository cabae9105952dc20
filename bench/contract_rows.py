"""The contracts of a planned university (``bench/university.py``) as table rows, with their history.

Each contract is consistent with its status the way the workflow would have left it: a draft has
no submission, a signed contract has its signer, hashes and events (start, submit, maybe a return
and a second submit, sign), the DETU's part is filled before signing, and so on.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from university import LICENCES

STATUS_WEIGHTS = {  # draft, submitted, returned, signed
    "past": (0.025, 0.02, 0.005, 0.95),
    "current": (0.22, 0.20, 0.05, 0.53),
}
STATUSES = ("draft", "submitted", "returned", "signed")
LICENCE_LABELS = {code: label for code, label, *_ in LICENCES}

PLAN_SENTENCES = [
    "Je souhaite consolider mes bases dans les matières fondamentales de la licence.",
    "Mon objectif est de valider mon année et de poursuivre en master.",
    "Je vise un métier de l'enseignement et je prépare le concours du professorat.",
    "Je travaille la méthodologie : prise de notes, organisation, préparation des examens.",
    "Je veux découvrir la recherche en participant à un projet encadré au second semestre.",
    "Je prépare un stage de fin d'année dans une entreprise de la région.",
    "J'envisage une licence professionnelle après ma deuxième année.",
    "Je souhaite partir un semestre à l'étranger dans le cadre d'Erasmus+.",
    "Je veux améliorer mon niveau d'anglais pour obtenir une certification.",
    "Je m'engage à suivre les séances de tutorat proposées par la formation.",
    "Mon projet est de travailler dans le secteur public après un master.",
    "Je souhaite me réorienter vers une formation plus appliquée si cette année ne me convient pas.",
    "Je concilie mes études avec un emploi : j'ai besoin d'un emploi du temps adapté.",
    "Je prépare un projet de création d'entreprise avec le pôle entrepreneuriat.",
]
PATH_NOTES = [
    "Tutorat le mardi ; groupe de TD adapté à l'emploi du temps.",
    "Dispense d'assiduité en TD accordée pour le premier semestre.",
    "Parcours en deux ans : semestre 1 sur l'année, semestre 2 l'année suivante.",
    "Examens en tiers temps ; salle au rez-de-chaussée.",
    "Suivi mensuel avec l'enseignant référent.",
]
RETURN_REASONS = [
    "Merci de préciser votre projet professionnel.",
    "Le projet de formation est trop succinct : développez vos objectifs de l'année.",
    "Indiquez vos horaires de travail pour que nous adaptions votre emploi du temps.",
]
COMMENTS = [
    "Entretien d'orientation le 12 novembre : projet cohérent, à revoir en fin de semestre.",
    "L'étudiant envisage une réorientation en BUT ; rendez-vous pris au SCUIO.",
    "Conseillé de rencontrer le service de santé universitaire pour les aménagements d'examens.",
]
NEEDS_DETAILS = {
    "RSE01": "Je travaille {n} heures par semaine, surtout le week-end.",
    "RSE07": "Compétitions le week-end ; entraînements le mercredi après-midi.",
    "RSE02": "Je garde mon enfant le mercredi.",
}
SUPPORT_HOURS = [Decimal(h) for h in ("6", "10", "12", "18", "24")]
NEED_HOURS = [Decimal(h) for h in ("2", "4", "6", "10", "12", "18", "20")]


@dataclass
class Catalogue:
    """Ids from the database the rows refer to."""

    accommodations: dict  # code -> id
    remediations: list  # (id, kind, hours)
    charter_html: str
    institution: str
    detus: dict  # programme id -> [user ids]
    counsellors: list
    now: datetime
    charter_version_id: int = None


class ContractRows:
    """Builds contract rows one enrolment at a time and collects the rows that hang on them."""

    def __init__(self, rng, catalogue, first_ids, registrations):
        self.rng = rng
        self.cat = catalogue
        self.ids = dict(first_ids)  # table -> next id
        self.registrations = registrations  # (student id, programme id, year) -> registration id
        self.needs, self.remediations, self.courses, self.events = [], [], [], []

    def _next(self, table):
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def contracts(self, plan):
        """Every contract of the plan (a generator: rows are written as they come)."""
        for e in plan.enrolments:
            if e.contract:
                yield self.contract(e, e.programme, "initial", plan.year)
            if e.reorientation_contract:
                yield self.contract(e, e.second, "reorientation", plan.year)

    def contract(self, e, programme, kind, current_year):
        rng, now = self.rng, self.cat.now
        status = rng.choices(STATUSES, STATUS_WEIGHTS["current" if e.year == current_year else "past"])[0]
        cid = self._next("contract")
        created = datetime(e.year, 9, 5, 8) + timedelta(seconds=rng.uniform(0, 70 * 86400))
        created = min(created, now - timedelta(days=3))
        row = dict(
            id=cid, student_id=e.student.id, programme_id=programme.id,
            registration_id=self.registrations[(e.student.id, programme.id, e.year)],
            year=e.year, kind=kind, status=status, study_plan=self._study_plan(status),
            gap_year="none", gap_year_details="", pec_acknowledged=rng.random() < 0.6,
            charter_accepted=status != "draft", charter_version_id=self.cat.charter_version_id if status != "draft" else None,
            support_hours=None, path_notes="", comment="", comment_by_id=None, comment_at=None,
            submitted_at=None, submitted_hash=None, signed_at=None, signed_by_id=None, signed_hash=None,
            returned_reason=None, created_at=created, charter_accepted_at=None,
            **self._second_programme(e, programme),
        )
        self._gap_year_and_details(row, e.student.needs)
        detu = rng.choice(self.cat.detus[programme.id])
        before = len(self.events)
        last = self._history(row, e.student.user_id, detu)
        detu_part = status == "signed" or (status != "draft" and rng.random() < 0.4)
        self._needs(cid, e.student.needs, detu_part)
        if detu_part:
            self._detu_part(row, e, programme)
        self._comment(row, last)
        row["updated_at"] = max(last, row["comment_at"] or last)
        row["version"] = 1 + 2 * (len(self.events) - before)  # a save before each step, then the step
        return row

    def _gap_year_and_details(self, row, needs):
        rng = self.rng
        if rng.random() < 0.008:
            row.update(gap_year=rng.choice(("semester", "year")),
                       gap_year_details="Service civique à l'étranger, convention de césure signée.")
        details = [NEEDS_DETAILS[c].format(n=rng.choice((10, 15, 20))) for c in needs if c in NEEDS_DETAILS]
        row["needs_details"] = " ".join(details)

    def _comment(self, row, last):
        rng = self.rng
        if row["status"] != "draft" and rng.random() < 0.025:
            row.update(comment=rng.choice(COMMENTS), comment_by_id=rng.choice(self.cat.counsellors),
                       comment_at=min(last + timedelta(days=rng.uniform(1, 20)), self.cat.now))

    def _study_plan(self, status):
        rng = self.rng
        if status == "draft" and rng.random() < 0.35:
            return ""
        return " ".join(rng.sample(PLAN_SENTENCES, rng.randint(2, 5)))

    def _second_programme(self, e, programme):
        other = e.second if e.second is not None and e.second is not programme else None
        if other is None and e.second is programme:
            other = e.programme  # a reorientation contract: the primary registration is the other one
        if other is not None:
            return dict(second_programme_label=f"Licence {other.level} {LICENCE_LABELS[other.licence]}",
                        second_programme_level=f"L{other.level}", second_programme_institution=self.cat.institution,
                        second_programme_from_sis=True)
        if self.rng.random() < 0.005:
            return dict(second_programme_label="Diplôme d'études musicales", second_programme_level="Cycle 3",
                        second_programme_institution="Conservatoire à rayonnement régional",
                        second_programme_from_sis=False)
        return dict(second_programme_label="", second_programme_level="", second_programme_institution="",
                    second_programme_from_sis=False)

    def _history(self, row, student_user, detu):
        """Dates, hashes and events of the path to the contract's status; returns the last date."""
        rng, now, cid, status = self.rng, self.cat.now, row["id"], row["status"]
        at = row["created_at"]
        self._event(cid, student_user, None, "draft", at)
        if status == "draft":
            return at
        returned_before = status == "returned" or rng.random() < (0.1 if status == "signed" else 0.05)
        at = self._step(at, 20)
        self._event(cid, student_user, "draft", "submitted", at, content_hash=_hash(cid, "s1"))
        if returned_before:
            at = self._step(at, 10)
            reason = rng.choice(RETURN_REASONS)
            self._event(cid, detu, "submitted", "returned", at, reason=reason)
            row["returned_reason"] = reason
            if status != "returned":
                at = self._step(at, 10)
                self._event(cid, student_user, "returned", "submitted", at, content_hash=_hash(cid, "s2"))
                row["returned_reason"] = None
        row.update(submitted_at=at, submitted_hash=_hash(cid, "s"), charter_accepted_at=at)
        if status == "signed":
            at = self._step(at, 30)
            row.update(signed_at=at, signed_by_id=detu, signed_hash=_hash(cid, "sign"))
            self._event(cid, detu, "submitted", "signed", at, content_hash=row["signed_hash"])
        return min(at, now)

    def _step(self, at, days):
        return min(at + timedelta(seconds=self.rng.uniform(3600, days * 86400)), self.cat.now)

    def _event(self, cid, actor, from_status, to_status, at, reason=None, content_hash=None):
        self.events.append(dict(id=self._next("contract_event"), contract_id=cid, actor_id=actor,
                                impersonator_id=None, from_status=from_status, to_status=to_status, at=at,
                                reason=reason, content_hash=content_hash))

    def _needs(self, cid, codes, with_hours):
        for code in codes:
            self.needs.append(dict(id=self._next("contract_accommodation"), contract_id=cid,
                                   accommodation_id=self.cat.accommodations[code],
                                   hours=self.rng.choice(NEED_HOURS) if with_hours else None))

    def _detu_part(self, row, e, programme):
        rng = self.rng
        wants = e.oui_si is not None or rng.random() < {1: 0.1, 2: 0.04, 3: 0.01}[programme.level]
        if wants:
            self._remediations(row["id"], e.oui_si is not None)
        if rng.random() < 0.12:
            row["support_hours"] = rng.choice(SUPPORT_HOURS)
        if wants or e.student.needs or rng.random() < 0.1:
            row["path_notes"] = rng.choice(PATH_NOTES)
        if programme.level < 3 and rng.random() < 0.04:
            self._advance_courses(row["id"], programme)

    def _remediations(self, cid, oui_si):
        """Type 1 mostly; type 2 (heavier) mostly for « oui si » students."""
        rng = self.rng
        for rid, kind, hours in rng.sample(self.cat.remediations, 2 if rng.random() < 0.15 else 1):
            if kind == 2 and not oui_si and rng.random() < 0.5:
                continue
            self.remediations.append(dict(id=self._next("contract_remediation"), contract_id=cid,
                                          remediation_id=rid, hours=hours))

    def _advance_courses(self, cid, programme):
        rng, level = self.rng, programme.level
        for k in rng.sample(range(1, 9), rng.randint(1, 2)):
            self.courses.append(dict(
                id=self._next("advance_course"), contract_id=cid, code=f"{programme.licence[:3]}{level + 1}U{k:02d}",
                label=f"UE {k} de L{level + 1} {LICENCE_LABELS[programme.licence]}", ects=Decimal(rng.choice((3, 6)))))


def _hash(cid, salt):
    return hashlib.sha256(f"{cid}:{salt}".encode()).hexdigest()
