"""Pégase behind the ``StudentInformationSystem`` interface: the mapping of its JSON to the seam's
records.

- Offer, faculties and lists of students: the year's flux of registrations (INS
  ``listerFluxInscriptionsPagine``, all pages), read once and reused ``listing_seconds``. A
  programme is the object a registration points at (the end of its ``chemin``), its diploma the
  formation (the start), whose type is matched against the settings' diploma types; its faculty
  is the UAI of the registration's main structure. Pégase's external APIs name no faculty: the
  records carry no label, the sync keeps the name it holds.
- One student: INS ``lireInscriptions`` (identity, every registration) and IDT
  ``lireIdentiteByUUID`` (the institutional e-mail). Pégase has no enrolment counter: a registration
  counts the learner's valid registrations on the same object up to its year. It gives no « oui si »
  category and no adjusted path; it gives the special arrangements and the parallel course.
- The contract page: CHC ``lireCursusApprenant`` (pedagogical choices) and COC
  ``listerCursusPubliableApprenant`` (only the grades and results Pégase allows to publish); the
  documents approved when registering (``accords`` of INS ``lireInscriptions``).

Data protection: identity, contact and registration fields only; nothing of the learner's social,
family, health or financial situation is read.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from app.sis.interface import (
    AgreementRecord,
    CourseRecord,
    CourseResult,
    FacultyRecord,
    ProgrammeRecord,
    RegistrationRecord,
    StudentContact,
    StudentIdentity,
    StudentInformationSystem,
    StudentListing,
    StudentSnapshot,
)
from app.sis.pegase.client import PegaseClient
from app.sis.pegase.errors import bad_shape
from app.sis.pegase.settings import PegaseSettings

VALID = "valide"
PAID = ("paye", "valide")
GAP_YEARS = ("SEMESTRE", "ANNEE")


def text(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def get(obj, *path):
    """``obj[a][b]`` or None when any step is missing or not an object."""
    for name in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def items(value):
    return value if isinstance(value, list) else []


def is_valid(entry):
    return (entry.get("statutInscription") or entry.get("statusInscription")) == VALID


def parse_date(value):
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def number(value):
    """A JSON number as ConPeRe shows it: 12.5 -> "12,5", 6.0 -> "6"."""
    if value is None:
        return None
    return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", ",") if isinstance(value, (int, float)) else text(value)


@dataclass
class Listing:
    """A year's flux, sorted out: programmes by key, valid registrations' learners by programme key."""

    fetched_at: float
    programmes: dict = field(default_factory=dict)
    students: dict = field(default_factory=dict)


class PegaseSystem(StudentInformationSystem):
    name = "Pégase"

    def __init__(self, settings: PegaseSettings, client=None, clock=time.monotonic):
        self.settings = settings
        self.client = client or PegaseClient(settings)
        self.concurrency = settings.concurrency
        self.clock = clock
        self._listings = {}
        self._lock = threading.Lock()
        self._last_year = None

    @classmethod
    def from_config(cls, config, **overrides):
        return cls(PegaseSettings.from_config(config, **overrides))

    def close(self):
        self.client.close()

    # --- offer and lists, from the flux of registrations

    def faculties(self):
        """The structures of the registrations of the year last asked (else the current one)."""
        year = self._last_year or current_academic_year()
        found = {p.faculty_code: FacultyRecord(p.faculty_code, None)
                 for p in self.listing(year).programmes.values() if p.faculty_code}
        return sorted(found.values(), key=lambda f: f.code)

    def programmes(self, year, diploma_types):
        offer = self.listing(year, fresh=True).programmes.values()
        return sorted((p for p in offer if p.diploma_type in diploma_types), key=lambda p: p.key)

    def students_of(self, programme, year):
        numbers = self.listing(year).students.get(programme.key, ())
        return [StudentListing(n) for n in sorted(numbers)]

    def listing(self, year, fresh=False):
        """The year's flux, read again when older than ``listing_seconds`` (or ``fresh``: the
        offer is the start of a sync, which then lists students from the same reading)."""
        self._last_year = year
        with self._lock:
            found = self._listings.get(year)
            if found is None or fresh or self.clock() - found.fetched_at > self.settings.listing_seconds:
                found = self._listings[year] = self._read_listing(year)
            return found

    def _read_listing(self, year):
        what = "listerFluxInscriptionsPagine"
        params = {"codePeriode": self.settings.period(year), "taille": self.settings.page_size}

        def page(index):
            answer = self.client.get("ins", "/gestion/flux-inscriptions/pagine", what, {**params, "page": index})
            if not isinstance(answer, dict) or not isinstance(answer.get("resultats"), list):
                raise bad_shape(what, "no 'resultats'")
            return answer

        first = page(0)
        pages = [first]
        total = first.get("totalPages")
        total = total if isinstance(total, int) and total > 0 else 1
        if total > 1:
            with ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="pegase-flux") as pool:
                pages += list(pool.map(page, range(1, total)))
        listing = Listing(fetched_at=self.clock())
        for answer in pages:
            for entry in answer["resultats"]:
                self._add_to_listing(listing, entry, year)
        return listing

    def _add_to_listing(self, listing, entry, year):
        path = [step for step in items(get(entry, "chemin")) if isinstance(step, dict)]
        learner = text(get(entry, "codeApprenant"))
        year_of = get(entry, "anneeUniversitaire")
        if not path or not learner or (isinstance(year_of, int) and year_of != year):
            return
        root, leaf = path[0], path[-1]
        record = self._programme(leaf, root, text(get(entry, "formation")), text(get(entry, "UAIStructurePrincipale")))
        if record is None:
            return
        listing.programmes.setdefault(record.key, record)
        if is_valid(entry):
            listing.students.setdefault(record.key, set()).add(learner)

    def _programme(self, leaf, root, formation_code, faculty_code, formation_label=None):
        code = text(leaf.get("code"))
        if not code:
            return None
        version = self.settings.programme_version
        return ProgrammeRecord(
            step_code=code, step_version=version,
            label=text(leaf.get("libelleLong")) or text(leaf.get("libelleCourt")) or code,
            faculty_code=faculty_code or "", faculty_label="",
            diploma_code=formation_code or text(root.get("code")), diploma_version=version,
            diploma_type=text(root.get("type")) if root is not None else None,
        )

    # --- one student

    def student(self, student_number, year):
        dossier = self._dossier(student_number)
        if dossier is None:
            return StudentSnapshot(student_number, None, None, ())
        learner = get(dossier, "apprenant") or {}
        inscriptions = [i for i in items(dossier.get("inscriptions")) if isinstance(i, dict)]
        detail = self._identity(next(filter(None, (text(i.get("idApprenant")) for i in inscriptions)), None))
        registrations = tuple(filter(None, (self._registration(i, inscriptions) for i in inscriptions
                                            if _year(i) == year)))
        return StudentSnapshot(student_number, _identity_of(learner, detail, student_number),
                               _contact_of(learner, detail), registrations)

    def _dossier(self, student_number):
        """The learner's file (INS), None when Pégase does not know them."""
        what = "lireInscriptions"
        dossier = self.client.get("ins", self._dossier_path(student_number), what)
        if dossier is not None and not isinstance(dossier, dict):
            raise bad_shape(what, "not an object")
        return dossier

    def _dossier_path(self, student_number):
        return f"/gestion/inscription/{quote(self.settings.structure, safe='')}/{quote(student_number, safe='')}/"

    def _identity(self, identity_id):
        if not identity_id:
            return {}
        path = f"/etablissements/{quote(self.settings.structure, safe='')}/identites/{quote(identity_id, safe='')}"
        return self.client.get("idt", path, "lireIdentiteByUUID") or {}

    def _registration(self, inscription, inscriptions):
        target = get(inscription, "cible") or {}
        code, year = text(target.get("code")), _year(inscription)
        if not code or year is None:
            return None
        formation = get(target, "formation") or {}
        programme = self._programme(target, None, text(formation.get("code")), text(target.get("UAIStructurePrincipale")))
        situation = get(inscription, "situationPersonnelleInscription") or {}
        regime = get(inscription, "regimeInscription") or {}
        profiles = _codes(situation.get("profilsSpecifiques"))
        return RegistrationRecord(
            year=year, programme=programme, is_primary=inscription.get("principale") is True,
            is_cancelled=not is_valid(inscription), profile_code=profiles[0] if profiles else None,
            regime_code=text(regime.get("code")), regime_label=text(regime.get("libelle")),
            enrolment_count=_enrolments(inscriptions, code, year), is_paid=inscription.get("statutPaiement") in PAID,
            arrangements=tuple(sorted(set(_codes(situation.get("amenagementsSpecifiques"))))),
            parallel_course=text(get(inscription, "cursusParallele", "filiere", "code")),
            gap_year=_gap_year(inscription),
        )

    # --- the contract page: documents approved, pedagogical choices and published results

    def agreements(self, student_number, year):
        """The ``accords`` of the learner's registrations of the year, in Pégase's display order."""
        dossier = self._dossier(student_number) or {}
        found = []
        for inscription in items(dossier.get("inscriptions")):
            if isinstance(inscription, dict) and _year(inscription) == year:
                step_code = text(get(inscription, "cible", "code"))
                accords = [a for a in items(inscription.get("accords")) if isinstance(a, dict)]
                found += filter(None, (_agreement(a, step_code) for a in _by_priority(accords)))
        return found

    def course_registrations(self, student_number, year, step_code, step_version):
        choices = self.client.get("chc", "/cursus", "lireCursusApprenant", {"codeApprenant": student_number}) or []
        cursus = next((c for c in items(choices) if isinstance(c, dict) and _cursus_year(c) == year
                       and text(get(c, "racinePedagogique", "codeObjetMaquette")) == step_code), None)
        if cursus is None:
            return []
        results = self._published(student_number, cursus, step_code)
        courses = []

        def walk(line, parent, depth):
            for child in items(line.get("enfants")):
                if not isinstance(child, dict) or not text(child.get("codeObjetMaquette")):
                    continue
                code = text(child.get("codeObjetMaquette"))
                courses.append(CourseRecord(
                    code=code, label=text(child.get("libelleLongObjetMaquette")) or code, parent_code=parent,
                    depth=depth, nature=text(child.get("libelleAffichageTypeObjetFormation")),
                    credits=number(child.get("creditEcts")), registration_kind=text(child.get("typeChoixPedagogique")),
                    results=_results(results.get(code)),
                ))
                walk(child, code, depth + 1)

        walk(cursus["racinePedagogique"], None, 1)
        return courses

    def _published(self, student_number, cursus, step_code):
        """{object code: COC row} for the registration's object and its descendants."""
        formation = text(get(cursus, "formation", "code"))
        path = step_code if not formation or formation == step_code else f"{formation}>{step_code}"
        period = text(get(cursus, "periode", "code"))
        if not period:
            return {}
        structure = text(cursus.get("codeStructure")) or self.settings.structure
        url = (f"/etablissements/{quote(structure, safe='')}/periodes/{quote(period, safe='')}"
               f"/apprenants/{quote(student_number, safe='')}/chemins/{quote(path, safe='')}")
        rows = self.client.get("coc", url, "listerCursusPubliableApprenant") or []
        return {text(get(r, "objetFeuille", "code")): r for r in items(rows) if isinstance(r, dict)}


def _by_priority(accords):
    """Pégase shows first the documents of the highest ``prioriteAffichage``."""
    def priority(accord):
        value = get(accord, "documentAApprouver", "prioriteAffichage")
        return -value if isinstance(value, int) else 0

    return sorted(accords, key=priority)


def _agreement(accord, step_code):
    document = get(accord, "documentAApprouver") or {}
    code = text(document.get("code"))
    if not code or not step_code:
        return None
    accepted = accord.get("estAccepte")
    return AgreementRecord(
        step_code=step_code, code=code, label=text(document.get("libelleAffichage")) or code,
        accepted=accepted if isinstance(accepted, bool) else None,
        answered_on=parse_date(accord.get("dateValidation")), blocking=document.get("temoinBloquant") is True,
        visible_to_student=document.get("temoinVisible") is not False, text=text(document.get("contenu")),
    )


def _identity_of(learner, detail, student_number):
    civil = get(learner, "etatCivil") or {}
    return StudentIdentity(
        student_number=text(learner.get("code")) or student_number,
        ine=text(get(detail, "profilApprenant", "ineMaitre")) or text(get(learner, "bac", "ine")),
        last_name=text(civil.get("nomUsuel")) or text(civil.get("nomDeNaissance")) or "",
        first_name=text(civil.get("prenom")) or "",
        birth_date=parse_date(get(learner, "naissance", "dateDeNaissance")),
    )


def _contact_of(learner, detail):
    """The institutional address (IDT), else the file's; Pégase does not know the directory login."""
    email = (text(get(detail, "profilApprenant", "donneesContact", "adresseElectroniqueInstitutionnelle"))
             or text(get(detail, "email")) or _personal_mail(learner))
    return StudentContact(email=email, directory_login=None) if email else None


def _gap_year(inscription):
    """The césure of the registration: a semester or the year; none (SANS) is None."""
    value = text(get(inscription, "situationUniversitaire", "cesure"))
    return value if value in GAP_YEARS else None


def _codes(value):
    return [text(code) for code in items(value) if text(code)]


def _enrolments(inscriptions, code, year):
    """Pégase has no enrolment counter: the learner's valid registrations on the same object up to the year."""
    return max(1, sum(1 for other in inscriptions
                      if text(get(other, "cible", "code")) == code and (_year(other) or 0) <= year and is_valid(other)))


def _personal_mail(learner):
    for contact in items(learner.get("contacts")):
        if isinstance(contact, dict) and text(contact.get("mail")):
            return text(contact.get("mail"))
    return None


def _year(inscription):
    period = get(inscription, "cible", "periode") or {}
    year = period.get("anneeUniversitaire")
    if isinstance(year, int):
        return year
    start = parse_date(period.get("dateDebut"))
    return start.year if start else None


def _cursus_year(cursus):
    start = parse_date(get(cursus, "periode", "dateDebut"))
    return start.year if start else None


def _results(row):
    """The published sessions of one COC row; nothing when Pégase publishes nothing."""
    if not isinstance(row, dict):
        return ()
    found = []
    sessions = (("1", "Session1", "delibereSession1", row.get("publieSession1")),
                ("2", "Session2", "delibereFinales", row.get("publieSession2") and row.get("concerneParSession2")))
    for session, suffix, deliberated, published in sessions:
        grade, outcome = row.get(f"note{suffix}"), get(row, f"resultat{suffix}") or {}
        if not published or (grade is None and not outcome):
            continue
        found.append(CourseResult(
            session=f"Session {session}", grade=number(grade),
            outcome=text(outcome.get("libelleAffichage")) or text(outcome.get("libelleLong")) or text(outcome.get("code")),
            outcome_code=text(outcome.get("code")), final=row.get(deliberated) is True,
        ))
    return tuple(found)


def current_academic_year(today=None):
    """2026 for 2026-2027: the academic year starts in September."""
    today = today or date.today()
    return today.year if today.month >= 9 else today.year - 1
